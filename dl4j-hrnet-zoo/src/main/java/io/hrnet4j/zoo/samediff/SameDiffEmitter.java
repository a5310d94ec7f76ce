package io.hrnet4j.zoo.samediff;

import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.NetworkEmitter;
import io.hrnet4j.zoo.layers.DetailEnhancementModule;
import io.hrnet4j.zoo.layers.DySample;
import io.hrnet4j.zoo.layers.LayerParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.random.custom.DistributionUniform;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Realises the network in a {@link SameDiff} graph. Parameters are SameDiff variables named by their official
 * state-dict keys ({@code bn1.weight}, {@code bn1.running_var}, ...; conv weights {@code conv1.weight/yxio}, below),
 * shared by every path that uses
 * them; BN running statistics are constants (not trained, updated by {@link BatchNormStatistics}).
 *
 * <p>One emitter instance realises one path, prefixing the names of its activations with {@code prefix}:
 * <ul>
 *   <li>{@link Mode#INFERENCE}: BN with the running statistics;</li>
 *   <li>{@link Mode#TRAINING}: BN with batch statistics: {@code moments} over {@code (N, H, W)} gives the batch mean
 *       and biased variance {@code [C]}, named {@code prefix + key + "/batch_mean"} and {@code "/batch_var"}.</li>
 * </ul>
 * Both use the fused {@code batchnorm} op ({@link FusedBatchNorm}: one native op forward, one backward).
 * Convolutions use {@code conv2d} with NCHW data and weights in the op's fast YXIO layout {@code [kH, kW, in, out]}:
 * the weight variable of conv module {@code key} is {@link #convWeightName(String) key + ".weight/yxio"} (M2.1's
 * {@code conv2d_bp} ignores the OIYX format, and a per-call permute of PyTorch's {@code [out, in, kH, kW]} cost a
 * copy of every weight and its gradient per step); {@link SameDiffHRNet} converts at import / export. Explicit padding
 * {@code (k-1)/2}. ReLUs are {@link FastRelu} (libnd4j's {@code relu} with a vectorised derivative).
 */
public class SameDiffEmitter implements NetworkEmitter<SDVariable> {
    /** Which BN statistics a path uses. */
    public enum Mode {
        /** Running statistics. */
        INFERENCE,
        /** Batch statistics (training). */
        TRAINING
    }

    /** BN epsilon of the official model (PyTorch default). */
    public static final double BN_EPS = 1e-5;
    /** Suffix of a conv weight variable in YXIO layout, after the official key {@code key + ".weight"}. */
    public static final String YXIO_SUFFIX = "/yxio";

    private final SameDiff sd;
    private final Mode mode;
    private final String prefix;
    private final String inputName;
    private SDVariable output;
    private final List<String> bnKeys = new ArrayList<>();

    /**
     * @param sd the graph (variables already present are reused, others created with placeholder values)
     * @param mode BN mode of this path
     * @param prefix prefix of this path's activation names, e.g. {@code "train/"}
     * @param inputName name of the input placeholder {@code [N, 3, H, W]}, created if absent
     */
    public SameDiffEmitter(SameDiff sd, Mode mode, String prefix, String inputName) {
        this.sd = sd;
        this.mode = mode;
        this.prefix = prefix;
        this.inputName = inputName;
    }

    /** @return the output heatmaps of this path, after {@code HRNetTopology.emit} */
    public SDVariable output() {
        return output;
    }

    /** @return the BN module keys of this path, in network order */
    public List<String> bnKeys() {
        return Collections.unmodifiableList(bnKeys);
    }

    /**
     * @param convKey a conv module key, e.g. {@code stage2.0.branches.0.0.conv1}
     * @return the name of its weight variable, {@code [kH, kW, in, out]} (YXIO)
     */
    public static String convWeightName(String convKey) {
        return convKey + ".weight" + YXIO_SUFFIX;
    }

    /**
     * @param oiyx a conv weight in PyTorch's layout {@code [out, in, kH, kW]}
     * @return a C-ordered copy in YXIO layout {@code [kH, kW, in, out]}
     */
    public static INDArray toYxio(INDArray oiyx) {
        return oiyx.permute(2, 3, 1, 0).dup('c');
    }

    /**
     * @param yxio a conv weight in YXIO layout {@code [kH, kW, in, out]}
     * @return a C-ordered copy in PyTorch's layout {@code [out, in, kH, kW]}
     */
    public static INDArray toOiyx(INDArray yxio) {
        return yxio.permute(3, 2, 0, 1).dup('c');
    }

    private SDVariable param(String name, long... shape) {
        if (sd.hasVariable(name)) {
            return sd.getVariable(name);
        }
        return sd.var(name, Nd4j.zeros(DataType.FLOAT, shape));
    }

    private SDVariable constant(String name, float init, long... shape) {
        if (sd.hasVariable(name)) {
            return sd.getVariable(name);
        }
        return sd.constant(name, Nd4j.valueArrayOf(shape, init, DataType.FLOAT));
    }

    @Override
    public SDVariable input(int channels, int height, int width) {
        if (sd.hasVariable(inputName)) {
            return sd.getVariable(inputName);
        }
        return sd.placeHolder(inputName, DataType.FLOAT, -1, channels, height, width);
    }

    @Override
    public SDVariable conv(String key, SDVariable x, int in, int out, int kernel, int stride, boolean bias) {
        int pad = (kernel - 1) / 2;
        SDVariable w = param(convWeightName(key), kernel, kernel, in, out);
        Conv2DConfig c = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(pad).pW(pad)
                .dH(1).dW(1).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        if (bias) {
            SDVariable b = param(key + ".bias", out);
            return sd.cnn().conv2d(prefix + key, x, w, b, c);
        }
        return sd.cnn().conv2d(prefix + key, x, w, c);
    }

    @Override
    public SDVariable batchNorm(String key, SDVariable x, int channels) {
        bnKeys.add(key);
        SDVariable gamma = param(key + ".weight", channels);
        SDVariable beta = param(key + ".bias", channels);
        SDVariable mean = constant(key + ".running_mean", 0f, channels);
        SDVariable var = constant(key + ".running_var", 1f, channels);
        if (mode == Mode.INFERENCE) {
            return FusedBatchNorm.apply(sd, prefix + key, x, mean, var, gamma, beta, BN_EPS);
        }
        String p = prefix + key;
        SDVariable[] stats = sd.math().moments(new String[] {p + "/batch_mean", p + "/batch_var"}, x,
                new int[] {0, 2, 3}, false);
        return FusedBatchNorm.apply(sd, p, x, stats[0], stats[1], gamma, beta, BN_EPS);
    }

    @Override
    public SDVariable relu(String name, SDVariable x) {
        return FastRelu.apply(sd, prefix + name, x, 0.0);
    }

    @Override
    public SDVariable add(String name, List<SDVariable> xs) {
        SDVariable s = xs.get(0);
        for (int i = 1; i < xs.size(); i++) {
            s = i == xs.size() - 1 ? s.add(prefix + name, xs.get(i)) : s.add(xs.get(i));
        }
        return s;
    }

    @Override
    public SDVariable upsampleNearest(String name, SDVariable x, int factor) {
        return sd.cnn().upsampling2d(prefix + name, x, factor, factor, true);
    }

    @Override
    public SDVariable channelAttention(String key, SDVariable x, int channels, DeHrnetOptions options) {
        DetailEnhancementModule spec = options.demLayer(channels);
        Map<String, SDVariable> params = new HashMap<>();
        LayerParams.shapes(spec).forEach((name, shape) -> params.put(name, param(key + "." + name, shape)));
        return DetailEnhancementModule.define(sd, prefix + key, x, params, spec);
    }

    @Override
    public SDVariable dropout(String name, SDVariable x, double p) {
        if (mode == Mode.INFERENCE) {
            return x;
        }
        // M2.1's dropout ops have no derivative; an inverted-dropout mask from a uniform draw of x's (dynamic)
        // shape is exact and differentiable: y = x * [u >= p] / (1 - p)
        SDVariable u = new DistributionUniform(sd, x.shape(), 0.0, 1.0, DataType.FLOAT).outputVariable();
        SDVariable mask = u.gte(p).castTo(DataType.FLOAT).mul(1.0 / (1.0 - p));
        return x.mul(prefix + name, mask);
    }

    @Override
    public SDVariable dySample(String key, SDVariable x, int channels, int height, int width, int scale,
                               DeHrnetOptions options) {
        Map<String, long[]> shapes = LayerParams.shapes(options.dySampleLayer(channels, scale));
        SDVariable w = param(key + "." + DySample.OFFSET_WEIGHT, shapes.get(DySample.OFFSET_WEIGHT));
        SDVariable b = param(key + "." + DySample.OFFSET_BIAS, shapes.get(DySample.OFFSET_BIAS));
        SDVariable scope = options.dynamicScope()
                ? param(key + "." + DySample.SCOPE_WEIGHT, shapes.get(DySample.SCOPE_WEIGHT)) : null;
        return DySample.define(sd, prefix + key, x, w, b, scope, channels, height, width, scale, options.groups(),
                options.style(), DySample.DEFAULT_WINDOW_RADIUS);
    }

    @Override
    public void output(SDVariable heatmaps) {
        this.output = heatmaps;
    }
}
