package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one trainer of HRNet / DE-HRNet: the {@link TrainingRecipe} (multi-step learning-rate schedule, warm-up,
 * validation every N epochs, best model, progress, NaN handling, checkpoints) applied the same way whatever executes
 * the steps ({@link TrainingBackend}): one device with the ComputationGraph ({@link TrainingBackend.Kind#GRAPH}) or
 * SameDiff ({@link TrainingBackend.Kind#SAMEDIFF}), several devices with {@code ParallelWrapper}
 * ({@link Builder#devices(int)}), or a Spark cluster (the {@code dl4j-hrnet-spark} module's backend, through
 * {@link Builder#execution}).
 *
 * <p>Output folder layout:
 * <pre>
 *   config.yaml                                the experiment in the official format (MODEL, TRAIN, TEST, DATASET)
 *   checkpoints/checkpoint-i&lt;iteration&gt;.zip   (last K, see {@link CheckpointStore})
 *   best.zip                                   (checkpoint of the best validation metric)
 *   best.npz, final.npz                        (official state dicts: load with StateDict.load)
 *   metrics.json, metrics.csv, loss.csv        (see {@link TrainingReport})
 *   training-curves.png, predictions/*.png
 * </pre>
 *
 * <p>Exact resume, across backends: each epoch's data order and augmentation depend on (seed, epoch) only
 * ({@link TrainingData}); ND4J's random generator is re-seeded from (seed, step) before each step; the updater's
 * iteration count is checkpointed and the epoch count is set from the trainer's epoch (the learning-rate
 * {@code MapSchedule} by epoch); checkpoints hold the parameters, BN running statistics and updater state in one
 * format ({@link CheckpointStore}, {@link TrainingState}). A run checkpointed by any backend continues on any other:
 * with the same array layout ({@link TrainingBackend#arrayLayout()}: graph, ParallelWrapper and Spark share theirs)
 * the arrays are restored as they are; across layouts (graph and SameDiff) the checkpoint is read by a network of its
 * own realisation and handed over as {@link PortableArrays} (state dict and Adam moments by official key).
 *
 * <p>Failures: an unwritable output folder raises {@link TrainingException} before the model is built; a resume
 * checkpoint of another architecture or contradicting recipe is refused naming the difference; a
 * non-finite loss stops training with a {@link TrainingException} naming the epoch and iteration and the last good
 * checkpoint (nothing is written after the bad step); a checkpoint that cannot be written (full disk) stops training
 * with a {@link TrainingException}, every earlier checkpoint intact.
 */
public final class PoseTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(PoseTrainer.class);
    /** The experiment file of a run folder. */
    public static final String CONFIG_FILE = "config.yaml";

    private final HRNetConfig config;
    private final TrainingRecipe recipe;
    private final ExperimentFile experiment;
    private final TrainingBackend.Factory factory;
    private final TrainingData data;
    private final PoseValidator validator;
    private final Path outputDir;
    private final Path resumeFrom;
    private final PrintStream progress;
    private final CheckpointStore.FileSink sink;
    private final Map<String, INDArray> initialWeights;
    private final long maxIterations;
    private final TrainingReport.Options reportOptions;
    private final RssSampler rss;
    private final long memoryHeadroom;

    private PoseTrainer(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.recipe = Objects.requireNonNull(b.recipe, "recipe");
        this.experiment = b.experiment != null ? b.experiment : ExperimentFile.of(config,
                dataSigma(b.data), recipe);
        this.data = Objects.requireNonNull(b.data, "training data");
        this.factory = b.factory != null ? b.factory : b.kind == TrainingBackend.Kind.GRAPH
                ? (c, r) -> TrainingBackend.graph(c, r, b.graphListeners.toArray(new TrainingListener[0]))
                : (c, r) -> TrainingBackend.sameDiff(c, r, b.sameDiffListeners.toArray(new Listener[0]));
        this.validator = b.validator;
        this.outputDir = Objects.requireNonNull(b.outputDir, "output folder").toAbsolutePath();
        this.resumeFrom = b.resumeFrom;
        this.progress = b.progress;
        this.sink = b.sink;
        this.initialWeights = b.initialWeights;
        this.maxIterations = b.maxIterations;
        this.reportOptions = b.reportOptions;
        this.rss = b.rss;
        this.memoryHeadroom = b.memoryHeadroom;
    }

    private static double dataSigma(TrainingData d) {
        try {
            return d.processor().recipe().sigma();
        } catch (UnsupportedOperationException e) {
            return 2;
        }
    }

    /**
     * @param config the architecture
     * @param data the training set
     * @param outputDir the run's output folder (created when missing)
     * @return a builder (published recipe, SameDiff backend, no validation, progress to stdout)
     */
    public static Builder builder(HRNetConfig config, TrainingData data, Path outputDir) {
        return new Builder(config, data, outputDir);
    }

    /** @return the checkpoint folder, {@code <output>/checkpoints} */
    public Path checkpointDir() {
        return outputDir.resolve("checkpoints");
    }

    /**
     * Runs (or resumes) training to {@code recipe.epochs()} (or {@code maxIterations}), validating every
     * {@code validateEveryEpochs} and after the last epoch.
     *
     * @return losses, epoch records, best metric, last validation and the output files
     * @throws TrainingException for an unwritable output folder, an unusable resume checkpoint, a non-finite loss or
     *     a failed checkpoint write
     */
    public TrainingResult train() {
        checkWritable(outputDir);
        CheckpointStore store = new CheckpointStore(checkpointDir(), recipe.keepCheckpoints(), sink);
        CheckpointStore.Checkpoint resumed = resumeFrom == null ? null : readResume(resumeFrom);
        if (resumed != null) {
            checkCompatible(resumed);
        }
        try {
            experiment.write(outputDir.resolve(CONFIG_FILE));
        } catch (IOException e) {
            throw new TrainingException("cannot write " + outputDir.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
        }
        try (TrainingBackend backend = factory.create(config, recipe)) {
            if (initialWeights != null) {
                backend.loadStateDict(initialWeights);
            }
            Run run = new Run(backend, store);
            if (resumed != null) {
                run.resume(resumed);
            }
            return run.loop();
        }
    }

    private static void checkWritable(Path dir) {
        try {
            AtomicFiles.checkWritableFolder(dir);
        } catch (IOException e) {
            throw new TrainingException("output folder is not writable: " + e.getMessage(), e);
        }
    }

    private CheckpointStore.Checkpoint readResume(Path from) {
        try {
            if (Files.isRegularFile(from)) {
                return CheckpointStore.read(from);
            }
            Path dir = Files.isDirectory(from.resolve("checkpoints")) ? from.resolve("checkpoints") : from;
            CheckpointStore.Checkpoint c = new CheckpointStore(dir, Integer.MAX_VALUE, sink).loadLatest();
            if (c == null) {
                throw new TrainingException("no checkpoint to resume from in " + dir);
            }
            return c;
        } catch (IOException e) {
            throw new TrainingException("cannot read the checkpoint " + from + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a checkpoint of another architecture or a recipe that contradicts the run's. */
    private void checkCompatible(CheckpointStore.Checkpoint c) {
        ExperimentFile saved;
        try {
            saved = ExperimentFile.parse(c.state().experiment());
        } catch (RuntimeException e) {
            throw new TrainingException(c.file() + ": the experiment in its state is unreadable: " + e.getMessage(), e);
        }
        if (!saved.config().equals(config)) {
            throw new TrainingException(c.file() + " holds another architecture: " + saved.config() + "; this run: "
                    + config);
        }
        List<String> diff = saved.recipe().contradictions(recipe);
        if (!diff.isEmpty()) {
            throw new TrainingException(c.file() + ": the recipe contradicts the run's: " + String.join(", ", diff));
        }
    }

    /** The mutable state of one run; the trainer's side of the backend's steps. */
    private final class Run implements TrainingBackend.Steps {
        final TrainingBackend backend;
        final CheckpointStore store;
        final List<Double> losses = new ArrayList<>();
        final List<TrainingState.EpochRecord> epochs = new ArrayList<>();
        int epoch;
        int batchInEpoch;
        long iteration;
        double lr = Double.NaN;
        double bestMetric = Double.NaN;
        int bestEpoch;
        long peakRss;
        Path lastCheckpoint;
        TopDownEvalResult lastValidation;
        final ProgressReporter reporter;
        final NativeMemoryGuard memoryGuard = memoryHeadroom > 0 ? new NativeMemoryGuard(memoryHeadroom) : null;

        Run(TrainingBackend backend, CheckpointStore store) {
            this.backend = backend;
            this.store = store;
            this.reporter = new ProgressReporter(progress, recipe, data);
        }

        void resume(CheckpointStore.Checkpoint c) {
            TrainingState s = c.state();
            if (s.arrays().equals(backend.arrayLayout())) {
                backend.restore(c.arrays(), s.updates());
            } else {
                backend.restorePortable(portable(c), s.updates());
            }
            epoch = s.epoch();
            batchInEpoch = s.batchInEpoch();
            iteration = s.iteration();
            lr = s.learningRate();
            bestMetric = s.bestMetric();
            bestEpoch = s.bestEpoch();
            peakRss = s.peakRssBytes();
            losses.addAll(s.losses());
            epochs.addAll(s.epochs());
            lastCheckpoint = c.file();
            LOG.info("resumed from {} (epoch {}, batch {}, iteration {})", c.file(), epoch, batchInEpoch, iteration);
            reporter.line(String.format(Locale.ROOT, "resumed from %s (%s backend): epoch %d, batch %d, iteration %d",
                    c.file(), s.backend(), epoch + 1, batchInEpoch, iteration));
        }

        /**
         * Reads a checkpoint of another array layout into a network of its own realisation and returns its state in
         * the backend-neutral form.
         */
        private Map<String, INDArray> portable(CheckpointStore.Checkpoint c) {
            TrainingBackend.Kind kind = TrainingBackend.kindOfLayout(c.state().arrays());
            LOG.info("{}: converting the {} arrays for the {} backend", c.file(), c.state().arrays(), backend.id());
            try (TrainingBackend source = kind.factory().create(config, recipe)) {
                source.restore(c.arrays(), c.state().updates());
                return source.portableArrays();
            } catch (TrainingException e) {
                throw new TrainingException(c.file() + ": " + e.getMessage(), e);
            }
        }

        TrainingState state() {
            peakRss = Math.max(peakRss, io.hrnet4j.zoo.bench.MemoryUsage.current().peakRssBytes());
            return new TrainingState(TrainingState.FORMAT_VERSION, backend.id(), backend.arrayLayout(),
                    experiment.toTree(), epoch, batchInEpoch, iteration, backend.updates(), lr, bestMetric, bestEpoch,
                    peakRss, losses, epochs);
        }

        void checkpoint() {
            try {
                lastCheckpoint = store.write(state(), backend.checkpointArrays());
            } catch (IOException e) {
                throw new TrainingException("cannot write checkpoint " + store.dir().resolve(
                        CheckpointStore.fileName(iteration)) + " (" + e.getMessage() + "); earlier checkpoints are "
                        + "intact" + (lastCheckpoint == null ? "" : ", the last is " + lastCheckpoint), e);
            }
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public void beforeStep() {
            Nd4j.getRandom().setSeed(TrainingRecipe.nd4jSeed(recipe.seed() * 1_000_003L + losses.size()));
        }

        @Override
        public void stepDone(int minibatches, double loss, double learningRate) {
            lr = Double.isNaN(learningRate) ? recipe.learningRateAt(Math.toIntExact(backend.updates()), epoch)
                    : learningRate;
            if (!Double.isFinite(loss)) {
                throw TrainingException.diverged(String.format(Locale.ROOT, "loss is %s at epoch %d, iteration "
                        + "%d (batch %d of %d): training diverged and was stopped; the last good checkpoint "
                        + "is %s. Lower the learning rate (now %.3g) or check the data", loss, epoch + 1,
                        iteration + minibatches, batchInEpoch + minibatches, data.batchesPerEpoch(),
                        lastCheckpoint == null ? "none (no checkpoint written yet)" : lastCheckpoint, lr));
            }
            losses.add(loss);
            iteration += minibatches;
            batchInEpoch += minibatches;
            reporter.iteration(iteration, minibatches, batchInEpoch, loss, lr, minibatches * data.batchSize());
            if (rss != null) {
                rss.stepDone(losses.size());
            }
            if (memoryGuard != null) {
                memoryGuard.check();
            }
        }

        /** @return minibatches to train before the next checkpoint or the iteration limit (0: the epoch's rest) */
        private int slice() {
            long limit = Long.MAX_VALUE;
            int every = recipe.checkpointEveryIterations();
            if (every > 0) {
                limit = every - iteration % every;
            }
            if (maxIterations > 0) {
                limit = Math.min(limit, maxIterations - iteration);
            }
            return limit == Long.MAX_VALUE ? 0 : (int) Math.min(Integer.MAX_VALUE, limit);
        }

        TrainingResult loop() {
            boolean stopped = false;
            while (epoch < recipe.epochs() && !stopped) {
                long epochStart = System.nanoTime();
                reporter.startEpoch(epoch, batchInEpoch, iteration);
                if (maxIterations > 0 && iteration >= maxIterations) {
                    stopped = true;
                } else if (backend.trainsWholeEpochs()) {
                    if (batchInEpoch != 0) {
                        throw new TrainingException("the " + backend.id() + " backend trains whole epochs; the "
                                + "checkpoint stands at minibatch " + batchInEpoch + " of epoch " + (epoch + 1)
                                + ": finish that epoch on a local backend first");
                    }
                    backend.fitEpoch(data, this);
                } else {
                    stopped = fitLocalEpoch();
                }
                if (stopped) {
                    checkpoint();
                    break;
                }
                endEpoch(epochStart);
            }
            peakRss = Math.max(peakRss, io.hrnet4j.zoo.bench.MemoryUsage.current().peakRssBytes());
            TrainingResult result = new TrainingResult(outputDir, List.copyOf(losses), List.copyOf(epochs),
                    bestMetric, bestEpoch, lastValidation, lastCheckpoint, peakRss);
            try {
                writeWeights(outputDir.resolve("final.npz"), backend.stateDict());
                TrainingReport.write(result, config, recipe, experiment, reportOptions);
            } catch (IOException e) {
                throw new TrainingException("cannot write the final files to " + outputDir + ": " + e.getMessage(), e);
            }
            reporter.summary(result);
            if (rss != null) {
                try {
                    rss.write(outputDir, config + ", batch " + recipe.batchSize() + ", " + backend.id() + " backend");
                } catch (IOException e) {
                    throw new TrainingException("cannot write the RSS samples to " + outputDir + ": "
                            + e.getMessage(), e);
                }
                reporter.line(rss.summary());
            }
            return result;
        }

        /** @return true when the iteration limit stopped the epoch */
        private boolean fitLocalEpoch() {
            DataSetIterator it = data.epoch(epoch);
            try {
                for (int skip = 0; skip < batchInEpoch && it.hasNext(); skip++) {
                    it.next();
                }
                while (it.hasNext()) {
                    if (maxIterations > 0 && iteration >= maxIterations) {
                        return true;
                    }
                    backend.fit(new BatchLimit(it, slice(), it.asyncSupported()), this);
                    int every = recipe.checkpointEveryIterations();
                    if (every > 0 && iteration % every == 0 && it.hasNext()) {
                        checkpoint();
                    }
                }
                return false;
            } finally {
                if (it instanceof AutoCloseable ac) {
                    try {
                        ac.close();
                    } catch (Exception e) {
                        LOG.warn("closing the data iterator of epoch {}: {}", epoch + 1, e.toString());
                    }
                }
            }
        }

        private void endEpoch(long epochStart) {
            int done = epoch + 1;
            int steps = losses.size() - (epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).steps());
            double mean = 0;
            for (int i = losses.size() - steps; i < losses.size(); i++) {
                mean += losses.get(i) / steps;
            }
            String metricName = null;
            double metric = Double.NaN;
            boolean validate = validator != null && (done == recipe.epochs()
                    || (recipe.validateEveryEpochs() > 0 && done % recipe.validateEveryEpochs() == 0));
            boolean improved = false;
            if (validate) {
                long t = System.nanoTime();
                lastValidation = validator.validate(backend.network(), done);
                metricName = lastValidation.metricName();
                metric = lastValidation.metric();
                reporter.validation(done, lastValidation, (System.nanoTime() - t) / 1e9);
                if (memoryGuard != null) {
                    memoryGuard.check();
                }
                if (Double.isNaN(bestMetric) || metric > bestMetric) {
                    bestMetric = metric;
                    bestEpoch = done;
                    improved = true;
                }
            }
            epochs.add(new TrainingState.EpochRecord(done, iteration, losses.size(), steps == 0 ? Double.NaN : mean, lr,
                    (System.nanoTime() - epochStart) / 1e9, metricName, metric));
            epoch = done;
            batchInEpoch = 0;
            if (improved) {
                try {
                    CheckpointStore.writeAtomically(outputDir.resolve("best.zip"), state(),
                            backend.checkpointArrays(), sink);
                    writeWeights(outputDir.resolve("best.npz"), backend.stateDict());
                } catch (IOException e) {
                    throw new TrainingException("cannot write the best model to " + outputDir + " ("
                            + e.getMessage() + "); the previous best model is intact", e);
                }
            }
            checkpoint();
            reporter.endEpoch(epochs.get(epochs.size() - 1));
            try {
                TrainingReport.writeMetrics(outputDir, experiment, List.copyOf(losses), List.copyOf(epochs),
                        bestMetric, bestEpoch, lastValidation, peakRss);
            } catch (IOException e) {
                throw new TrainingException("cannot write metrics to " + outputDir + ": " + e.getMessage(), e);
            }
        }

        private void writeWeights(Path file, Map<String, INDArray> stateDict) throws IOException {
            TrainingReport.writeNpz(file, stateDict, sink);
        }
    }

    /** Builder of {@link PoseTrainer}. */
    public static final class Builder {
        private HRNetConfig config;
        private final TrainingData data;
        private final Path outputDir;
        private TrainingRecipe recipe = TrainingRecipe.published();
        private TrainingBackend.Kind kind = TrainingBackend.Kind.SAMEDIFF;
        private TrainingBackend.Factory factory;
        private ExperimentFile experiment;
        private PoseValidator validator;
        private Path resumeFrom;
        private PrintStream progress = System.out;
        private final List<TrainingListener> graphListeners = new ArrayList<>();
        private final List<Listener> sameDiffListeners = new ArrayList<>();
        private CheckpointStore.FileSink sink = Files::newOutputStream;
        private Map<String, INDArray> initialWeights;
        private long maxIterations;
        private TrainingReport.Options reportOptions = TrainingReport.Options.DEFAULT;
        private RssSampler rss;
        private long memoryHeadroom = NativeMemoryGuard.DEFAULT_HEADROOM_BYTES;

        private Builder(HRNetConfig config, TrainingData data, Path outputDir) {
            this.config = config;
            this.data = data;
            this.outputDir = outputDir;
        }

        /** @param r the recipe (default {@link TrainingRecipe#published()}) @return this */
        public Builder recipe(TrainingRecipe r) {
            this.recipe = Objects.requireNonNull(r, "recipe");
            if (experiment != null) {
                experiment = new ExperimentFile(experiment.config(), experiment.sigma(), r, experiment.dark(),
                        experiment.dataset());
            }
            return this;
        }

        /** @param k the realisation (default SameDiff: faster convolutions on CPU than the graph in M2.1) @return this */
        public Builder backend(TrainingBackend.Kind k) {
            this.kind = Objects.requireNonNull(k, "backend");
            return this;
        }

        /**
         * @param f the execution backend's factory (e.g. {@code ParallelWrapperBackend.factory},
         *     {@code SparkBackend.factory}); overrides {@link #backend} and the listeners
         * @return this
         */
        public Builder execution(TrainingBackend.Factory f) {
            this.factory = Objects.requireNonNull(f, "execution backend");
            return this;
        }

        /**
         * @param n devices: 1 is the single-device backend of {@link #backend}; more trains the ComputationGraph
         *     on {@code n} ParallelWrapper workers ({@link io.hrnet4j.zoo.train.parallel.ParallelWrapperBackend},
         *     parameters and Adam moments averaged after every round; the graph listeners attached to every worker)
         * @return this
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder devices(int n) {
            TrainingRecipe.require(n >= 1, "devices must be >= 1, got " + n);
            if (n == 1) {
                this.factory = null;
            } else {
                List<TrainingListener> ls = graphListeners;
                this.factory = (c, r) -> new io.hrnet4j.zoo.train.parallel.ParallelWrapperBackend(
                        TrainingBackend.graph(c, r, ls.toArray(new TrainingListener[0])),
                        io.hrnet4j.zoo.train.parallel.ParallelTrainingConfig.builder().workers(n).build());
            }
            return this;
        }

        /**
         * @param e the whole experiment (architecture, sigma, recipe, dataset), written to the run's
         *     {@code config.yaml} and every checkpoint; sets the architecture and the recipe
         * @return this
         */
        public Builder experiment(ExperimentFile e) {
            this.experiment = Objects.requireNonNull(e, "experiment");
            this.config = e.config();
            this.recipe = e.recipe();
            return this;
        }

        /** @param v validation (null: none) @return this */
        public Builder validator(PoseValidator v) {
            this.validator = v;
            return this;
        }

        /**
         * @param from a checkpoint file, a checkpoint folder, or a run's output folder (its {@code checkpoints/}):
         *     the newest readable checkpoint there (null: start afresh)
         * @return this
         */
        public Builder resumeFrom(Path from) {
            this.resumeFrom = from;
            return this;
        }

        /** @param out where progress lines go (default stdout) @return this */
        public Builder progress(PrintStream out) {
            this.progress = Objects.requireNonNull(out, "progress");
            return this;
        }

        /** @param l DL4J listeners for the graph backend (score, performance, UI stats) @return this */
        public Builder graphListeners(TrainingListener... l) {
            graphListeners.addAll(List.of(l));
            return this;
        }

        /** @param l SameDiff listeners for the SameDiff backend @return this */
        public Builder sameDiffListeners(Listener... l) {
            sameDiffListeners.addAll(List.of(l));
            return this;
        }

        /** @param s opens checkpoint and weight files (inject to simulate a full disk) @return this */
        public Builder fileSink(CheckpointStore.FileSink s) {
            this.sink = Objects.requireNonNull(s, "sink");
            return this;
        }

        /** @param stateDict initial weights (official state dict, e.g. ImageNet or COCO pretrained) @return this */
        public Builder initialWeights(Map<String, INDArray> stateDict) {
            this.initialWeights = stateDict;
            return this;
        }

        /**
         * @param n stop after this many iterations in total (0: no limit), writing a checkpoint there; for short
         *     runs and tests
         * @return this
         */
        public Builder maxIterations(long n) {
            this.maxIterations = TrainingRecipe.nonNegative(n, "max iterations");
            return this;
        }

        /**
         * @param n sample the resident set size every {@code n} steps into {@code rss.csv} / {@code rss.json} /
         *     {@code rss.png} and print its slope after the warm-up at the end ({@link RssSampler}, default warm-up
         *     and flatness limit; the memory soak); 0: off
         * @return this
         */
        public Builder rssEvery(int n) {
            return rssSampler(TrainingRecipe.nonNegative(n, "RSS sampling interval") == 0 ? null : new RssSampler(n));
        }

        /**
         * @param s the memory soak's sampler (null: off); after {@link #train()} it holds the samples and the trend
         * @return this
         */
        public Builder rssSampler(RssSampler s) {
            this.rss = s;
            return this;
        }

        /**
         * @param bytes resident-memory growth, in bytes above the level after the last collection, at which the
         *     trainer asks for a garbage collection so that ND4J frees the native buffers of dead arrays
         *     ({@link NativeMemoryGuard}; default {@link NativeMemoryGuard#DEFAULT_HEADROOM_BYTES}); 0: never (the
         *     resident set then grows until the collector runs on its own or JavaCPP's {@code maxphysicalbytes}
         *     limit forces it)
         * @return this
         * @throws IllegalArgumentException when {@code bytes < 0}
         */
        public Builder nativeMemoryHeadroom(long bytes) {
            this.memoryHeadroom = TrainingRecipe.nonNegative(bytes, "native memory headroom (bytes)");
            return this;
        }

        /** @param o what the final report draws @return this */
        public Builder report(TrainingReport.Options o) {
            this.reportOptions = Objects.requireNonNull(o, "report options");
            return this;
        }

        /**
         * @return the trainer
         * @throws TrainingException if the training memory estimate exceeds the memory budget
         *     ({@link #checkMemory}), before any image is read or any array allocated
         */
        public PoseTrainer build() {
            checkMemory(config, recipe.batchSize());
            return new PoseTrainer(this);
        }
    }

    /**
     * Refuses a training run whose estimated memory exceeds the memory budget, before anything is loaded or
     * allocated: {@link io.hrnet4j.zoo.arch.MemoryEstimate#trainingBytes(int)} against
     * {@link io.hrnet4j.zoo.arch.MemoryBudget#bytes()} (see there for the calibration). {@link Builder#build()}
     * calls it; a caller that loads its data first (the CLI) calls it before loading.
     *
     * @param config the architecture
     * @param batch samples per training step
     * @throws TrainingException naming the dominating field (input size and batch, or the largest stage), the
     *     estimate and the budget, e.g. {@code IMAGE_SIZE 4096x4096 (HxW) at batch 2: training needs about 10.4
     *     GiB, more than the memory budget 2.0 GiB (HRNET_MEMORY=2g)}
     */
    public static void checkMemory(HRNetConfig config, int batch) {
        try {
            config.memoryEstimate().check(batch, true, io.hrnet4j.zoo.arch.MemoryBudget.bytes(),
                    io.hrnet4j.zoo.arch.MemoryBudget.describe());
        } catch (io.hrnet4j.zoo.arch.InvalidConfigException e) {
            throw new TrainingException(e.getMessage(), e);
        }
    }

    /** @return the architecture trained */
    public HRNetConfig config() {
        return config;
    }

    /** @return the recipe */
    public TrainingRecipe recipe() {
        return recipe;
    }
}
