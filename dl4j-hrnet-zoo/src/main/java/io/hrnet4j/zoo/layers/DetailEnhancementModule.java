package io.hrnet4j.zoo.layers;

import java.util.Map;

import io.hrnet4j.zoo.graph.layers.AddRelu;
import io.hrnet4j.zoo.graph.layers.NativeBatchNorm;
import io.hrnet4j.zoo.graph.layers.NativeConvolution;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

/**
 * DE-HRNet's Detail Enhancement Module (Liu et al., PLoS ONE 20(9): e0325540, 2025; choices where the paper is silent: docs/architecture.md): channel
 * attention {@code A(x)} applied as {@code F_out = (A(F_in) + 1) ⊙ F_in}. Input and output {@code [N, C, H, W]}
 * (NCHW, any H and W).
 * <ul>
 * <li>{@link Attention#SE} (default), the paper's SEA: {@code sigmoid(FC2(ReLU(FC1(GAP(x)))))}, hidden width
 * {@code max(minHidden, C / reduction)} (defaults 8 and 16, DE-HRNet choice 2). Parameters (PyTorch {@code nn.Linear}
 * naming and layout): {@code fc1.weight [hidden, C]}, {@code fc1.bias [hidden]}, {@code fc2.weight [C, hidden]},
 * {@code fc2.bias [C]}; PyTorch's default Linear initialisation (uniform ±1/sqrt(fan_in)).</li>
 * <li>{@link Attention#ECA}: the {@link ECA} gate, parameter {@code conv.weight [1, 1, k]}.</li>
 * </ul>
 * This layer is the <b>single-input</b> form (highest-resolution branch). The <b>dual-input</b> form of the lower
 * branches, {@code F_out = Dropout((A(a) + 1) ⊙ a)} with {@code a = F_i + D(F_{i-1})}, D = 3x3 stride-2 conv + BN,
 * dropout 0.1 in training only, is assembled by {@link #addDualInput} from the graph's native layers and DL4J's
 * {@link DropoutLayer} around this layer.
 * That split is deliberate (DL4J 1.0.0-M2.1 facts): the training flag is not visible inside a SameDiff layer, so a
 * dropout there would stay on at inference; DL4J's {@link DropoutLayer} and the batch norm layers honour it.
 * It also avoids a two-input {@code SameDiffVertex} (reported to fail in training with workspaces on in M2.1, and
 * needing hand-written {@code getOutputType} and {@code clone()}): only single-input SameDiff layers are used.
 */
public class DetailEnhancementModule extends NchwLayer {
    /** SE first FC weight key. */
    public static final String FC1_WEIGHT = "fc1.weight";
    /** SE first FC bias key. */
    public static final String FC1_BIAS = "fc1.bias";
    /** SE second FC weight key. */
    public static final String FC2_WEIGHT = "fc2.weight";
    /** SE second FC bias key. */
    public static final String FC2_BIAS = "fc2.bias";
    /** ECA conv weight key. */
    public static final String ECA_WEIGHT = ECA.WEIGHT;
    /** Default dropout of the dual-input form (DE-HRNet choice 3). */
    public static final double DEFAULT_DROPOUT = 0.1;

    /** Channel attention of the module. */
    public enum Attention {
        /** Squeeze-and-excitation, the paper's SEA (default). */
        SE,
        /** Efficient channel attention. */
        ECA
    }

    private Attention attention = Attention.SE;
    private int reduction = 16;
    private int minHidden = 8;
    private int ecaKernelSize;

    /** For JSON deserialisation only. */
    protected DetailEnhancementModule() {
    }

    protected DetailEnhancementModule(Builder b) {
        super(b);
        this.attention = b.attention;
        this.reduction = b.reduction;
        this.minHidden = b.minHidden;
        this.ecaKernelSize = b.ecaKernelSize;
        if (reduction < 1 || minHidden < 1) {
            throw new IllegalArgumentException("DEM reduction and minimum hidden width must be >= 1, got "
                    + reduction + " and " + minHidden);
        }
        ECA.checkKernelSize(ecaKernelSize, "DEM ECA");
    }

    /**
     * SE hidden width {@code max(minHidden, C / reduction)} (integer division; DE-HRNet choice 2).
     *
     * @param channels  C
     * @param reduction reduction ratio (16)
     * @param minHidden lower clamp (8)
     * @return the hidden width
     */
    public static long hiddenWidth(long channels, int reduction, int minHidden) {
        return Math.max(minHidden, channels / reduction);
    }

