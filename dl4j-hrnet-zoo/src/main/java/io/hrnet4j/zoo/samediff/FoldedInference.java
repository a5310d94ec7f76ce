package io.hrnet4j.zoo.samediff;

import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.HRNetTopology;
import io.hrnet4j.zoo.arch.NetworkEmitter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An inference-only SameDiff graph of a network with every BatchNorm that follows a convolution folded into it:
 * {@code W' = W * gamma / sqrt(var + eps)} per output channel and {@code b' = beta - mean * gamma / sqrt(var + eps)}
 * (eps 1e-5). The same function as the inference path of {@link SameDiffHRNet} with one op per conv+BN pair less,
 * and weights as constants in the op's native YXIO layout (no per-call permute). Built from a state dict, so it
 * serves deployment of trained or official weights.
 */
public final class FoldedInference implements PoseNetwork {
    private final HRNetConfig config;
    private final SameDiff sd;
    private final String output;

    private FoldedInference(HRNetConfig config, SameDiff sd, String output) {
        this.config = config;
        this.sd = sd;
        this.output = output;
    }

    /**
     * @param config the architecture
     * @param stateDict its weights (official keys; e.g. {@link SameDiffHRNet#stateDict()})
     * @return the folded inference graph
     */
    public static FoldedInference of(HRNetConfig config, Map<String, INDArray> stateDict) {
        SameDiff sd = SameDiff.create();
        Emitter e = new Emitter(sd, stateDict);
        SDVariable out = HRNetTopology.emit(config, e);
        return new FoldedInference(config, sd, out.name());
    }

    @Override
    public HRNetConfig config() {
        return config;
    }

    @Override
    public INDArray output(INDArray input) {
        return SameDiffHRNet.infer(sd, config, input, output);
    }

    /** @return the underlying graph */
    public SameDiff sameDiff() {
        return sd;
    }

    /** The BN module that follows a conv module in the official naming, or null (e.g. {@code final_layer}). */
    static String bnAfter(String convKey) {
        if (convKey.endsWith(".0")) {
            return convKey.substring(0, convKey.length() - 2) + ".1";
        }
        int i = convKey.lastIndexOf("conv");
        if (i >= 0 && i + 4 < convKey.length() && convKey.indexOf('.', i) < 0) {
            return convKey.substring(0, i) + "bn" + convKey.substring(i + 4);
        }
        return null;
    }

    private static final class Emitter implements NetworkEmitter<SDVariable> {
        private final SameDiff sd;
        private final Map<String, INDArray> w;
        private final Set<String> folded = new HashSet<>();
        private final SameDiffEmitter layers;

        Emitter(SameDiff sd, Map<String, INDArray> weights) {
            this.sd = sd;
            this.w = new HashMap<>(weights);
            this.layers = new SameDiffEmitter(sd, SameDiffEmitter.Mode.INFERENCE, "", SameDiffHRNet.INPUT);
        }

        private INDArray get(String key) {
            INDArray a = w.get(key);
            if (a == null) {
                throw new IllegalArgumentException("state dict has no '" + key + "'");
            }
            return a.castTo(DataType.FLOAT);
        }

        @Override
        public SDVariable input(int channels, int height, int width) {
            return layers.input(channels, height, width);
        }

        @Override
        public SDVariable conv(String key, SDVariable x, int in, int out, int kernel, int stride, boolean bias) {
            INDArray weight = get(key + ".weight").dup();
            INDArray b = bias ? get(key + ".bias").dup() : Nd4j.zeros(DataType.FLOAT, out);
            String bn = bnAfter(key);
            if (bn != null && w.containsKey(bn + ".running_var")) {
                INDArray inv = Transforms.sqrt(get(bn + ".running_var").add(SameDiffEmitter.BN_EPS), false)
                        .rdivi(1.0).muli(get(bn + ".weight"));
                weight.muli(inv.reshape(out, 1, 1, 1));
                b = b.sub(get(bn + ".running_mean")).muli(inv).addi(get(bn + ".bias"));
                folded.add(bn);
            }
            int pad = (kernel - 1) / 2;
            SDVariable wv = sd.constant(key + ".weight", SameDiffEmitter.toYxio(weight));
            SDVariable bv = sd.constant(key + ".bias", b);
            Conv2DConfig c = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(pad).pW(pad)
                    .dH(1).dW(1).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
            return sd.cnn().conv2d(key, x, wv, bv, c);
        }

        @Override
        public SDVariable batchNorm(String key, SDVariable x, int channels) {
            if (folded.contains(key)) {
                return x;
            }
            throw new IllegalStateException("BN " + key + " does not follow a conv; cannot fold");
        }

        @Override
        public SDVariable relu(String name, SDVariable x) {
            return layers.relu(name, x);
        }

        @Override
        public SDVariable add(String name, List<SDVariable> xs) {
            return layers.add(name, xs);
        }

        @Override
        public SDVariable upsampleNearest(String name, SDVariable x, int factor) {
            return layers.upsampleNearest(name, x, factor);
        }

        @Override
        public SDVariable channelAttention(String key, SDVariable x, int channels, DeHrnetOptions options) {
            SDVariable y = layers.channelAttention(key, x, channels, options);
            assignLayerParams(key);
            return y;
        }

        @Override
        public SDVariable dySample(String key, SDVariable x, int channels, int height, int width, int scale,
                                  DeHrnetOptions options) {
            SDVariable y = layers.dySample(key, x, channels, height, width, scale, options);
            assignLayerParams(key);
            return y;
        }

        /** Copies a custom layer's parameters (created as variables by the shared emitter) from the state dict. */
        private void assignLayerParams(String key) {
            for (Map.Entry<String, INDArray> e : w.entrySet()) {
                String k = e.getKey();
                if (k.startsWith(key + ".") && sd.hasVariable(k) && !k.endsWith(".init_pos")) {
                    sd.getArrForVarName(k).assign(e.getValue().castTo(DataType.FLOAT));
                }
            }
        }

        @Override
        public void output(SDVariable heatmaps) {
            // the caller keeps the handle
        }
    }
}
