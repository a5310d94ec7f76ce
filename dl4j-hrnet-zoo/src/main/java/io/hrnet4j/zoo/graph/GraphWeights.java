package io.hrnet4j.zoo.graph;

import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.layers.NativeConvolution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves weights between official state-dict key names and a {@link ComputationGraph} built by
 * {@link GraphEmitter}: {@code key.weight} / {@code key.bias} of a conv are the layer {@code key}'s {@code W}
 * (PyTorch's {@code [out, in, k, k]}, stored {@code [out, k, k, in]} in a {@link NativeConvolution}, permuted here)
 * and {@code b}; {@code key.weight, bias, running_mean, running_var} of a BN are its
 * {@code gamma, beta, mean, var}; parameters of the custom layers (ECA, DEM, DySample) keep their PyTorch local names
 * ({@code offset.weight}, {@code fc1.bias}, ...). {@code num_batches_tracked} and DySample's fixed {@code init_pos}
 * buffer have no DL4J counterpart and are ignored on import.
 */
public final class GraphWeights {
    private GraphWeights() {
    }

    /**
     * Copies a state dict into the graph. The dict must already have passed the strict check against
     * {@link Complexity#stateDictShapes()} (see {@code io.hrnet4j.zoo.weights}); this method checks again that every
     * graph parameter receives a value of its exact element count and throws before writing anything otherwise.
     *
     * @param cfg the architecture the graph was built from
     * @param graph the graph
     * @param stateDict official key to array (any float type; converted to the graph's type)
     * @throws IllegalArgumentException naming every missing or mis-sized key, when the dict does not fit
     */
    public static void load(HRNetConfig cfg, ComputationGraph graph, Map<String, INDArray> stateDict) {
        List<INDArray[]> plan = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String[]> m : mapping(cfg).entrySet()) {
            String key = m.getKey();
            String layerName = m.getValue()[0];
            String param = m.getValue()[1];
            Layer layer = graph.getLayer(layerName);
            if (layer == null) {
                problems.add(key + ": the graph has no layer '" + layerName + "'");
                continue;
            }
            INDArray target = torchView(layer, param);
            INDArray src = stateDict.get(key);
            if (src == null) {
                problems.add(key + ": missing");
            } else if (src.length() != target.length()) {
                problems.add(key + ": shape " + Arrays.toString(src.shape()) + " does not fit "
                        + Arrays.toString(target.shape()));
            } else {
                plan.add(new INDArray[] {target, src});
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("state dict does not fit the graph: " + String.join("; ", problems));
        }
        for (INDArray[] p : plan) {
            p[0].assign(p[1].castTo(p[0].dataType()).reshape(p[0].shape()));
        }
    }

    /**
     * Reads the graph's weights as an official state dict (float32; {@code num_batches_tracked} written as 0).
     *
     * @param cfg the architecture the graph was built from
     * @param graph the graph
     * @return key to array, in official order, shapes as in PyTorch
     */
    public static Map<String, INDArray> stateDict(HRNetConfig cfg, ComputationGraph graph) {
        Map<String, long[]> shapes = Complexity.of(cfg).stateDictShapes();
        Map<String, String[]> mapping = mapping(cfg);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String[] lp = mapping.get(e.getKey());
            if (lp == null) {
                out.put(e.getKey(), e.getKey().endsWith(".init_pos")
                        ? initPos(cfg, e.getValue()) : Nd4j.scalar(DataType.LONG, 0L));
            } else {
                out.put(e.getKey(), torchView(graph.getLayer(lp[0]), lp[1]).castTo(DataType.FLOAT).dup('c')
                        .reshape(e.getValue()));
            }
        }
        return out;
    }

    /**
     * @param layer a graph layer
     * @param param one of its parameter keys
     * @return the parameter as PyTorch lays it out: a view of the layer's array (a {@link NativeConvolution} weight
     *     {@code [out, kH, kW, in]} seen as {@code [out, in, kH, kW]}; every other parameter as it is), so that
     *     writing into it writes the parameter
     */
    public static INDArray torchView(Layer layer, String param) {
        INDArray p = layer.getParam(param);
        return isOhwi(layer, param) ? p.permute(0, 3, 1, 2) : p;
    }

    /**
     * @param layer a graph layer
     * @param param one of its parameter keys
     * @return whether that parameter is a {@link NativeConvolution} weight, stored {@code [out, kH, kW, in]}
     *     (its PyTorch view {@code [out, in, kH, kW]} is {@code permute(0, 3, 1, 2)})
     */
    public static boolean isOhwi(Layer layer, String param) {
        return layer.conf().getLayer() instanceof NativeConvolution
                && ConvolutionParamInitializer.WEIGHT_KEY.equals(param);
    }

    /**
     * @param cfg a DE-HRNet architecture
     * @param shape the buffer shape {@code [1, 2 G s^2, 1, 1]}
     * @return DySample's fixed {@code init_pos} buffer for that module
     */
    public static INDArray initPos(HRNetConfig cfg, long[] shape) {
        int groups = cfg.deHrnet().groups();
        int scale = (int) Math.round(Math.sqrt(shape[1] / (2.0 * groups)));
        return io.hrnet4j.zoo.layers.DySample.initPos(scale, groups).castTo(DataType.FLOAT).reshape(shape);
    }

    /**
     * @param cfg the architecture
     * @return state-dict key to {layer name, DL4J parameter key}, for every trainable parameter and BN statistic
     *     (not for {@code num_batches_tracked} and DySample's {@code init_pos}, which have no graph parameter)
     */
    public static Map<String, String[]> mapping(HRNetConfig cfg) {
        Map<String, String[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, Complexity.ParamRef> e : Complexity.of(cfg).owners().entrySet()) {
            Complexity.ParamRef r = e.getValue();
            String dl4j = switch (r.kind()) {
                case CONV -> "weight".equals(r.local()) ? ConvolutionParamInitializer.WEIGHT_KEY
                        : ConvolutionParamInitializer.BIAS_KEY;
                case BN -> switch (r.local()) {
                    case "weight" -> BatchNormalizationParamInitializer.GAMMA;
                    case "bias" -> BatchNormalizationParamInitializer.BETA;
                    case "running_mean" -> BatchNormalizationParamInitializer.GLOBAL_MEAN;
                    default -> BatchNormalizationParamInitializer.GLOBAL_VAR;
                };
                case LAYER -> r.local();
                case BUFFER, COUNTER -> null;
            };
            if (dl4j != null) {
                m.put(e.getKey(), new String[] {r.module(), dl4j});
            }
        }
        return m;
    }
}
