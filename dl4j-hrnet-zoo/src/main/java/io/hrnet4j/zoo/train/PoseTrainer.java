package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
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
 * Trains HRNet / DE-HRNet with a {@link TrainingRecipe} on either realisation ({@link TrainingBackend.Kind#GRAPH}:
 * {@code ComputationGraph.fit(DataSet)}; {@link TrainingBackend.Kind#SAMEDIFF}: {@code SameDiffHRNet.fit}), with
 * progress lines, checkpoints, resume, validation and the best model kept.
 *
 * <p>Output folder layout:
 * <pre>
 *   checkpoints/checkpoint-i&lt;iteration&gt;.zip   (last K, see {@link CheckpointStore})
 *   best.zip                                   (checkpoint of the best validation metric)
 *   best.npz, final.npz                        (official state dicts: load with StateDict.load)
 *   metrics.json, metrics.csv, loss.csv        (see {@link TrainingReport})
 *   training-curves.png, predictions/*.png
 * </pre>
 *
 * <p>Exact resume: each epoch's data order and augmentation depend on (seed, epoch) only ({@link TrainingData});
 * ND4J's random generator is re-seeded from (seed, iteration) before each iteration; the updater's iteration and
 * epoch counts (Adam bias correction, the learning-rate {@code MapSchedule} by epoch) are set from the trainer's
 * counters; checkpoints hold the parameters, BN running statistics and updater state. A resumed run therefore
 * reproduces the loss sequence of an uninterrupted one.
 *
 * <p>Failures: an unwritable output folder raises {@link TrainingException} before the model is built; a
 * non-finite loss stops training with a {@link TrainingException} naming the epoch and iteration and the last good
 * checkpoint (nothing is written after the bad step); a checkpoint that cannot be written (full disk) stops training
 * with a {@link TrainingException}, every earlier checkpoint intact.
 */
public final class PoseTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(PoseTrainer.class);

    private final HRNetConfig config;
    private final TrainingRecipe recipe;
    private final TrainingBackend.Kind kind;
    private final TrainingData data;
    private final PoseValidator validator;
    private final Path outputDir;
    private final Path resumeFrom;
    private final PrintStream progress;
    private final List<TrainingListener> graphListeners;
    private final List<Listener> sameDiffListeners;
    private final CheckpointStore.FileSink sink;
    private final Map<String, INDArray> initialWeights;
    private final int maxIterations;
    private final TrainingReport.Options reportOptions;

    private PoseTrainer(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.recipe = Objects.requireNonNull(b.recipe, "recipe");
        this.kind = b.kind;
        this.data = Objects.requireNonNull(b.data, "training data");
        this.validator = b.validator;
        this.outputDir = Objects.requireNonNull(b.outputDir, "output folder").toAbsolutePath();
        this.resumeFrom = b.resumeFrom;
        this.progress = b.progress;
        this.graphListeners = List.copyOf(b.graphListeners);
        this.sameDiffListeners = List.copyOf(b.sameDiffListeners);
        this.sink = b.sink;
        this.initialWeights = b.initialWeights;
        this.maxIterations = b.maxIterations;
        this.reportOptions = b.reportOptions;
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
        TrainingBackend backend = kind == TrainingBackend.Kind.GRAPH
                ? TrainingBackend.graph(config, recipe, graphListeners.toArray(new TrainingListener[0]))
                : TrainingBackend.sameDiff(config, recipe, sameDiffListeners.toArray(new Listener[0]));
        if (initialWeights != null) {
            if (backend instanceof TrainingBackend.GraphBackend g) {
                GraphWeights.load(config, g.graph(), initialWeights);
            } else {
                ((TrainingBackend.SameDiffBackend) backend).model().loadStateDict(initialWeights);
            }
        }
        CheckpointStore store = new CheckpointStore(checkpointDir(), recipe.keepCheckpoints(), sink);
        Run run = new Run(backend, store);
        if (resumeFrom != null) {
            run.resume(resumeFrom);
        }
        return run.loop();
    }

    private static void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new TrainingException("output folder " + dir + " is not writable (" + e
                    + "); choose another with --out", e);
        }
    }

    /** The mutable state of one run. */
    private final class Run {
        final TrainingBackend backend;
        final CheckpointStore store;
        final List<Double> losses = new ArrayList<>();
        final List<TrainingState.EpochRecord> epochs = new ArrayList<>();
        int epoch;
        int batchInEpoch;
        int iteration;
        double lr = Double.NaN;
        double bestMetric = Double.NaN;
        int bestEpoch;
        Path lastCheckpoint;
        ValidationResult lastValidation;
        final ProgressReporter reporter;

        Run(TrainingBackend backend, CheckpointStore store) {
            this.backend = backend;
            this.store = store;
            this.reporter = new ProgressReporter(progress, recipe, data);
        }

        void resume(Path from) {
            CheckpointStore.Checkpoint c;
            try {
                if (Files.isRegularFile(from)) {
                    c = CheckpointStore.read(from);
                } else {
                    Path dir = Files.isDirectory(from.resolve("checkpoints")) ? from.resolve("checkpoints") : from;
                    c = new CheckpointStore(dir, Integer.MAX_VALUE, sink).loadLatest();
                    if (c == null) {
                        throw new TrainingException("no checkpoint to resume from in " + dir);
                    }
                }
            } catch (IOException e) {
                throw new TrainingException("cannot read the checkpoint " + from + ": " + e, e);
            }
            TrainingState s = c.state();
            if (!s.backend().equals(backend.kind().id())) {
                throw new TrainingException(c.file() + " was written by the " + s.backend() + " backend; this run uses "
                        + backend.kind().id());
            }
            if (!s.model().equals(config.toString())) {
                throw new TrainingException(c.file() + " holds another architecture: " + s.model() + "; this run: "
                        + config);
            }
            backend.restore(c.arrays());
            epoch = s.epoch();
            batchInEpoch = s.batchInEpoch();
            iteration = s.iteration();
            lr = s.learningRate();
            bestMetric = s.bestMetric();
            bestEpoch = s.bestEpoch();
            losses.addAll(s.losses());
            epochs.addAll(s.epochs());
            lastCheckpoint = c.file();
            LOG.info("resumed from {} (epoch {}, batch {}, iteration {})", c.file(), epoch, batchInEpoch, iteration);
            reporter.line(String.format(Locale.ROOT, "resumed from %s: epoch %d, batch %d, iteration %d", c.file(),
                    epoch + 1, batchInEpoch, iteration));
        }

        TrainingState state() {
            return new TrainingState(TrainingState.FORMAT_VERSION, backend.kind().id(), config.toString(),
                    recipe.toString(), recipe.seed(), epoch, batchInEpoch, iteration, lr, bestMetric, bestEpoch,
                    losses, epochs);
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

        TrainingResult loop() {
            int bpe = data.batchesPerEpoch();
            boolean stopped = false;
            while (epoch < recipe.epochs() && !stopped) {
                long epochStart = System.nanoTime();
                reporter.startEpoch(epoch, batchInEpoch, iteration);
                DataSetIterator it = data.epoch(epoch);
                try {
                    for (int skip = 0; skip < batchInEpoch && it.hasNext(); skip++) {
                        it.next();
                    }
                    while (it.hasNext()) {
                        if (maxIterations > 0 && iteration >= maxIterations) {
                            stopped = true;
                            break;
                        }
                        DataSet ds = it.next();
                        Nd4j.getRandom().setSeed(recipe.seed() * 1_000_003L + iteration);
                        lr = recipe.learningRateAt(iteration, epoch);
                        double loss = backend.fit(ds, iteration, epoch);
                        if (!Double.isFinite(loss)) {
                            throw new TrainingException(String.format(Locale.ROOT, "loss is %s at epoch %d, iteration "
                                    + "%d (batch %d of %d): training diverged and was stopped; the last good checkpoint "
                                    + "is %s. Lower the learning rate (now %.3g) or check the data", loss, epoch + 1,
                                    iteration + 1, batchInEpoch + 1, bpe,
                                    lastCheckpoint == null ? "none (no checkpoint written yet)" : lastCheckpoint, lr));
                        }
                        losses.add(loss);
                        iteration++;
                        batchInEpoch++;
                        reporter.iteration(iteration, batchInEpoch, loss, lr, ds.numExamples());
                        if (recipe.checkpointEveryIterations() > 0
                                && iteration % recipe.checkpointEveryIterations() == 0 && it.hasNext()) {
                            checkpoint();
                        }
                    }
                } finally {
                    if (it instanceof AutoCloseable ac) {
                        try {
                            ac.close();
                        } catch (Exception e) {
                            LOG.warn("closing the data iterator of epoch {}: {}", epoch + 1, e.toString());
                        }
                    }
                }
                if (stopped) {
                    checkpoint();
                    break;
                }
                endEpoch(epochStart);
            }
            ValidationResult finalValidation = lastValidation;
            TrainingResult result = new TrainingResult(outputDir, List.copyOf(losses), List.copyOf(epochs),
                    bestMetric, bestEpoch, finalValidation, lastCheckpoint);
            try {
                writeWeights(outputDir.resolve("final.npz"), backend.stateDict());
                TrainingReport.write(result, config, recipe, reportOptions);
            } catch (IOException e) {
                throw new TrainingException("cannot write the final files to " + outputDir + ": " + e.getMessage(), e);
            }
            reporter.summary(result);
            return result;
        }

        private void endEpoch(long epochStart) {
            int done = epoch + 1;
            int n = batchInEpoch;
            double mean = 0;
            for (int i = losses.size() - n; i < losses.size(); i++) {
                mean += losses.get(i) / n;
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
                if (Double.isNaN(bestMetric) || metric > bestMetric) {
                    bestMetric = metric;
                    bestEpoch = done;
                    improved = true;
                }
            }
            epochs.add(new TrainingState.EpochRecord(done, iteration, mean, lr,
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
                TrainingReport.writeMetrics(outputDir, config, recipe, List.copyOf(losses), List.copyOf(epochs),
                        bestMetric, bestEpoch, lastValidation);
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
        private final HRNetConfig config;
        private final TrainingData data;
        private final Path outputDir;
        private TrainingRecipe recipe = TrainingRecipe.published();
        private TrainingBackend.Kind kind = TrainingBackend.Kind.SAMEDIFF;
        private PoseValidator validator;
        private Path resumeFrom;
        private PrintStream progress = System.out;
        private final List<TrainingListener> graphListeners = new ArrayList<>();
        private final List<Listener> sameDiffListeners = new ArrayList<>();
        private CheckpointStore.FileSink sink = Files::newOutputStream;
        private Map<String, INDArray> initialWeights;
        private int maxIterations;
        private TrainingReport.Options reportOptions = TrainingReport.Options.DEFAULT;

        private Builder(HRNetConfig config, TrainingData data, Path outputDir) {
            this.config = config;
            this.data = data;
            this.outputDir = outputDir;
        }

        /** @param r the recipe (default {@link TrainingRecipe#published()}) @return this */
        public Builder recipe(TrainingRecipe r) {
            this.recipe = Objects.requireNonNull(r, "recipe");
            return this;
        }

        /** @param k the realisation (default SameDiff: faster convolutions on CPU than the graph in M2.1) @return this */
        public Builder backend(TrainingBackend.Kind k) {
            this.kind = Objects.requireNonNull(k, "backend");
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
        public Builder maxIterations(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("max iterations must be >= 0, got " + n);
            }
            this.maxIterations = n;
            return this;
        }

        /** @param o what the final report draws @return this */
        public Builder report(TrainingReport.Options o) {
            this.reportOptions = Objects.requireNonNull(o, "report options");
            return this;
        }

        /** @return the trainer */
        public PoseTrainer build() {
            return new PoseTrainer(this);
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