    /**
     * Trainable parameters of the single-input DEM: SE {@code 2·C·hidden + hidden + C}, ECA {@code k}.
     *
     * @param channels      C
     * @param attention     SE or ECA
     * @param reduction     SE reduction (16)
     * @param minHidden     SE hidden clamp (8)
     * @param ecaKernelSize ECA k, 0 = adaptive
     * @return the parameter count
     */
    public static long numParams(long channels, Attention attention, int reduction, int minHidden,
                                 int ecaKernelSize) {
        if (attention == Attention.ECA) {
            return ECA.kernelSize(ecaKernelSize, channels);
        }
        long h = hiddenWidth(channels, reduction, minHidden);
        return 2 * channels * h + h + channels;
    }

    /**
     * Trainable parameters of the dual-input DEM: the single-input count plus D (3x3 conv {@code 9·C_{i-1}·C_i}, no
     * bias, and BN {@code 2·C_i}; the BN running statistics, {@code 2·C_i}, are not trainable and not counted).
     *
     * @param higherChannels C_{i-1}
     * @param channels       C_i
     * @param attention      SE or ECA
     * @param reduction      SE reduction
     * @param minHidden      SE hidden clamp
     * @param ecaKernelSize  ECA k, 0 = adaptive
     * @return the parameter count
     */
    public static long numParamsDual(long higherChannels, long channels, Attention attention, int reduction,
                                     int minHidden, int ecaKernelSize) {
        return 9 * higherChannels * channels + 2 * channels
                + numParams(channels, attention, reduction, minHidden, ecaKernelSize);
    }

    /**
     * Multiply-adds of the single-input DEM at batch 1 on {@code H × W}: the FCs ({@code 2·C·hidden}) or the ECA
     * conv ({@code C·k}), plus {@code C·H·W} for the gating product.
     *
     * @param channels      C
     * @param attention     SE or ECA
     * @param reduction     SE reduction
     * @param minHidden     SE hidden clamp
     * @param ecaKernelSize ECA k, 0 = adaptive
     * @param height        H
     * @param width         W
     * @return multiply-adds
     */
    public static long macs(long channels, Attention attention, int reduction, int minHidden, int ecaKernelSize,
                            long height, long width) {
        long att = attention == Attention.ECA
                ? channels * ECA.kernelSize(ecaKernelSize, channels)
                : 2 * channels * hiddenWidth(channels, reduction, minHidden);
        return att + channels * height * width;
    }

    /**
     * SEA gate as a SameDiff subgraph: {@code sigmoid(FC2(ReLU(FC1(GAP(x)))))}.
     *
     * @param sd         SameDiff instance
     * @param namePrefix the gate is named {@code namePrefix + "gate"}
     * @param x          {@code [N, C, H, W]}
     * @param fc1W       {@code [hidden, C]}
     * @param fc1B       {@code [hidden]}
     * @param fc2W       {@code [C, hidden]}
     * @param fc2B       {@code [C]}
     * @param channels   C
     * @param hidden     hidden width
     * @return the gate {@code [N, C]}
     */
    public static SDVariable seGate(SameDiff sd, String namePrefix, SDVariable x, SDVariable fc1W, SDVariable fc1B,
                                    SDVariable fc2W, SDVariable fc2B, long channels, long hidden) {
        SDVariable z = SameDiffOps.globalAveragePool(x);
        SDVariable h = sd.nn().relu(SameDiffOps.linear(z, fc1W, fc1B, hidden), 0.0);
        return sd.nn().sigmoid(namePrefix + "gate", SameDiffOps.linear(h, fc2W, fc2B, channels));
    }

