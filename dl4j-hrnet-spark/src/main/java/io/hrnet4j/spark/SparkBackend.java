package io.hrnet4j.spark;

import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.zoo.train.ClusterBackends;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.train.TrainingRecipe;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * The Spark execution backend of {@code PoseTrainer}: the {@link ComputationGraph} realisation trained on Apache
 * Spark through dl4j-spark's {@link SparkComputationGraph}, with {@link ParameterAveragingTrainingMaster} (default) or
 * {@link SharedTrainingMaster} (threshold-encoded gradient sharing over Aeron). The trainer keeps the whole recipe:
 * the network's updater carries the recipe's multi-step learning-rate schedule (and warm-up), the driver sets the
 * position of the run before each epoch so the executors' copies apply the epoch's rate ({@link ShiftedSchedule}:
 * dl4j-spark M2's workers rebuild their network without its iteration and epoch counts), and validation, best
 * model, progress, NaN handling and checkpoints run on the driver between epochs. Adam's bias correction also
 * restarts with each epoch's worker networks (the same dl4j-spark limitation; it affects the first updates of an
 * epoch only).
 *
 * <p>One step of the trainer is one epoch here: the executors decode and augment the samples from a shared file
 * system ({@link PoseSampleRdd}, the same per-sample seeding as local training), the step's loss is
 * {@link SparkComputationGraph#getScore()} and it consumes the epoch's minibatches ({@code ceil(samples / batch)},
 * batch = the recipe's batch per executor core). Checkpoints are in the graph array layout
 * ({@link TrainingBackend#GRAPH_LAYOUT}), so a Spark run resumes on one device (graph, or SameDiff through
 * {@code PortableArrays}), on ParallelWrapper, and the reverse (at epoch boundaries: a checkpoint inside an epoch is
 * finished on a local backend first).
 *
 * <p>Java 17 needs the JVM flags of {@code dl4j-hrnet-spark/pom.xml} ({@code spark.jvm.flags}: {@code --add-opens}
 * for {@code java.base/java.nio}, {@code sun.nio.ch}, {@code java.util} and the rest of the Spark 3.3 list, and
 * {@code -Daeron.publication.unblock.timeout=60000000000} for the shared-training master); {@code ./hrnet train
 * --spark MASTER} sets them.
 */
public final class SparkBackend extends TrainingBackend.GraphBackend {

    /** The training master. */
    public enum Master {
        /** {@link ParameterAveragingTrainingMaster}: synchronous parameter (and updater) averaging. */
        PARAMETER_AVERAGING,
        /** {@link SharedTrainingMaster}: asynchronous threshold-encoded gradient sharing (Aeron, UDP). */
        SHARED_GRADIENTS
    }

    /**
     * Settings of the Spark execution.
     *
     * @param master the training master
     * @param averagingFrequency minibatches between averagings (parameter averaging), &gt;= 1
     * @param workerPrefetch minibatches each worker prepares ahead, &gt;= 0
     * @param partitions partitions of the sample RDD (0: the context's default parallelism)
     * @param voidConfiguration the Aeron setup of {@link Master#SHARED_GRADIENTS} (null: localhost defaults)
     */
    public record Settings(Master master, int averagingFrequency, int workerPrefetch, int partitions,
                           VoidConfiguration voidConfiguration) {
        /** @throws IllegalArgumentException if a count is out of range (message names the field) */
        public Settings {
            Objects.requireNonNull(master, "master");
            if (averagingFrequency < 1) {
                throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
            }
            if (workerPrefetch < 0 || partitions < 0) {
                throw new IllegalArgumentException("workerPrefetch and partitions must be >= 0, got "
                        + workerPrefetch + ", " + partitions);
            }
        }

        /** @return parameter averaging after every minibatch, prefetch 2, default partitions */
        public static Settings defaults() {
            return new Settings(Master.PARAMETER_AVERAGING, 1, 2, 0, null);
        }
    }

    private final JavaSparkContext sc;
    private final boolean ownsContext;
    private final SparkComputationGraph net;
    private final Settings settings;
    private final ISchedule schedule;

    /**
     * @param sc the Spark context (not closed by {@link #close()} unless {@code ownsContext})
     * @param ownsContext close the context with the backend
     * @param graph the driver's graph, trained in place
     * @param recipe the run's recipe (learning-rate schedule, batch per executor core, seed of the master)
     * @param settings master and partitions
     */
    public SparkBackend(JavaSparkContext sc, boolean ownsContext, GraphBackend graph, TrainingRecipe recipe,
                        Settings settings) {
        super(Objects.requireNonNull(graph, "graph backend").config(), graph.graph());
        this.sc = Objects.requireNonNull(sc, "Spark context");
        this.ownsContext = ownsContext;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.schedule = recipe.learningRateSchedule();
        this.net = new SparkComputationGraph(sc, graph.graph(), trainingMaster(settings, recipe.batchSize(),
                TrainingRecipe.nd4jSeed(recipe.seed())));
    }

    /**
     * @param sc a running Spark context (left open)
     * @param settings master and partitions
     * @return a factory of Spark backends over freshly initialised graphs (batch and seed from the recipe)
     */
    public static Factory factory(JavaSparkContext sc, Settings settings) {
        return (cfg, recipe) -> new SparkBackend(sc, false, TrainingBackend.graph(cfg, recipe), recipe, settings);
    }

    /**
     * @param masterUrl a Spark master URL, e.g. {@code local[2]}, {@code spark://host:7077}
     * @param settings master and partitions
     * @return a factory of Spark backends that each start a context on {@code masterUrl} and stop it on close
     */
    public static Factory factory(String masterUrl, Settings settings) {
        return (cfg, recipe) -> {
            JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("hrnet4j-train")
                    .setMaster(masterUrl));
            try {
                return new SparkBackend(sc, true, TrainingBackend.graph(cfg, recipe), recipe, settings);
            } catch (RuntimeException e) {
                sc.close();
                throw e;
            }
        };
    }

    /**
     * @param s the settings
     * @param batchSizePerWorker minibatch of each executor core
     * @param seed the master's seed
     * @return the training master they describe
     */
    public static TrainingMaster<?, ?> trainingMaster(Settings s, int batchSizePerWorker, long seed) {
        if (s.master() == Master.SHARED_GRADIENTS) {
            VoidConfiguration vc = s.voidConfiguration() != null ? s.voidConfiguration()
                    : VoidConfiguration.builder().unicastPort(40123).networkMask("127.0.0.0/8")
                            .controllerAddress("127.0.0.1").build();
            return new SharedTrainingMaster.Builder(vc, 1).batchSizePerWorker(batchSizePerWorker)
                    .workersPerNode(-1).rngSeed(seed).build();
        }
        return new ParameterAveragingTrainingMaster.Builder(1).batchSizePerWorker(batchSizePerWorker)
                .averagingFrequency(s.averagingFrequency()).workerPrefetchNumBatches(s.workerPrefetch())
                .saveUpdater(true).rngSeed(seed).collectTrainingStats(false).build();
    }

    /** @return the driver's graph (checkpointed, restored and validated) */
    @Override
    public ComputationGraph graph() {
        return net.getNetwork();
    }

    @Override
    public String id() {
        return "spark";
    }

    @Override
    public void fit(DataSetIterator batches, Steps steps) {
        throw new UnsupportedOperationException("the Spark backend trains whole epochs from the samples");
    }

    @Override
    public boolean trainsWholeEpochs() {
        return true;
    }

    @Override
    public void fitEpoch(TrainingData data, Steps steps) {
        List<PoseSample> samples = data.samples();
        ComputationGraph g = net.getNetwork();
        g.getConfiguration().setEpochCount(steps.epoch());
        int before = g.getConfiguration().getIterationCount();
        // the workers' networks start at iteration 0, epoch 0 (see ShiftedSchedule): give them the run's position
        ShiftedSchedule shifted = new ShiftedSchedule(schedule, before, steps.epoch());
        g.setLearningRate(shifted);
        double lr = shifted.valueAt(0, 0);
        int partitions = settings.partitions() > 0 ? settings.partitions() : sc.defaultParallelism();
        net.fit(PoseSampleRdd.epoch(sc, samples, data.processor().recipe(), true, data.seed(), steps.epoch(),
                partitions));
        int minibatches = (samples.size() + data.batchSize() - 1) / data.batchSize();
        if (g.getConfiguration().getIterationCount() <= before) {
            // the driver's counter counts updates of one worker's copy: minibatches spread over the partitions
            g.getConfiguration().setIterationCount(before + (minibatches + partitions - 1) / partitions);
        }
        steps.stepDone(minibatches, net.getScore(), lr);
    }

    @Override
    public void close() {
        if (ownsContext) {
            sc.close();
        }
    }

    /** Registers {@code spark} with {@link ClusterBackends} ({@code ./hrnet train --spark MASTER}). */
    public static final class Provider implements ClusterBackends.Provider {
        @Override
        public String name() {
            return "spark";
        }

        @Override
        public Factory factory(String address) {
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException("a Spark master URL is needed, e.g. local[2] or spark://host:7077");
            }
            return SparkBackend.factory(address, Settings.defaults());
        }
    }
}
