package io.hrnet4j.zoo.train.parallel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training of the {@link ComputationGraph} realisation of HRNet on several devices of one machine
 * through DL4J's {@link ParallelWrapper} (one replica per worker; on the CPU backend the workers share the host).
 *
 * <p>Each round hands one minibatch to each worker (with one worker, {@code ParallelWrapper} refusing fewer than 2, the
 * minibatches go to {@code ComputationGraph.fit} directly: the single-device baseline); in {@link ParallelTrainingConfig.Mode#AVERAGING} the replicas'
 * parameters (batch-norm running statistics included: DL4J keeps them among the parameters) and, by default, their
 * Adam moments are averaged every {@code averagingFrequency} rounds into the wrapped graph. The recorded loss of a
 * round is the mean of the workers' minibatch losses, i.e. the {@code JointsMSELoss} of the round's
 * {@code workers x batch} examples. The graph configuration's iteration count (which drives Adam's bias correction
 * and iteration-based schedules) counts optimizer updates, one per round, as DL4J does; {@link TrainingState#iteration()}
 * counts minibatches; the epoch count is the epoch in progress, so epoch-based schedules (the official x0.1 at
 * epochs 170 and 200) apply as in single-device training.
 *
 * <p>Checkpoint and resume have the single-device guarantees: the wrapped graph, its updater state and the
 * {@link TrainingState} (epoch, minibatch within the epoch, iteration, seed) are written atomically by a
 * {@link CheckpointStore} at each epoch end and every {@code checkpointEveryRounds} rounds; a checkpoint is always
 * taken right after an averaging, when the wrapped graph holds the whole state of the run. The checkpoint is a plain
 * DL4J model zip (plus one JSON entry), so single-device training can resume from it and vice versa
 * ({@link #resume}). Within an epoch, training is cut into slices at the checkpoint boundaries (one
 * {@code ParallelWrapper.fit} per slice, replicas re-created from the wrapped graph); an uninterrupted run slices at
 * the same places, so a resumed run trains on the same minibatches in the same rounds with the same state. Resuming
 * mid-epoch re-reads (and discards) the epoch's minibatches before the checkpoint.
 *
 * <p>SameDiff realisation: SameDiff has no {@code ParallelWrapper}. Both realisations share the official state dict
 * ({@code SameDiffHRNet.stateDict()} / {@code GraphWeights.load}), so data-parallel training of a SameDiff model
 * goes through this class on the equivalent graph and back; across machines use the {@code dl4j-hrnet-spark} module
 * (also graph-based), or run one process per device and average state dicts between epochs.
 *
 * <p>Not thread-safe: one {@link #fit} at a time.
 */
public final class ParallelGraphTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelGraphTrainer.class);

    /** Called after every round (for progress bars and loss curves). */
    @FunctionalInterface
    public interface RoundListener {
        /**
         * @param state the state after the round
         * @param loss the round's loss (mean over the workers)
         */
        void roundDone(TrainingState state, double loss);
    }

    private final ComputationGraph graph;
    private final ParallelTrainingConfig config;
    private final CheckpointStore store;
    private final List<TrainingListener> userListeners;
    private TrainingState state;
    private RoundListener roundListener;

    /**
     * Starts a new run.
     *
     * @param graph an initialised graph (e.g. {@code new HRNet.Builder()...build().init()}); it is trained in place
     *        and its listeners are attached to every worker
     * @param seed the data seed (recorded in checkpoints; the caller's {@link EpochData} should use it)
     * @param config workers, mode, checkpoints
     * @throws IOException if the checkpoint folder cannot be created or written
     */
    public ParallelGraphTrainer(ComputationGraph graph, long seed, ParallelTrainingConfig config) throws IOException {
        this(graph, TrainingState.start(seed), config);
    }

    /**
     * Continues a run from a given state (see {@link #resume}).
     *
     * @param graph the graph with its updater state, as restored
     * @param state where the run stands
     * @param config workers, mode, checkpoints (the number of workers may differ from the saved run's)
     * @throws IOException if the checkpoint folder cannot be created or written
     */
    public ParallelGraphTrainer(ComputationGraph graph, TrainingState state, ParallelTrainingConfig config)
            throws IOException {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.state = Objects.requireNonNull(state, "state");
        this.config = Objects.requireNonNull(config, "config");
        this.store = config.checkpointDir() == null ? null
                : new CheckpointStore(config.checkpointDir(), config.keepCheckpoints());
        this.userListeners = new ArrayList<>(graph.getListeners() == null ? List.of() : graph.getListeners());
    }

    /**
     * @param restored a checkpoint (single-device or parallel), e.g. from {@link CheckpointStore#loadLatest()}
     * @param config the settings of the continued run
     * @return a trainer that continues where the checkpoint stopped
     * @throws IOException if the checkpoint folder cannot be created or written
     */
    public static ParallelGraphTrainer resume(TrainingCheckpoint.Restored restored, ParallelTrainingConfig config)
            throws IOException {
        return new ParallelGraphTrainer(restored.graph(), restored.state(), config);
    }

    /** @param l called after every round (may be null) */
    public void setRoundListener(RoundListener l) {
        this.roundListener = l;
    }

    /** @return the graph being trained */
    public ComputationGraph graph() {
        return graph;
    }

    /** @return where the run stands */
    public TrainingState state() {
        return state;
    }

    /** @return the checkpoint store, or null when checkpoints are off */
    public CheckpointStore checkpoints() {
        return store;
    }

    /**
     * Trains until {@code epochs} epochs are done (continuing from {@link #state()}).
     *
     * @param data opens each epoch's minibatches
     * @param epochs total number of epochs of the run (not additional ones)
     * @return the loss of every round trained by this call, in order
     * @throws IOException if the data cannot be read or a checkpoint cannot be written (the previous checkpoints
     *         are then intact)
     * @throws TrainingDivergedException if the loss becomes NaN or infinite (nothing is checkpointed after it)
     * @throws IllegalStateException if a resumed epoch has fewer minibatches than the checkpoint says were done
     */
    public List<Double> fit(EpochData data, int epochs) throws IOException {
        Objects.requireNonNull(data, "data");
        List<Double> losses = new ArrayList<>();
        int sliceBatches = config.roundsPerSlice() * config.workers();
        while (state.epoch() < epochs) {
            int epoch = state.epoch();
            DataSetIterator it = data.open(epoch);
            try {
                for (int i = 0; i < state.batchInEpoch(); i++) {
                    if (!it.hasNext()) {
                        throw new IllegalStateException("cannot resume epoch " + epoch + " at minibatch "
                                + state.batchInEpoch() + ": the epoch has only " + i + " minibatches");
                    }
                    it.next();
                }
                while (it.hasNext()) {
                    BatchLimit slice = new BatchLimit(it, sliceBatches, config.prefetchBuffer() > 0);
                    List<Double> rounds = runSlice(slice, epoch);
                    losses.addAll(rounds);
                    if (it.hasNext() && store != null) {
                        Path saved = store.save(graph, state);
                        LOG.debug("checkpoint {}", saved);
                    }
                }
            } finally {
                if (it instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.warn("closing the iterator of epoch {} failed: {}", epoch, e.toString());
                    }
                }
            }
            state = state.nextEpoch();
            graph.getConfiguration().setEpochCount(state.epoch());
            if (store != null) {
                store.save(graph, state);
            }
        }
        return losses;
    }

    private List<Double> runSlice(BatchLimit slice, int epoch) {
        graph.getConfiguration().setEpochCount(epoch);
        ScoreRecorder recorder = config.workers() == 1 ? fitSingle(slice) : fitParallel(slice);
        return rounds(recorder, slice, epoch);
    }

    /** One worker: plain {@code ComputationGraph.fit} per minibatch ({@code ParallelWrapper} needs at least 2). */
    private ScoreRecorder fitSingle(BatchLimit slice) {
        ScoreRecorder recorder = new ScoreRecorder(null);
        List<TrainingListener> all = new ArrayList<>();
        all.add(recorder);
        all.addAll(userListeners);
        graph.setListeners(all);
        try {
            while (slice.hasNext() && !recorder.diverged()) {
                graph.fit(slice.next());
            }
        } finally {
            graph.setListeners(userListeners);
        }
        return recorder;
    }

    private ScoreRecorder fitParallel(BatchLimit slice) {
        graph.setListeners(Collections.emptyList());
        ParallelWrapper.Builder<ComputationGraph> b = new ParallelWrapper.Builder<>(graph)
                .workers(config.workers())
                .prefetchBuffer(config.prefetchBuffer())
                .averagingFrequency(config.averagingFrequency())
                .averageUpdaters(config.averageUpdaters())
                .reportScoreAfterAveraging(false)
                .trainingMode(config.mode() == ParallelTrainingConfig.Mode.AVERAGING
                        ? ParallelWrapper.TrainingMode.AVERAGING : ParallelWrapper.TrainingMode.SHARED_GRADIENTS);
        ParallelWrapper wrapper = b.build();
        ScoreRecorder recorder = new ScoreRecorder(wrapper);
        WorkersReady ready = new WorkersReady(config.workers());
        slice.beforeFirst(ready::await);
        List<TrainingListener> all = new ArrayList<>();
        all.add(recorder);
        all.add(ready);
        all.addAll(userListeners);
        wrapper.setListeners(all);
        try {
            wrapper.fit(slice);
        } finally {
            wrapper.shutdown();
            graph.setListeners(userListeners);
        }
        return recorder;
    }

    private List<Double> rounds(ScoreRecorder recorder, BatchLimit slice, int epoch) {
        List<Double> scores = recorder.scores();
        int n = slice.served();
        if (scores.size() != n && !recorder.diverged()) {
            throw new IllegalStateException("ParallelWrapper trained " + scores.size() + " of the " + n
                    + " minibatches handed to it (epoch " + epoch + ", iteration " + state.iteration() + ")");
        }
        List<Double> rounds = new ArrayList<>();
        int w = config.workers();
        for (int start = 0; start < scores.size(); start += w) {
            int end = Math.min(scores.size(), start + w);
            double sum = 0;
            for (int i = start; i < end; i++) {
                sum += scores.get(i);
            }
            double loss = sum / (end - start);
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(epoch, state.iteration(), loss);
            }
            state = state.advance(end - start, loss);
            rounds.add(loss);
            if (roundListener != null) {
                roundListener.roundDone(state, loss);
            }
        }
        if (recorder.diverged()) {
            throw new TrainingDivergedException(epoch, state.iteration(), Double.NaN);
        }
        return rounds;
    }

    /** Collects each worker's minibatch loss in completion order; stops the wrapper on a non-finite loss. */
    private static final class ScoreRecorder extends BaseTrainingListener {
        private final List<Double> scores = new ArrayList<>();
        private final ParallelWrapper wrapper;
        private volatile boolean diverged;

        /** @param wrapper stopped on a non-finite loss (null: single-device fit, the caller checks) */
        ScoreRecorder(ParallelWrapper wrapper) {
            this.wrapper = wrapper;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            double s = model.score();
            synchronized (scores) {
                scores.add(s);
            }
            if (!Double.isFinite(s)) {
                diverged = true;
                if (wrapper != null) {
                    wrapper.stopFit();
                }
            }
        }

        List<Double> scores() {
            synchronized (scores) {
                return new ArrayList<>(scores);
            }
        }

        boolean diverged() {
            return diverged;
        }
    }
}
