package io.hrnet4j.zoo.train.parallel;

import io.hrnet4j.zoo.train.BatchLimit;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The several-devices execution backend of {@link io.hrnet4j.zoo.train.PoseTrainer}: data-parallel training of the
 * {@link ComputationGraph} realisation through DL4J's {@link ParallelWrapper} (one replica per worker; on the CPU
 * backend the workers share the host).
 *
 * <p>Each round hands one minibatch to each worker; in {@link ParallelTrainingConfig.Mode#AVERAGING} the replicas'
 * parameters (batch-norm running statistics included: DL4J keeps them among the parameters) and, by default, their
 * Adam moments are averaged every {@code averagingFrequency} rounds into the wrapped graph. A round is one step of
 * the trainer: its loss is the mean of the workers' minibatch losses, i.e. the {@code JointsMSELoss} of the round's
 * {@code workers x batch} examples. The wrapped graph's iteration count (Adam's bias correction, iteration-based
 * schedules) counts rounds, one optimizer update each, as DL4J does; the epoch count is the trainer's epoch, so the
 * epoch-based multi-step schedule applies as on one device.
 *
 * <p>The trainer hands this backend one slice of an epoch per call, cut at its checkpoint boundaries; each slice is
 * one {@code ParallelWrapper.fit} whose replicas are re-created from the wrapped graph, so after it the wrapped graph
 * holds the whole state of the run and is checkpointed in the graph array layout
 * ({@link TrainingBackend#GRAPH_LAYOUT}): a run moves between one device and several in either direction.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ParallelWrapper} feeds the first round before the replicas finished copying the
 * wrapped model ({@link WorkersReady} holds the first minibatch until they are ready). With one worker the slice goes
 * to the single-device graph backend ({@code ParallelWrapper} needs 2).
 *
 * <p>SameDiff has no {@code ParallelWrapper}: multi-device runs use the graph realisation; a SameDiff run's
 * checkpoint continues here with its Adam moments ({@link io.hrnet4j.zoo.train.PortableArrays}). Not thread-safe:
 * one {@link #fit} at a time.
 */
public final class ParallelWrapperBackend extends TrainingBackend.GraphBackend {
    private final ParallelTrainingConfig config;
    private final List<TrainingListener> userListeners;

    /**
     * @param single the graph backend whose graph is trained in place (its listeners are attached to every worker)
     * @param config workers, prefetch, averaging
     */
    public ParallelWrapperBackend(GraphBackend single, ParallelTrainingConfig config) {
        super(Objects.requireNonNull(single, "graph backend").config(), single.graph());
        this.config = Objects.requireNonNull(config, "config");
        ComputationGraph g = single.graph();
        this.userListeners = new ArrayList<>(g.getListeners() == null ? List.of() : g.getListeners());
    }

    /**
     * @param config workers, prefetch, averaging
     * @param listeners DL4J listeners of every worker
     * @return a factory of ParallelWrapper backends over freshly initialised graphs
     */
    public static Factory factory(ParallelTrainingConfig config, TrainingListener... listeners) {
        return (cfg, recipe) -> new ParallelWrapperBackend(TrainingBackend.graph(cfg, recipe, listeners), config);
    }

    @Override
    public String id() {
        return "parallel";
    }

    @Override
    public void fit(DataSetIterator batches, Steps steps) {
        if (config.workers() == 1) {
            super.fit(batches, steps);
            return;
        }
        ComputationGraph graph = graph();
        graph.getConfiguration().setEpochCount(steps.epoch());
        int before = graph.getConfiguration().getIterationCount();
        BatchLimit slice = new BatchLimit(batches, 0, config.prefetchBuffer() > 0);
        graph.setListeners(Collections.emptyList());
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(graph)
                .workers(config.workers())
                .prefetchBuffer(config.prefetchBuffer())
                .averagingFrequency(config.averagingFrequency())
                .averageUpdaters(config.averageUpdaters())
                .reportScoreAfterAveraging(false)
                .trainingMode(config.mode() == ParallelTrainingConfig.Mode.AVERAGING
                        ? ParallelWrapper.TrainingMode.AVERAGING : ParallelWrapper.TrainingMode.SHARED_GRADIENTS)
                .build();
        ScoreRecorder recorder = new ScoreRecorder(wrapper);
        WorkersReady ready = new WorkersReady(config.workers());
        slice.beforeFirst(ready::await);
        List<TrainingListener> all = new ArrayList<>();
        all.add(recorder);
        all.add(ready);
        all.addAll(userListeners);
        wrapper.setListeners(all);
        double lr = GraphBackend.learningRate(graph);
        try {
            wrapper.fit(slice);
        } finally {
            wrapper.shutdown();
            graph.setListeners(userListeners);
        }
        List<Double> scores = recorder.scores();
        int n = slice.served();
        if (scores.size() != n && !recorder.diverged()) {
            throw new TrainingException(String.format(Locale.ROOT, "ParallelWrapper trained %d of the %d minibatches "
                    + "handed to it (epoch %d)", scores.size(), n, steps.epoch() + 1));
        }
        int w = config.workers();
        int rounds = 0;
        for (int start = 0; start < scores.size(); start += w) {
            int end = Math.min(scores.size(), start + w);
            double sum = 0;
            for (int i = start; i < end; i++) {
                sum += scores.get(i);
            }
            rounds++;
            graph.getConfiguration().setIterationCount(before + rounds);
            steps.stepDone(end - start, sum / (end - start), lr);
        }
        if (recorder.diverged()) {
            steps.stepDone(0, Double.NaN, lr);
        }
    }

    /** Collects each worker's minibatch loss in completion order; stops the wrapper on a non-finite loss. */
    private static final class ScoreRecorder extends BaseTrainingListener {
        private final List<Double> scores = new ArrayList<>();
        private final ParallelWrapper wrapper;
        private volatile boolean diverged;

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
                wrapper.stopFit();
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
