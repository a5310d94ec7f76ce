package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.SameDiffEmitter;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The backend-neutral form of a training state, used to move a run between realisations whose checkpoint array
 * layouts differ ({@link TrainingBackend#GRAPH_LAYOUT} and {@link TrainingBackend#SAMEDIFF_LAYOUT}): the official
 * state dict (PyTorch key names and layouts: conv weights {@code [out, in, kH, kW]}) and, for every parameter the
 * updater keeps state for, that state under {@code updater/<state-dict key>/<state name>} in the parameter's PyTorch
 * layout (Adam: {@code M}, the first moment, and {@code V}, the second, as ND4J's {@code AdamUpdater} names them).
 *
 * <p>Both realisations hold the same parameters (graph vertex names and SameDiff variable names are the official
 * keys) and apply the same ND4J updater per parameter, element by element, so the state of a parameter is the same
 * array in both; only where it is stored differs:
 * <ul>
 *   <li>ComputationGraph: one flattened state array; each updater block (consecutive parameters with one updater
 *       configuration) holds its parameters' {@code M} then their {@code V}, each parameter at its offset in the
 *       block, in the order of the parameter's own view (a {@code NativeConvolution} weight is
 *       {@code [out, kH, kW, in]});</li>
 *   <li>SameDiff: one updater per variable, its state shaped as the variable (conv weights YXIO
 *       {@code [kH, kW, in, out]} under {@code key + "/yxio"}).</li>
 * </ul>
 * Moving a state through this form copies values only (permutations), so graph &rarr; SameDiff &rarr; graph gives the
 * graph's arrays back bit for bit. Batch-norm running statistics and {@code num_batches_tracked} have no updater
 * state; {@code num_batches_tracked} and DySample's fixed {@code init_pos} buffer are written as the realisations'
 * {@code stateDict()} write them.
 */
public final class PortableArrays {
    /** Prefix of the updater-state entries. */
    public static final String UPDATER = "updater/";

    private PortableArrays() {
    }

    /**
     * @param key an official state-dict key
     * @param state the updater's name of one of its state arrays ({@code M}, {@code V})
     * @return the entry name {@code updater/<key>/<state>}
     */
    public static String updaterKey(String key, String state) {
        return UPDATER + key + "/" + state;
    }

    /**
     * @param arrays portable arrays
     * @return the state-dict entries only (those not under {@value #UPDATER}), in their order
     */
    public static Map<String, INDArray> stateDict(Map<String, INDArray> arrays) {
        Map<String, INDArray> sd = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            if (!k.startsWith(UPDATER)) {
                sd.put(k, v);
            }
        });
        return sd;
    }

    /**
     * Reads a ComputationGraph's parameters and updater state in the portable form.
     *
     * @param cfg the architecture the graph was built from
     * @param graph the graph
     * @return state dict plus {@code updater/<key>/<state>} entries (float32 copies)
     * @throws TrainingException when an updater block holds a parameter that has no state-dict key
     */
    public static Map<String, INDArray> fromGraph(HRNetConfig cfg, ComputationGraph graph) {
        Map<String, INDArray> out = new LinkedHashMap<>(GraphWeights.stateDict(cfg, graph));
        for (GraphSlot s : graphSlots(cfg, graph)) {
            INDArray v = s.view().reshape(s.order(), s.paramShape());
            if (s.ohwi()) {
                v = v.permute(0, 3, 1, 2);
            }
            out.put(updaterKey(s.key(), s.state()), v.castTo(DataType.FLOAT).dup('c'));
        }
        return out;
    }

    /**
     * Writes the portable form into a ComputationGraph of the same architecture and sets its iteration count.
     * Everything is checked before anything is written.
     *
     * @param cfg the architecture the graph was built from
     * @param graph the graph
     * @param arrays state dict plus updater entries
     * @param updates the updater's iteration count
     * @throws TrainingException naming the missing or mis-sized entries (at most ten)
     */
    public static void toGraph(HRNetConfig cfg, ComputationGraph graph, Map<String, INDArray> arrays, long updates) {
        List<GraphSlot> slots = graphSlots(cfg, graph);
        checkAll(slots, arrays, "the ComputationGraph");
        try {
            GraphWeights.load(cfg, graph, stateDict(arrays));
        } catch (IllegalArgumentException e) {
            throw new TrainingException(e.getMessage(), e);
        }
        for (GraphSlot s : slots) {
            INDArray src = arrays.get(updaterKey(s.key(), s.state())).castTo(s.view().dataType());
            if (s.ohwi()) {
                src = src.permute(0, 2, 3, 1);
            }
            s.view().assign(src.dup(s.order()).reshape(s.order(), s.view().length()));
        }
        graph.getConfiguration().setIterationCount(Math.toIntExact(updates));
    }

    /**
     * Reads a SameDiff model's parameters and updater state in the portable form.
     *
     * @param model the model
     * @param updaters its updater per variable name (training initialised)
     * @return state dict plus {@code updater/<key>/<state>} entries (float32 copies)
     */
    public static Map<String, INDArray> fromSameDiff(SameDiffHRNet model, Map<String, GradientUpdater> updaters) {
        Map<String, INDArray> out = new LinkedHashMap<>(model.stateDict());
        for (SameDiffSlot s : sameDiffSlots(model, updaters)) {
            INDArray v = s.yxio() ? SameDiffEmitter.toOiyx(s.array()) : s.array();
            out.put(updaterKey(s.key(), s.state()), v.castTo(DataType.FLOAT).dup('c'));
        }
        return out;
    }

    /**
     * Writes the portable form into a SameDiff model of the same architecture (the caller keeps the iteration count).
     * Everything is checked before anything is written.
     *
     * @param model the model
     * @param updaters its updater per variable name (training initialised)
     * @param arrays state dict plus updater entries
     * @throws TrainingException naming the missing or mis-sized entries (at most ten)
     */
    public static void toSameDiff(SameDiffHRNet model, Map<String, GradientUpdater> updaters,
                                  Map<String, INDArray> arrays) {
        List<SameDiffSlot> slots = sameDiffSlots(model, updaters);
        checkAll(slots, arrays, "the SameDiff model");
        try {
            model.loadStateDict(stateDict(arrays));
        } catch (IllegalArgumentException e) {
            throw new TrainingException(e.getMessage(), e);
        }
        for (SameDiffSlot s : slots) {
            INDArray src = arrays.get(updaterKey(s.key(), s.state())).castTo(s.array().dataType());
            s.array().assign((s.yxio() ? SameDiffEmitter.toYxio(src) : src).reshape(s.array().shape()));
        }
    }

    /** One parameter's state array in a realisation. */
    private interface Slot {
        /** @return the state-dict key of the parameter */
        String key();

        /** @return the updater's name of the state array */
        String state();

        /** @return the number of values the realisation holds */
        long length();
    }

    /** Checks that {@code arrays} holds an entry of the right size for every slot, before anything is written. */
    private static void checkAll(List<? extends Slot> slots, Map<String, INDArray> arrays, String target) {
        List<String> problems = new ArrayList<>();
        for (Slot s : slots) {
            String name = updaterKey(s.key(), s.state());
            INDArray src = arrays.get(name);
            if (src == null) {
                problems.add(name + ": missing");
            } else if (src.length() != s.length()) {
                problems.add(name + ": " + Arrays.toString(src.shape()) + " does not hold " + s.length() + " values");
            }
        }
        if (!problems.isEmpty()) {
            throw new TrainingException("the updater state does not fit " + target + ": "
                    + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
                    + (problems.size() > 10 ? " (and " + (problems.size() - 10) + " more)" : ""));
        }
    }

    /**
     * One parameter's state array in the graph.
     *
     * @param key state-dict key
     * @param state state name
     * @param view flat view of the parameter's segment of that state array, {@code [length]}
     * @param order element order of the parameter's view ('c' or 'f')
     * @param paramShape shape of the parameter's view
     * @param ohwi whether the parameter is stored {@code [out, kH, kW, in]}
     */
    private record GraphSlot(String key, String state, INDArray view, char order, long[] paramShape, boolean ohwi)
            implements Slot {
        @Override
        public long length() {
            return view.length();
        }
    }

    private static List<GraphSlot> graphSlots(HRNetConfig cfg, ComputationGraph graph) {
        Map<String, String> keyOf = new HashMap<>();
        GraphWeights.mapping(cfg).forEach((key, lp) -> keyOf.put(lp[0] + "/" + lp[1], key));
        List<GraphSlot> slots = new ArrayList<>();
        for (UpdaterBlock b : graph.getUpdater(true).getUpdaterBlocks()) {
            GradientUpdater<?> u = b.getGradientUpdater();
            Map<String, INDArray> states = u == null ? null : u.getState();
            if (states == null || states.isEmpty()) {
                continue;
            }
            for (UpdaterBlock.ParamState ps : b.getLayersAndVariablesInBlock()) {
                String layerName = ps.getLayer().getConfig().getLayerName();
                String key = keyOf.get(layerName + "/" + ps.getParamName());
                if (key == null) {
                    throw new TrainingException("graph parameter " + layerName + "/" + ps.getParamName()
                            + " has no state-dict key in " + cfg);
                }
                long from = ps.getParamOffsetStart() - b.getParamOffsetStart();
                long to = ps.getParamOffsetEnd() - b.getParamOffsetStart();
                // the block's view of the parameter is flat: its shape and element order are the parameter table's
                INDArray pv = ps.getLayer().paramTable(false).get(ps.getParamName());
                Layer layer = graph.getLayer(layerName);
                boolean ohwi = layer != null && GraphWeights.isOhwi(layer, ps.getParamName());
                for (Map.Entry<String, INDArray> s : new TreeMap<>(states).entrySet()) {
                    INDArray flat = s.getValue().reshape(s.getValue().length());
                    slots.add(new GraphSlot(key, s.getKey(), flat.get(NDArrayIndex.interval(from, to)), pv.ordering(),
                            pv.shape(), ohwi));
                }
            }
        }
        return slots;
    }

    /**
     * One parameter's state array in SameDiff.
     *
     * @param key state-dict key
     * @param state state name
     * @param array the state array, shaped as the variable
     * @param yxio whether the variable is a conv weight in YXIO layout
     */
    private record SameDiffSlot(String key, String state, INDArray array, boolean yxio) implements Slot {
        @Override
        public long length() {
            return array.length();
        }
    }

    private static List<SameDiffSlot> sameDiffSlots(SameDiffHRNet model, Map<String, GradientUpdater> updaters) {
        List<SameDiffSlot> slots = new ArrayList<>();
        for (String key : Complexity.of(model.config()).stateDictShapes().keySet()) {
            String var = model.variableOf(key);
            GradientUpdater<?> u = updaters.get(var);
            Map<String, INDArray> states = u == null ? null : u.getState();
            if (states == null) {
                continue;
            }
            for (Map.Entry<String, INDArray> s : new TreeMap<>(states).entrySet()) {
                slots.add(new SameDiffSlot(key, s.getKey(), s.getValue(), !var.equals(key)));
            }
        }
        return slots;
    }
}