    /**
     * Single-input DEM as a SameDiff subgraph (no gradient correction: for pure SameDiff networks).
     *
     * @param sd         SameDiff instance
     * @param namePrefix prefix of the created variables' names
     * @param x          {@code [N, C, H, W]}
     * @param params     the attention parameters under this class's keys
     * @param spec       the module configuration (channels must be set)
     * @return {@code (A(x) + 1) ⊙ x}, {@code [N, C, H, W]}
     */
    public static SDVariable define(SameDiff sd, String namePrefix, SDVariable x, Map<String, SDVariable> params,
                                    DetailEnhancementModule spec) {
        long c = spec.getChannels();
        SDVariable gate;
        if (spec.attention == Attention.ECA) {
            gate = ECA.defineGate(sd, namePrefix, x, require(params, ECA_WEIGHT), c, spec.getEcaKernelSize());
        } else {
            gate = seGate(sd, namePrefix, x, require(params, FC1_WEIGHT), require(params, FC1_BIAS),
                    require(params, FC2_WEIGHT), require(params, FC2_BIAS), c, spec.getHidden());
        }
        return x.mul(gate.add(1.0).reshape(-1, c, 1, 1));
    }

    /**
     * Dual-input DEM as a SameDiff subgraph in inference form (BN with running statistics, eps 1e-5; dropout is the
     * identity at inference): {@code (A(a) + 1) ⊙ a}, {@code a = own + BN(conv3x3_s2(higherRes))}.
     *
     * @param sd          SameDiff instance
     * @param namePrefix  prefix of the created variables' names
     * @param higherRes   F_{i-1}, {@code [N, C_{i-1}, 2H, 2W]} (any size whose stride-2 conv gives H × W)
     * @param own         F_i, {@code [N, C_i, H, W]}
     * @param downWeight  D's conv weight, PyTorch layout {@code [C_i, C_{i-1}, 3, 3]}
     * @param bnGamma     D's BN weight {@code [C_i]}
     * @param bnBeta      D's BN bias {@code [C_i]}
     * @param bnMean      D's BN running mean {@code [C_i]}
     * @param bnVar       D's BN running variance {@code [C_i]}
     * @param params      the attention parameters
     * @param spec        the module configuration (channels = C_i)
     * @return {@code [N, C_i, H, W]}
     */
    public static SDVariable defineDual(SameDiff sd, String namePrefix, SDVariable higherRes, SDVariable own,
                                        SDVariable downWeight, SDVariable bnGamma, SDVariable bnBeta,
                                        SDVariable bnMean, SDVariable bnVar, Map<String, SDVariable> params,
                                        DetailEnhancementModule spec) {
        Conv2DConfig cfg = Conv2DConfig.builder().kH(3).kW(3).sH(2).sW(2).pH(1).pW(1).paddingMode(org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.VALID)
                .dataFormat(Conv2DConfig.NCHW).build();
        SDVariable conv = sd.cnn().conv2d(higherRes, downWeight.permute(2, 3, 1, 0), cfg);
        SDVariable bn = sd.nn().batchNorm(conv, bnMean, bnVar, bnGamma, bnBeta, 1e-5, 1);
        return define(sd, namePrefix, own.add(bn), params, spec);
    }

    private static SDVariable require(Map<String, SDVariable> params, String key) {
        SDVariable v = params.get(key);
        if (v == null) {
            throw new IllegalArgumentException("DEM parameter '" + key + "' missing; given " + params.keySet());
        }
        return v;
    }

