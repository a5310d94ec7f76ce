package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.LossRecorder;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * One realisation of the network under training: the DL4J {@link ComputationGraph} ({@link #graph}) or the
 * SameDiff graph ({@link #sameDiff}). The trainer drives it one minibatch at a time and checkpoints it as named
 * arrays.
 */
public interface TrainingBackend {

    /** The two realisations. */
    enum Kind {
        /** DL4J {@link ComputationGraph}, trained with {@code graph.fit(DataSet)}. */
        GRAPH,
        /** Pure SameDiff ({@link SameDiffHRNet}), trained with {@code SameDiff.fit}. */
        SAMEDIFF;

        /** @return {@code graph} or {@code samediff} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
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
    }

    /** @return which realisation */
    Kind kind();

    /** @return the network in inference mode, for validation */
    PoseNetwork network();

    /**
     * One training iteration (forward, JointsMSELoss, backward, Adam step; BN running statistics updated).
     *
     * @param batch features {@code [N, 3, H, W]}, labels {@code [N, K, H/4, W/4]}, labels mask (target weights)
     *     {@code [N, K, H/4, W/4]}
     * @param iteration 0-based iteration count before this step (the updater's bias correction and schedule)
     * @param epoch 0-based epoch (the learning-rate schedule)
     * @return the batch's loss {@code 0.5 * mean((w * (pred - gt))^2)}
     */
    double fit(DataSet batch, int iteration, int epoch);

    /** @return model and updater arrays to checkpoint, by name (copies or views; written at once) */
    Map<String, INDArray> checkpointArrays();

    /**
     * Restores what {@link #checkpointArrays()} gave.
     *
     * @param arrays the arrays read back
     * @throws TrainingException naming a missing or mis-shaped array
     */
    void restore(Map<String, INDArray> arrays);

    /** @return the weights as an official state dict (float32 copies) */
    Map<String, INDArray> stateDict();

    /**
     * @param cfg architecture
     * @param recipe recipe (updater, seed)
     * @param listeners DL4J listeners (e.g. {@code ScoreIterationListener}, {@code PerformanceListener}, the UI's
     *     {@code StatsListener})
     * @return a freshly initialised ComputationGraph backend
     */
    static TrainingBackend graph(HRNetConfig cfg, TrainingRecipe recipe, TrainingListener... listeners) {
        ComputationGraph g = new HRNet.Builder().config(cfg).seed(recipe.seed()).updater(recipe.updater()).build()
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
        return new SameDiffBackend(SameDiffHRNet.create(cfg, recipe.seed(), recipe.updater()), listeners);
    }

    /** The ComputationGraph realisation. */
    final class GraphBackend implements TrainingBackend {
        private final HRNetConfig cfg;
        private final ComputationGraph graph;
        private final PoseNetwork network;

        GraphBackend(HRNetConfig cfg, ComputationGraph graph) {
            this.cfg = cfg;
            this.graph = graph;
            this.network = PoseNetwork.of(graph, cfg);
        }

        /** @return the graph */
        public ComputationGraph graph() {
            return graph;
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
        public double fit(DataSet batch, int iteration, int epoch) {
            graph.getConfiguration().setIterationCount(iteration);
            graph.getConfiguration().setEpochCount(epoch);
            graph.fit(batch);
            return graph.score();
        }

        @Override
        public Map<String, INDArray> checkpointArrays() {
            Map<String, INDArray> m = new LinkedHashMap<>();
            m.put("params", graph.params());
            INDArray u = graph.getUpdater(true).getStateViewArray();
            if (u != null) {
                m.put("updater", u);
            }
            return m;
        }

        @Override
        public void restore(Map<String, INDArray> arrays) {
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
        }

        @Override
        public Map<String, INDArray> stateDict() {
            return GraphWeights.stateDict(cfg, graph);
        }
    }

    /** The SameDiff realisation. */
    final class SameDiffBackend implements TrainingBackend {
        private static final String PARAM = "param/";
        private static final String UPDATER = "updater/";
        private final SameDiffHRNet model;
        private final LossRecorder recorder;
        private final Listener[] listeners;
        private double last = Double.NaN;

        SameDiffBackend(SameDiffHRNet model, Listener... extra) {
            this.model = model;
            this.recorder = SameDiffHRNet.lossRecorder(v -> last = v);
            this.listeners = new Listener[extra.length + 1];
            listeners[0] = recorder;
            System.arraycopy(extra, 0, listeners, 1, extra.length);
            model.prepareTraining();
        }

        /** @return the SameDiff model */
        public SameDiffHRNet model() {
            return model;
        }

        @Override
        public Kind kind() {
            return Kind.SAMEDIFF;
        }

        @Override
        public PoseNetwork network() {
            return model;
        }

        @Override
        public double fit(DataSet batch, int iteration, int epoch) {
            TrainingConfig tc = model.sameDiff().getTrainingConfig();
            tc.setIterationCount(iteration);
            tc.setEpochCount(epoch);
            last = Double.NaN;
            model.fit(new SingletonDataSetIterator(batch), 1, listeners);
            return last;
        }

        private Map<String, GradientUpdater> updaters() {
            SameDiff sd = model.sameDiff();
            if (!sd.isInitializedTraining()) {
                try {
                    Method m = SameDiff.class.getDeclaredMethod("initializeTraining");
                    m.setAccessible(true);
                    m.invoke(sd);
                } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
                    throw new TrainingException("cannot initialise the SameDiff updater state: " + e, e);
                }
            }
            return new TreeMap<>(sd.getUpdaterMap());
        }

        @Override
        public Map<String, INDArray> checkpointArrays() {
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
        public void restore(Map<String, INDArray> arrays) {
            SameDiff sd = model.sameDiff();
            List<String> problems = new java.util.ArrayList<>();
            Map<String, INDArray> targets = new LinkedHashMap<>();
            for (SDVariable v : sd.variables()) {
                if ((v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT)
                        && v.getArr() != null) {
                    targets.put(PARAM + v.name(), v.getArr());
                }
            }
            for (Map.Entry<String, GradientUpdater> e : updaters().entrySet()) {
                Map<String, INDArray> st = e.getValue().getState();
                if (st != null) {
                    for (Map.Entry<String, INDArray> s : st.entrySet()) {
                        targets.put(UPDATER + e.getKey() + "/" + s.getKey(), s.getValue());
                    }
                }
            }
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
        }

        @Override
        public Map<String, INDArray> stateDict() {
            return model.stateDict();
        }
    }
}
