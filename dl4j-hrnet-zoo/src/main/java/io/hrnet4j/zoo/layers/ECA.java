package io.hrnet4j.zoo.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ECA, efficient channel attention (Wang et al., "ECA-Net", CVPR 2020):
 * {@code y = x * sigmoid(conv1d_k(GAP(x)))}, the 1D convolution running along the channel axis with one input and
 * one output channel, kernel {@code k}, zero padding {@code (k-1)/2}, no bias, PyTorch cross-correlation
 * convention {@code a_c = Σ_t w_t · z_{c+t-(k-1)/2}} (so for k = 3, {@code a_c = w0·z_{c-1} + w1·z_c + w2·z_{c+1}}).
 * <p>
 * Input and output {@code [N, C, H, W]} (NCHW, any H and W). One parameter, {@code conv.weight} of PyTorch shape
 * {@code [1, 1, k]} (the state_dict key of an {@code nn.Conv1d(1, 1, k, bias=False)} named {@code conv}); its
 * default initialisation is PyTorch's Conv1d default, uniform in {@code ±1/sqrt(k)}.
 * {@code k} is adaptive by default (ECA-Net eq. 12 with γ = 2, b = 1): see {@link #adaptiveKernelSize(long)}.
 * <p>
 * The 1D convolution is computed as a product of {@code k} shifted copies of the pooled vector with the kernel
 * (exact, differentiable with stock ops). Checked against shared/oracle {@code eca_*} (README section 5).
 */
public class ECA extends NchwLayer {
    /** Parameter key (PyTorch state_dict naming). */
    public static final String WEIGHT = "conv.weight";

    private int kernelSize;

    /** For JSON deserialisation only. */
    protected ECA() {
    }

    protected ECA(Builder b) {
        super(b);
        this.kernelSize = checkKernelSize(b.kernelSize, "ECA");
    }

    /**
     * @param kernelSize a configured kernel size, 0 = adaptive
     * @param kind       the layer kind for the message ({@code "ECA"}, {@code "DEM ECA"})
     * @return {@code kernelSize}
     * @throws IllegalArgumentException when it is neither 0 nor a positive odd number
     */
    static int checkKernelSize(int kernelSize, String kind) {
        if (kernelSize != 0 && (kernelSize < 1 || kernelSize % 2 == 0)) {
            throw new IllegalArgumentException(kind + " kernel size must be a positive odd number, got " + kernelSize);
        }
        return kernelSize;
    }

    /**
     * @param kernelSize a configured kernel size, 0 = adaptive
     * @param channels   C
     * @return {@code kernelSize} when given, else {@link #adaptiveKernelSize(long) adaptiveKernelSize(channels)}
     */
    static int kernelSize(int kernelSize, long channels) {
        return kernelSize != 0 ? kernelSize : adaptiveKernelSize(channels);
    }

    /** Declares {@link #WEIGHT} {@code [1, 1, k]} (shared by ECA and the DEM's ECA attention). */
    static void defineWeight(SDLayerParams params, int kernelSize) {
        params.addWeightParam(WEIGHT, 1, 1, kernelSize);
    }

    /** Fills {@link #WEIGHT} with PyTorch's Conv1d default, U(±1/sqrt(k)) (shared by ECA and the DEM). */
    static void initializeWeight(Map<String, INDArray> params, int kernelSize) {
        LayerInputs.uniform(params.get(WEIGHT), 1.0 / Math.sqrt(kernelSize));
    }

    /**
     * Adaptive ECA kernel size {@code t = int(|(log2(C) + 1) / 2|)}, {@code k = t} if odd else {@code t + 1}
     * (ECA-Net eq. 12, γ = 2, b = 1: C 32..96 → 3, 128..384 → 5).
     *
     * @param channels number of channels C, at least 1
     * @return the odd kernel size
     * @throws IllegalArgumentException if {@code channels < 1}
     */
    public static int adaptiveKernelSize(long channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("ECA channels must be >= 1, got " + channels);
        }
        int t = (int) Math.abs((Math.log(channels) / Math.log(2) + 1.0) / 2.0);
        return t % 2 == 1 ? t : t + 1;
    }

    /**
     * @param kernelSize ECA kernel size k
     * @return trainable parameters of one ECA module: {@code k} (no bias)
     */
    public static long numParams(int kernelSize) {
        return kernelSize;
    }

    /**
     * Multiply-adds of one ECA module at batch 1: the 1D convolution ({@code C·k}) plus the gating product
     * ({@code C·H·W}); the pooling sum ({@code C·H·W} additions) is not counted.
     *
     * @param channels   C
     * @param kernelSize k
     * @param height     H
     * @param width      W
     * @return multiply-adds
     */
    public static long macs(long channels, int kernelSize, long height, long width) {
        return channels * kernelSize + channels * height * width;
    }

    /** @return the kernel size in use: the given one, or the adaptive one for {@link #getChannels()} */
    public int getKernelSize() {
        return kernelSize(kernelSize, getChannels());
    }

    /**
     * ECA gate as a SameDiff subgraph: {@code sigmoid(conv1d_k(GAP(x)))}.
     *
     * @param sd         SameDiff instance
     * @param namePrefix prefix for the gate variable's name (e.g. {@code "stage2.dem.0."}); the gate is named
     *                   {@code namePrefix + "gate"}
     * @param x          input {@code [N, C, H, W]}
     * @param weight     {@code conv.weight}, {@code [1, 1, k]}
     * @param channels   C
     * @param kernelSize k (odd)
     * @return the gate {@code [N, C]} with values in (0, 1)
     */
    public static SDVariable defineGate(SameDiff sd, String namePrefix, SDVariable x, SDVariable weight, long channels,
                                        int kernelSize) {
        int pad = (kernelSize - 1) / 2;
        SDVariable z = SameDiffOps.globalAveragePool(x);
        SDVariable zp = z;
        if (pad > 0) {
            INDArray paddings = Nd4j.createFromArray(new int[][] {{0, 0}, {pad, pad}});
            zp = sd.nn().pad(z, sd.constant(paddings), 0.0);
        }
        SDVariable[] shifted = new SDVariable[kernelSize];
        for (int t = 0; t < kernelSize; t++) {
            shifted[t] = SameDiffOps.slice(zp, 2, 1, t, t + channels);
        }
        SDVariable stacked = kernelSize == 1 ? shifted[0].reshape(-1, 1) : sd.stack(2, shifted).reshape(-1, kernelSize);
        SDVariable a = stacked.mmul(weight.reshape(kernelSize, 1)).reshape(-1, channels);
        return sd.nn().sigmoid(namePrefix + "gate", a);
    }

    /**
     * ECA as a SameDiff subgraph (no gradient correction: for pure SameDiff networks).
     *
     * @param sd         SameDiff instance
     * @param namePrefix prefix of the names of the created variables
     * @param x          input {@code [N, C, H, W]}
     * @param weight     {@code conv.weight}, {@code [1, 1, k]}
     * @param channels   C
     * @param kernelSize k (odd)
     * @return {@code x * gate}, {@code [N, C, H, W]}
     */
    public static SDVariable define(SameDiff sd, String namePrefix, SDVariable x, SDVariable weight, long channels,
                                    int kernelSize) {
        SDVariable gate = defineGate(sd, namePrefix, x, weight, channels, kernelSize);
        return x.mul(gate.reshape(-1, channels, 1, 1));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable,
                                  SDVariable mask) {
        SDVariable out = define(sd, "", layerInput, paramTable.get(WEIGHT), getChannels(), getKernelSize());
        return SameDiffOps.halveGradient(sd, out);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        defineWeight(params, getKernelSize());
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        initializeWeight(params, getKernelSize());
    }

    @Override
    protected String kind() {
        return "ECA";
    }

    /** Builder of {@link ECA}; {@code channels} is optional (taken from the input type). */
    public static class Builder extends NchwLayer.Builder<Builder> {
        private int kernelSize;

        /**
         * @param kernelSize odd kernel size; 0 (default) = adaptive from C ({@link #adaptiveKernelSize(long)})
         * @return this
         */
        public Builder kernelSize(int kernelSize) {
            this.kernelSize = kernelSize;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ECA build() {
            return new ECA(this);
        }
    }
}
