package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * How the trainer's steps are executed: on one device with the DL4J {@link ComputationGraph} ({@link Kind#GRAPH}) or
 * SameDiff ({@link Kind#SAMEDIFF}), on several devices with {@code ParallelWrapper}
 * ({@code io.hrnet4j.zoo.train.parallel.ParallelWrapperBackend}), or on a Spark cluster ({@code dl4j-hrnet-spark}'s
 * {@code SparkBackend}). {@link PoseTrainer} owns the recipe (schedule, warm-up, validation, best model, progress,
 * NaN handling, checkpoints); a backend only trains the minibatches it is handed and reports each optimizer step
 * through {@link Steps}, and checkpoints its network as named arrays.
 *
 * <p>Checkpoint compatibility: the graph, ParallelWrapper and Spark backends share one array layout
 * ({@link #GRAPH_LAYOUT}: the flattened parameters, batch-norm running statistics included, and the flattened updater
 * state of the ComputationGraph), so a run checkpointed by any of them resumes on any other exactly; the SameDiff
 * backend's layout ({@link #SAMEDIFF_LAYOUT}) names its variables and updater states. Between the two layouts a run
 * moves through {@link #portableArrays()} / {@link #restorePortable} ({@link PortableArrays}: the official state dict
 * and each parameter's updater state, Adam's moments, by state-dict key), so any backend resumes any other's run.
 */
public interface TrainingBackend extends AutoCloseable {
    /** {@link #arrayLayout()} of the ComputationGraph-based backends: arrays {@code params} and {@code updater}. */
    String GRAPH_LAYOUT = "graph";
    /** {@link #arrayLayout()} of the SameDiff backend: {@code param/<variable>}, {@code updater/<variable>/<state>}. */
    String SAMEDIFF_LAYOUT = "samediff";

    /** The single-device realisations. */
    enum Kind {
        /** DL4J {@link ComputationGraph}, trained with {@code graph.fit(DataSet)}. */
        GRAPH,
        /** Pure SameDiff ({@link SameDiffHRNet}), trained with {@link SameDiffHRNet#fit} (one persistent session). */
        SAMEDIFF;

        /** @return {@code graph} or {@code samediff} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return the checkpoint array layout of this realisation, {@link #GRAPH_LAYOUT} or {@link #SAMEDIFF_LAYOUT} */
        public String arrayLayout() {
            return this == GRAPH ? GRAPH_LAYOUT : SAMEDIFF_LAYOUT;
        }

        /**
         * @param s {@code graph} or {@code samediff} (case-insensitive)
         * @return the kind
         * @throws IllegalArgumentException for another value
         */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.id().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("backend must be graph or samediff, got '" + s + "'");
        }

        /** @return a factory of freshly initialised backends of this kind */
        public Factory factory() {
            return this == GRAPH ? (cfg, recipe) -> graph(cfg, recipe) : (cfg, recipe) -> sameDiff(cfg, recipe);
        }
    }

    /** Creates the backend of a run. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param cfg the architecture
         * @param recipe the recipe (seed of the weight initialisation, updater with its learning-rate schedule)
         * @return a backend holding a freshly initialised network
         */
        TrainingBackend create(HRNetConfig cfg, TrainingRecipe recipe);
    }

    /** The trainer's side of a backend's steps. */
    interface Steps {
        /** @return the 0-based epoch being trained (the epoch count the network's schedule must see) */
        int epoch();

        /** Re-seeds ND4J's random generator from (seed, step) before a step (dropout, random ops). */
        void beforeStep();

        /**
         * Records one optimizer step: the loss, the progress line, the NaN check.
         *
         * @param minibatches minibatches the step consumed (1 on one device; the workers' count with
         *     ParallelWrapper; the epoch's minibatches on Spark)
         * @param loss the step's loss ({@code JointsMSELoss}, mean over its minibatches)
         * @param learningRate the learning rate the network's updater applied in the step
         * @throws TrainingException when the loss is not finite (the run stops; nothing is checkpointed after it)
         */
        void stepDone(int minibatches, double loss, double learningRate);
    }

    /**
     * @return the single-device realisation the backend trains, whose checkpoint array layout it writes and reads:
     *     {@link Kind#GRAPH} for the graph, ParallelWrapper and Spark backends, {@link Kind#SAMEDIFF} for SameDiff
     */
    Kind kind();

    /**
     * @return the backend's name in checkpoints and progress: {@code graph}, {@code samediff}, {@code parallel}, ...
     *     (the default: the {@link #kind()}'s)
     */
    default String id() {
        return kind().id();
    }

    /** @return the checkpoint array layout, {@link #GRAPH_LAYOUT} or {@link #SAMEDIFF_LAYOUT} (the {@link #kind()}'s) */
    default String arrayLayout() {
        return kind().arrayLayout();
    }

    /** @return the network in inference mode, for validation */
    PoseNetwork network();

    /**
     * Trains the minibatches of an iterator (all of them), reporting each optimizer step. Minibatch layout: features
     * {@code [N, 3, H, W]}, labels {@code [N, K, H/4, W/4]}, labels mask (target weights) {@code [N, K, H/4, W/4]};
     * the loss is {@code 0.5 * mean((w * (pred - gt))^2)}.
     *
     * @param batches the minibatches (part of an epoch)
     * @param steps where steps are reported
     * @throws UnsupportedOperationException when the backend trains whole epochs ({@link #trainsWholeEpochs()})
     */
    void fit(DataSetIterator batches, Steps steps);

    /** @return true when the backend trains an epoch at once from the samples ({@link #fitEpoch}; Spark) */
    default boolean trainsWholeEpochs() {
        return false;
    }

    /**
     * Trains one whole epoch from the training samples (backends that distribute the data themselves).
     *
     * @param data the training data (samples, pipeline, batch size, seed)
     * @param steps where steps are reported
     * @throws UnsupportedOperationException for backends that train from an iterator
     */
    default void fitEpoch(TrainingData data, Steps steps) {
        throw new UnsupportedOperationException(id() + " trains from minibatch iterators");
    }

    /** @return model and updater arrays to checkpoint, by name (copies or views; written at once) */
    Map<String, INDArray> checkpointArrays();

    /** @return the updater's iteration count (optimizer updates applied so far) */
    long updates();

    /**
     * Restores what {@link #checkpointArrays()} gave and the updater's iteration count.
     *
     * @param arrays the arrays read back
     * @param updates the updater's iteration count
     * @throws TrainingException naming a missing or mis-shaped array
     */
    void restore(Map<String, INDArray> arrays, long updates);

    /**
     * @return the parameters and updater state in the backend-neutral form of {@link PortableArrays} (official
     *     state dict plus {@code updater/<key>/<state>} in PyTorch layout; float32 copies)
     */
    Map<String, INDArray> portableArrays();

    /**
     * Restores what some backend's {@link #portableArrays()} gave and the updater's iteration count.
     *
     * @param arrays state dict plus updater entries
     * @param updates the updater's iteration count
     * @throws TrainingException naming the missing or mis-shaped entries
     */
    void restorePortable(Map<String, INDArray> arrays, long updates);

    /**
     * @param layout a checkpoint array layout, {@link #GRAPH_LAYOUT} or {@link #SAMEDIFF_LAYOUT}
     * @return the single-device realisation that reads it
     * @throws TrainingException for another layout name
     */
    static Kind kindOfLayout(String layout) {
        for (Kind k : Kind.values()) {
            if (k.arrayLayout().equals(layout)) {
                return k;
            }
        }
        throw new TrainingException("unknown checkpoint array layout '" + layout + "' (graph or samediff)");
    }

    /** @return the weights as an official state dict (float32 copies) */
    Map<String, INDArray> stateDict();

    /**
     * @param stateDict initial weights as an official state dict (ImageNet backbone, COCO pretrained)
     * @throws RuntimeException naming the missing or mis-shaped key
     */
    void loadStateDict(Map<String, INDArray> stateDict);

    /** Releases threads or cluster resources; the default does nothing. */
    @Override
    default void close() {
    }

    /**
     * @param cfg architecture
     * @param recipe recipe (updater, seed)
     * @param listeners DL4J listeners (e.g. {@code ScoreIterationListener}, {@code PerformanceListener}, the UI's
     *     {@code StatsListener})
     * @return a freshly initialised ComputationGraph backend
     */
    static GraphBackend graph(HRNetConfig cfg, TrainingRecipe recipe, TrainingListener... listeners) {
        ComputationGraph g = new HRNet.Builder().config(cfg).seed(TrainingRecipe.nd4jSeed(recipe.seed()))
                .updater(recipe.updater()).build()
                .init();
        g.setListeners(listeners);
        return new GraphBackend(cfg, g);
    }

    /**
     * @param cfg architecture
     * @param recipe recipe (updater, seed)
     * @param listeners SameDiff listeners (e.g. {@code ScoreListener})
     * @return a freshly initialised SameDiff backend
     */
    static TrainingBackend sameDiff(HRNetConfig cfg, TrainingRecipe recipe, Listener... listeners) {
        return new SameDiffBackend(SameDiffHRNet.create(cfg, TrainingRecipe.nd4jSeed(recipe.seed()),
                recipe.updater()), listeners);
    }

    /**
     * The ComputationGraph realisation on one device, trained with {@code graph.fit(DataSet)}; the ParallelWrapper and
     * Spark backends extend it with their execution of the steps (they checkpoint, restore and export the graph the
     * same way, through {@link #graph()}).
     */
    class GraphBackend implements TrainingBackend {
        private final HRNetConfig cfg;
        private final ComputationGraph graph;
        private final PoseNetwork network;

        /**
         * @param cfg the architecture
         * @param graph its initialised graph (trained in place)
         */
        public GraphBackend(HRNetConfig cfg, ComputationGraph graph) {
            this.cfg = cfg;
            this.graph = graph;
            this.network = PoseNetwork.of(graph, cfg);
        }

        /** @return the graph holding the state of the run (checkpointed, restored, validated) */
        public ComputationGraph graph() {
            return graph;
        }

        /** @return the architecture */
        public HRNetConfig config() {
            return cfg;
        }

        @Override
        public Kind kind() {
            return Kind.GRAPH;
        }

        @Override
        public PoseNetwork network() {
            return network;
        }

        @Override
        public void fit(DataSetIterator batches, Steps steps) {
            while (batches.hasNext()) {
                DataSet ds = batches.next();
                steps.beforeStep();
                graph.getConfiguration().setEpochCount(steps.epoch());
                double lr = learningRate(graph);
                graph.fit(ds);
                steps.stepDone(1, graph.score(), lr);
            }
        }

        @Override
        public Map<String, INDArray> checkpointArrays() {
            return arrays(graph());
        }

        @Override
        public long updates() {
            return graph().getConfiguration().getIterationCount();
        }

        @Override
        public void restore(Map<String, INDArray> arrays, long updates) {
            restore(graph(), arrays, updates);
        }

        @Override
        public Map<String, INDArray> portableArrays() {
            return PortableArrays.fromGraph(cfg, graph());
        }

        @Override
        public void restorePortable(Map<String, INDArray> arrays, long updates) {
            PortableArrays.toGraph(cfg, graph(), arrays, updates);
        }

        @Override
        public Map<String, INDArray> stateDict() {
            return GraphWeights.stateDict(cfg, graph());
        }

        @Override
        public void loadStateDict(Map<String, INDArray> stateDict) {
            GraphWeights.load(cfg, graph(), stateDict);
        }

        /**
         * @param graph a graph
         * @return its {@link #GRAPH_LAYOUT} arrays: {@code params} (flattened parameters, BN running statistics
         *     included) and {@code updater} (flattened updater state, when the updater has state)
         */
        public static Map<String, INDArray> arrays(ComputationGraph graph) {
            Map<String, INDArray> m = new LinkedHashMap<>();
            m.put("params", graph.params());
            INDArray u = graph.getUpdater(true).getStateViewArray();
            if (u != null) {
                m.put("updater", u);
            }
            return m;
        }

        /**
         * Restores {@link #arrays} into a graph of the same architecture and sets its iteration count.
         *
         * @param graph the graph
         * @param arrays the arrays
         * @param updates the updater's iteration count
         * @throws TrainingException naming the array whose size does not fit
         */
        public static void restore(ComputationGraph graph, Map<String, INDArray> arrays, long updates) {
            INDArray p = arrays.get("params");
            if (p == null || p.length() != graph.params().length()) {
                throw new TrainingException("checkpoint params: expected " + graph.params().length()
                        + " values, got " + (p == null ? "none" : p.length()));
            }
            graph.params().assign(p.reshape(graph.params().shape()));
            INDArray view = graph.getUpdater(true).getStateViewArray();
            INDArray u = arrays.get("updater");
            if (view != null) {
                if (u == null || u.length() != view.length()) {
                    throw new TrainingException("checkpoint updater state: expected " + view.length()
                            + " values, got " + (u == null ? "none" : u.length()));
                }
                view.assign(u.reshape(view.shape()));
            }
            graph.getConfiguration().setIterationCount(Math.toIntExact(updates));
        }

        /**
         * @param graph a graph
         * @return the learning rate its first trainable layer's updater gives at the configuration's iteration and
         *     epoch counts (as {@code NetworkUtils.getLearningRate}), NaN when no layer has a learning rate
         */
        public static double learningRate(ComputationGraph graph) {
            int iter = graph.getConfiguration().getIterationCount();
            int epoch = graph.getConfiguration().getEpochCount();
            for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
                if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl
                        && bl.getIUpdater() != null && bl.getIUpdater().hasLearningRate()) {
                    return bl.getIUpdater().getLearningRate(iter, epoch);
                }
            }
            return Double.NaN;
        }
    }

    /** The SameDiff realisation. */
    final class SameDiffBackend implements TrainingBackend {
        private static final String PARAM = "param/";
        private static final String UPDATER = "updater/";
        private final SameDiffHRNet model;
        private final Listener[] listeners;
        private long updates;

        SameDiffBackend(SameDiffHRNet model, Listener... extra) {
            this.model = model;
            this.listeners = extra.clone();
            model.prepareTraining();
        }

        @Override
        public Kind kind() {
            return Kind.SAMEDIFF;
        }

        @Override
        public long updates() {
            return updates;
        }

        @Override
        public void loadStateDict(Map<String, INDArray> stateDict) {
            model.loadStateDict(stateDict);
        }

        @Override
        public PoseNetwork network() {
            return model;
        }

        @Override
        public void fit(DataSetIterator batches, Steps steps) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                steps.beforeStep();
                TrainingConfig tc = model.sameDiff().getTrainingConfig();
                tc.setIterationCount(Math.toIntExact(updates));
                tc.setEpochCount(steps.epoch());
                double lr = tc.getUpdater().hasLearningRate()
                        ? tc.getUpdater().getLearningRate(Math.toIntExact(updates), steps.epoch()) : Double.NaN;
                double last = model.fit(new SingletonDataSetIterator(batch), 1, listeners);
                updates++;
                steps.stepDone(1, last, lr);
            }
        }

        private Map<String, GradientUpdater> updaters() {
            return new TreeMap<>(model.updaters());
        }

        /** @return the live arrays of the model: {@code param/<variable>} and {@code updater/<variable>/<state>} */
        private Map<String, INDArray> liveArrays() {
            Map<String, INDArray> m = new LinkedHashMap<>();
            for (SDVariable v : model.sameDiff().variables()) {
                if ((v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT)
                        && v.getArr() != null) {
                    m.put(PARAM + v.name(), v.getArr());
                }
            }
            for (Map.Entry<String, GradientUpdater> e : updaters().entrySet()) {
                Map<String, INDArray> st = e.getValue().getState();
                if (st != null) {
                    for (Map.Entry<String, INDArray> s : new TreeMap<>(st).entrySet()) {
                        m.put(UPDATER + e.getKey() + "/" + s.getKey(), s.getValue());
                    }
                }
            }
            return m;
        }

        @Override
        public Map<String, INDArray> checkpointArrays() {
            return liveArrays();
        }

        @Override
        public void restore(Map<String, INDArray> arrays, long updates) {
            Map<String, INDArray> targets = liveArrays();
            List<String> problems = new java.util.ArrayList<>();
            for (Map.Entry<String, INDArray> t : targets.entrySet()) {
                INDArray src = arrays.get(t.getKey());
                if (src == null) {
                    problems.add(t.getKey() + ": missing");
                } else if (src.length() != t.getValue().length()) {
                    problems.add(t.getKey() + ": " + Arrays.toString(src.shape()) + ", expected "
                            + Arrays.toString(t.getValue().shape()));
                }
            }
            if (!problems.isEmpty()) {
                throw new TrainingException("checkpoint does not fit this SameDiff model: "
                        + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
                        + (problems.size() > 10 ? " (and " + (problems.size() - 10) + " more)" : ""));
            }
            for (Map.Entry<String, INDArray> t : targets.entrySet()) {
                t.getValue().assign(arrays.get(t.getKey()).reshape(t.getValue().shape()));
            }
            this.updates = updates;
        }

        @Override
        public Map<String, INDArray> portableArrays() {
            return PortableArrays.fromSameDiff(model, updaters());
        }

        @Override
        public void restorePortable(Map<String, INDArray> arrays, long updates) {
            PortableArrays.toSameDiff(model, updaters(), arrays);
            this.updates = updates;
        }

        @Override
        public Map<String, INDArray> stateDict() {
            return model.stateDict();
        }

        /** Frees the arrays the model's training session keeps between steps (the model stays usable). */
        @Override
        public void close() {
            model.releaseTrainingMemory();
        }
    }
}