    /**
     * Adds the dual-input DEM to a DL4J graph around a {@link DetailEnhancementModule} layer, on the native layers
     * of the HRNet graph ({@code io.hrnet4j.zoo.graph.layers}: libnd4j {@code conv2d} / {@code batchnorm} ops):
     * <pre>
     * name + ".down.0"     NativeConvolution 3x3 stride 2 pad 1, C_{i-1} → C_i, no bias, weights [out, 3, 3, in]
     *                      (input: higherRes; folds ".down.1" in output())
     * name + ".down.1"     NativeBatchNorm eps 1e-5, decay 0.9 (PyTorch running statistics)
     * name + ".add"        AddRelu without ReLU (own + name + ".down.1")
     * name + ".attention"  the given DetailEnhancementModule                           ((A(a) + 1) ⊙ a)
     * name + ".dropout"    DropoutLayer (drop probability {@code dropout}; training only) — omitted when 0
     * </pre>
     *
     * @param graph          the graph builder
     * @param name           vertex name prefix (e.g. the state_dict prefix of the module)
     * @param higherRes      name of the vertex giving F_{i-1}
     * @param own            name of the vertex giving F_i
     * @param higherChannels C_{i-1}
     * @param dem            the single-input module (its channels must be C_i or unset)
     * @param dropout        drop probability in [0, 1) (DE-HRNet choice 3: 0.1)
     * @return the name of the output vertex
     * @throws IllegalArgumentException for a dropout outside [0, 1) or a module without channels
     */
    public static String addDualInput(ComputationGraphConfiguration.GraphBuilder graph, String name, String higherRes,
                                      String own, long higherChannels, DetailEnhancementModule dem, double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("DEM '" + name + "': dropout must be in [0, 1), got " + dropout);
        }
        long channels = dem.getChannels() > 0 ? dem.getChannels() : outChannelsUnknown(name);
        String conv = name + ".down.0";
        String bn = name + ".down.1";
        String add = name + ".add";
        String att = name + ".attention";
        NativeConvolution down = new NativeConvolution(new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1)
                .nIn(higherChannels).nOut(channels).hasBias(false).convolutionMode(ConvolutionMode.Truncate)
                .activation(Activation.IDENTITY));
        down.setFoldedBatchNorm(bn);
        graph.addLayer(conv, down, higherRes);
        graph.addLayer(bn, new NativeBatchNorm(Math.toIntExact(channels), 1e-5, 0.9, false), conv);
        graph.addVertex(add, new AddRelu(false), own, bn);
        graph.addLayer(att, dem, add);
        if (dropout == 0) {
            return att;
        }
        String drop = name + ".dropout";
        graph.addLayer(drop, new DropoutLayer.Builder(1.0 - dropout).build(), att);
        return drop;
    }

    private static long outChannelsUnknown(String name) {
        throw new IllegalArgumentException("DEM '" + name + "': the dual-input form needs the module's channels "
                + "(Builder.channels(C_i)) to size the stride-2 conv");
    }

    /** @return SE or ECA */
    public Attention getAttention() {
        return attention;
    }

    /** @return the SE hidden width for {@link #getChannels()} */
    public long getHidden() {
        return hiddenWidth(getChannels(), reduction, minHidden);
    }

    /** @return the ECA kernel size in use (given or adaptive) */
    public int getEcaKernelSize() {
        return ECA.kernelSize(ecaKernelSize, getChannels());
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable,
                                  SDVariable mask) {
        return SameDiffOps.halveGradient(sd, define(sd, "", layerInput, paramTable, this));
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        if (attention == Attention.ECA) {
            ECA.defineWeight(params, getEcaKernelSize());
        } else {
            long channels = getChannels();
            long h = getHidden();
            params.addWeightParam(FC1_WEIGHT, h, channels);
            params.addBiasParam(FC1_BIAS, h);
            params.addWeightParam(FC2_WEIGHT, channels, h);
            params.addBiasParam(FC2_BIAS, channels);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        if (attention == Attention.ECA) {
            ECA.initializeWeight(params, getEcaKernelSize());
        } else {
            double b1 = 1.0 / Math.sqrt(getChannels());
            double b2 = 1.0 / Math.sqrt(getHidden());
            LayerInputs.uniform(params.get(FC1_WEIGHT), b1);
            LayerInputs.uniform(params.get(FC1_BIAS), b1);
            LayerInputs.uniform(params.get(FC2_WEIGHT), b2);
            LayerInputs.uniform(params.get(FC2_BIAS), b2);
        }
    }

    @Override
    protected String kind() {
        return "DEM";
    }

    /**
     * Builder of {@link DetailEnhancementModule}; defaults: SE, reduction 16, hidden ≥ 8, ECA k adaptive;
     * {@code channels} is optional for the single-input form and required by {@link #addDualInput}.
     */
    public static class Builder extends NchwLayer.Builder<Builder> {
        private Attention attention = Attention.SE;
        private int reduction = 16;
        private int minHidden = 8;
        private int ecaKernelSize;

        /** @param attention SE (default) or ECA @return this */
        public Builder attention(Attention attention) {
            this.attention = attention;
            return this;
        }

        /** @param reduction SE reduction ratio (default 16) @return this */
        public Builder reduction(int reduction) {
            this.reduction = reduction;
            return this;
        }

        /** @param minHidden SE hidden-width lower clamp (default 8) @return this */
        public Builder minHidden(int minHidden) {
            this.minHidden = minHidden;
            return this;
        }

        /** @param k ECA kernel size (odd), 0 = adaptive (default) @return this */
        public Builder ecaKernelSize(int k) {
            this.ecaKernelSize = k;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public DetailEnhancementModule build() {
            return new DetailEnhancementModule(this);
        }
    }
}
