package io.hrnet4j.zoo.graph.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a PyTorch {@code BatchNorm2d} (NCHW, eps, momentum {@code 1 - decay}) with an optional fused
 * ReLU, whose passes are libnd4j's {@code moments} / {@code batchnorm} / {@code batchnorm_bp} ops (oneDNN on CPU)
 * rather than DL4J M2.1's broadcast arithmetic. Parameters are DL4J's ({@code gamma}, {@code beta}, {@code mean},
 * {@code var}, each {@code [C]}, variance stored as such: {@code useLogStd = false}). Running statistics follow
 * PyTorch ({@code torch.nn.functional.batch_norm}, training mode): {@code mean = decay * mean + (1 - decay) *
 * batchMean}, {@code var = decay * var + (1 - decay) * batchVar * n / (n - 1)} with {@code n = N * H * W} (unbiased),
 * while normalisation uses the biased batch variance. With {@link #isRelu()} the layer outputs
 * {@code max(0, BN(x))}: one graph vertex instead of two, the ReLU having no parameters (and so no state-dict key).
 */
public class NativeBatchNorm extends BatchNormalization {
    private static final long serialVersionUID = 1L;

    private boolean relu;

    /** For JSON deserialisation; DL4J's defaults. */
    public NativeBatchNorm() {
        super();
    }

    /**
     * @param channels C
     * @param eps added to the variance (PyTorch default 1e-5)
     * @param decay running-statistics decay, {@code 1 - momentum} (PyTorch momentum 0.1 = decay 0.9)
     * @param relu whether a ReLU follows, fused into this layer
     * @throws IllegalArgumentException if channels &lt; 1, eps &lt;= 0 or decay is outside [0, 1]
     */
    public NativeBatchNorm(int channels, double eps, double decay, boolean relu) {
        super();
        if (channels < 1 || !(eps > 0) || !(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("batch norm needs channels >= 1, eps > 0, decay in [0, 1]; got "
                    + channels + ", " + eps + ", " + decay);
        }
        setNIn(channels);
        setNOut(channels);
        setEps(eps);
        setDecay(decay);
        setUseLogStd(false);
        this.relu = relu;
    }

    /** @return whether the output is {@code max(0, BN(x))} */
    public boolean isRelu() {
        return relu;
    }

    /** @param relu whether the output is {@code max(0, BN(x))} */
    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        if (isUseLogStd() || isLockGammaBeta()) {
            throw new IllegalStateException("layer " + getLayerName() + ": NativeBatchNorm stores the variance "
                    + "(useLogStd false) and learns gamma and beta (lockGammaBeta false)");
        }
        return LayerWiring.wire(new NativeBatchNormLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof NativeBatchNorm b && b.relu == relu;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(relu);
    }
}
