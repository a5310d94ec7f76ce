package io.hrnet4j.spark;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.train.parallel.CheckpointStore;
import io.hrnet4j.zoo.train.parallel.TrainingCheckpoint;
import io.hrnet4j.zoo.train.parallel.TrainingDivergedException;
import io.hrnet4j.zoo.train.parallel.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training of the {@link ComputationGraph} realisation of HRNet on Apache Spark through dl4j-spark's
 * {@link SparkComputationGraph}: {@link ParameterAveragingTrainingMaster} by default, {@link SharedTrainingMaster}
 * (threshold-encoded gradient sharing over Aeron) as an option. The samples are listed on the driver
 * ({@link CocoKeypoints} / {@link MpiiAnnotations}) and the executors decode and augment the images from a shared
 * file system ({@link PoseSampleRdd}), with the same per-sample seeding as local training.
 *
 * <p>After every epoch the driver writes a checkpoint with the same format and atomicity as local training
 * ({@link CheckpointStore}: DL4J model zip with updater state plus the training state); {@link #train} continues
 * from a given state, so a Spark run can resume from a local checkpoint and the reverse.
 *
 * <p>Java 17 needs the JVM flags of {@code dl4j-hrnet-spark/pom.xml} ({@code spark.jvm.flags}: {@code --add-opens}
 * for {@code java.base/java.nio}, {@code sun.nio.ch}, {@code java.util} and the rest of the Spark 3.3 list, and
 * {@code -Daeron.publication.unblock.timeout=60000000000} for the shared-training master). As a command:
 * {@code java <flags> -cp ... io.hrnet4j.spark.SparkTrainingJob --spark local[2] --dataset coco --images DIR
 * --annotations FILE ...} ({@code ./hrnet train --spark MASTER ...}).
 */
@Command(name = "train-spark", mixinStandardHelpOptions = true,
        description = "Train HRNet on Apache Spark (dl4j-spark, parameter averaging or shared gradients).")
public final class SparkTrainingJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainingJob.class);

    /** The training master. */
    public enum Master {
        /** {@link ParameterAveragingTrainingMaster}: synchronous parameter (and updater) averaging. */
        PARAMETER_AVERAGING,
        /** {@link SharedTrainingMaster}: asynchronous threshold-encoded gradient sharing (Aeron, UDP). */
        SHARED_GRADIENTS
    }

    /**
     * Settings of a Spark run.
     *
     * @param epochs total epochs of the run (&gt;= 1)
     * @param batchSizePerWorker minibatch of each executor core (32 in the recipe)
     * @param averagingFrequency minibatches between averagings (parameter averaging)
     * @param workerPrefetch minibatches each worker prepares ahead
     * @param master the training master
     * @param seed the data seed (augmentations by sample index and epoch)
     * @param partitions partitions of the sample RDD (0: the context's default parallelism)
     * @param checkpointDir checkpoint folder, or null
     * @param voidConfiguration the Aeron setup of {@link Master#SHARED_GRADIENTS} (null: localhost defaults)
     */
    public record Settings(int epochs, int batchSizePerWorker, int averagingFrequency, int workerPrefetch,
                           Master master, long seed, int partitions, Path checkpointDir,
                           VoidConfiguration voidConfiguration) {
        /** @throws IllegalArgumentException if a count is out of range (message names the field) */
        public Settings {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (batchSizePerWorker < 1) {
                throw new IllegalArgumentException("batchSizePerWorker must be >= 1, got " + batchSizePerWorker);
            }
            if (averagingFrequency < 1) {
                throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
            }
            if (workerPrefetch < 0 || partitions < 0) {
                throw new IllegalArgumentException("workerPrefetch and partitions must be >= 0, got "
                        + workerPrefetch + ", " + partitions);
            }
            Objects.requireNonNull(master, "master");
        }
    }

    /**
     * The outcome of {@link #train}.
     *
     * @param epochLosses the mean training loss of each epoch trained by this call ({@code SparkComputationGraph
     *        .getScore()})
     * @param graph the trained graph (with updater state)
     * @param state where the run stands
     */
    public record Result(List<Double> epochLosses, ComputationGraph graph, TrainingState state) {
    }

    /**
     * @param s the settings
     * @return the training master they describe
     */
    public static TrainingMaster<?, ?> trainingMaster(Settings s) {
        if (s.master() == Master.SHARED_GRADIENTS) {
            VoidConfiguration vc = s.voidConfiguration() != null ? s.voidConfiguration()
                    : VoidConfiguration.builder().unicastPort(40123).networkMask("127.0.0.0/8")
                            .controllerAddress("127.0.0.1").build();
            return new SharedTrainingMaster.Builder(vc, 1).batchSizePerWorker(s.batchSizePerWorker())
                    .workersPerNode(-1).rngSeed(s.seed()).build();
        }
        return new ParameterAveragingTrainingMaster.Builder(1).batchSizePerWorker(s.batchSizePerWorker())
                .averagingFrequency(s.averagingFrequency()).workerPrefetchNumBatches(s.workerPrefetch())
                .saveUpdater(true).rngSeed(s.seed()).collectTrainingStats(false).build();
    }

    /**
     * Trains until {@code settings.epochs()} epochs are done, continuing from {@code state}.
     *
     * @param sc the Spark context
     * @param graph the graph to train (a fresh one or a restored checkpoint's)
     * @param state where the run stands ({@code TrainingState.start(seed)} for a new run; must be at an epoch
     *        boundary)
     * @param samples the training samples (index = position)
     * @param recipe sizes and augmentations
     * @param settings epochs, batch, master, checkpoints
     * @return the epoch losses, the trained graph and the final state
     * @throws IOException if a checkpoint cannot be written (earlier checkpoints are intact)
     * @throws TrainingDivergedException if an epoch's loss is NaN or infinite (no checkpoint is written for it)
     * @throws IllegalArgumentException if {@code state} is inside an epoch
     */
    public static Result train(JavaSparkContext sc, ComputationGraph graph, TrainingState state,
                               List<PoseSample> samples, TopDownRecipe recipe, Settings settings) throws IOException {
        if (state.batchInEpoch() != 0) {
            throw new IllegalArgumentException("Spark training resumes at epoch boundaries; the state is at minibatch "
                    + state.batchInEpoch() + " of epoch " + state.epoch());
        }
        CheckpointStore store = settings.checkpointDir() == null ? null : new CheckpointStore(settings.checkpointDir(), 3);
        SparkComputationGraph net = new SparkComputationGraph(sc, graph, trainingMaster(settings));
        int partitions = settings.partitions() > 0 ? settings.partitions() : sc.defaultParallelism();
        List<Double> losses = new ArrayList<>();
        TrainingState st = state;
        while (st.epoch() < settings.epochs()) {
            net.getNetwork().getConfiguration().setEpochCount(st.epoch());
            net.fit(PoseSampleRdd.epoch(sc, samples, recipe, true, settings.seed(), st.epoch(), partitions));
            double loss = net.getScore();
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(st.epoch(), st.iteration(), loss);
            }
            losses.add(loss);
            st = st.advance(samples.size(), loss).nextEpoch();
            LOG.info("epoch {} done: loss {}", st.epoch(), loss);
            if (store != null) {
                store.save(net.getNetwork(), st);
            }
        }
        return new Result(losses, net.getNetwork(), st);
    }

    @Option(names = "--spark", required = true, description = "Spark master URL, e.g. local[2], spark://host:7077")
    String sparkMaster;
    @Option(names = "--dataset", defaultValue = "coco", description = "coco or mpii (default: ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--images", required = true, description = "image folder on a file system shared by all executors")
    Path images;
    @Option(names = "--annotations", required = true, description = "COCO person_keypoints JSON or MPII JSON")
    Path annotations;
    @Option(names = "--width", defaultValue = "32", description = "HRNet width W (default: ${DEFAULT-VALUE})")
    int width;
    @Option(names = "--input", defaultValue = "256x192", description = "input HxW (default: ${DEFAULT-VALUE})")
    String input;
    @Option(names = "--epochs", defaultValue = "210", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--batch", defaultValue = "32", description = "minibatch per worker (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--averaging-frequency", defaultValue = "5", description = "minibatches between averagings")
    int averagingFrequency;
    @Option(names = "--master", defaultValue = "PARAMETER_AVERAGING",
            description = "PARAMETER_AVERAGING or SHARED_GRADIENTS (default: ${DEFAULT-VALUE})")
    Master master;
    @Option(names = "--seed", defaultValue = "1234", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", defaultValue = "output/spark", description = "checkpoint folder (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--resume", description = "continue from the newest readable checkpoint in --out")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        String[] hw = input.split("x");
        if (hw.length != 2) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--input must be HxW, got " + input);
        }
        int h = Integer.parseInt(hw[0].trim());
        int w = Integer.parseInt(hw[1].trim());
        boolean mpii = "mpii".equalsIgnoreCase(dataset);
        if (!mpii && !"coco".equalsIgnoreCase(dataset)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--dataset must be coco or mpii");
        }
        TopDownRecipe recipe = TopDownRecipe.defaults(mpii ? KeypointSchema.MPII : KeypointSchema.COCO)
                .withInputSize(w, h);
        LoadedSamples loaded = mpii ? MpiiAnnotations.load(annotations, images)
                : CocoKeypoints.groundTruth(annotations, images, recipe.aspectRatio());
        HRNetConfig cfg = HRNetConfig.standard(width, recipe.schema().numJoints(), h, w);
        ComputationGraph graph;
        TrainingState state;
        CheckpointStore store = new CheckpointStore(out, 3);
        var restored = resume ? store.loadLatest() : java.util.Optional.<TrainingCheckpoint.Restored>empty();
        if (restored.isPresent()) {
            graph = restored.get().graph();
            state = restored.get().state();
        } else {
            graph = new HRNet.Builder().config(cfg).seed(seed).updater(new Adam(lr)).build().init();
            state = TrainingState.start(seed);
        }
        SparkConf conf = new SparkConf().setAppName("hrnet4j-train").setMaster(sparkMaster);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Result r = train(sc, graph, state, loaded.samples(), recipe, new Settings(epochs, batch,
                    averagingFrequency, 2, master, seed, 0, out, null));
            System.out.printf("trained %d epochs on %d samples; losses %s; checkpoints in %s%n",
                    r.epochLosses().size(), loaded.samples().size(), r.epochLosses(), out.toAbsolutePath());
        }
        return 0;
    }

    /**
     * Command-line entry ({@code --help} lists the options).
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkTrainingJob()).execute(args));
    }
}
