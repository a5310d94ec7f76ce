package io.hrnet4j.zoo.graph.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a 2-D convolution with PyTorch semantics (square kernel, stride s, symmetric padding p,
 * {@link ConvolutionMode#Truncate}, NCHW activations, identity activation) whose forward and backward passes are
 * libnd4j's {@code conv2d} / {@code conv2d_bp} ops (oneDNN on CPU, cuDNN on CUDA) instead of DL4J M2.1's own
 * im2col + gemm path. The weight {@code W} is stored {@code [out, kH, kW, in]} (libnd4j weight format 2, "OHWI"),
 * the layout in which oneDNN runs fastest; the element count, and so every parameter count, is that of DL4J's
 * {@code [out, in, kH, kW]}. Bias {@code b} is {@code [1, out]} as in DL4J. Serialises to JSON (class name + the
 * fields of {@link ConvolutionLayer}), so {@code ModelSerializer} and {@code TransferLearning} work unchanged.
 *
 * <p>Inference folding ({@link #getFoldedBatchNorm()}): when this convolution's only reader is a
 * {@link NativeBatchNorm}, {@code ComputationGraph.output} (not training, activations in workspaces) computes
 * {@code BN(conv(x))} (with the batch norm's ReLU) as one {@code conv2d} on weights and bias folded from the batch
 * norm's running statistics at each call, and the batch norm passes it on; see {@link NativeConvolutionLayer}.
 */
public class NativeConvolution extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    private String foldedBatchNorm;

    /** For JSON deserialisation. */
    public NativeConvolution() {
        super();
    }

    /**
     * @param builder a DL4J convolution builder (kernel, stride, padding, nIn, nOut, bias, weight init, name);
     *     validated by its own {@code build()} first
     * @throws IllegalArgumentException if the builder asks for anything but 2-D NCHW, dilation 1, Truncate mode
     *     and identity activation
     */
    public NativeConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
        ConvolutionLayer check = builder.build();
        if (check.getConvolutionMode() != ConvolutionMode.Truncate
                || check.getCnn2dDataFormat() != CNN2DFormat.NCHW
                || check.getDilation()[0] != 1 || check.getDilation()[1] != 1
                || !(check.getActivationFn() instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("NativeConvolution takes Truncate mode, NCHW, dilation 1 and identity"
                    + " activation; got " + check.getConvolutionMode() + ", " + check.getCnn2dDataFormat()
                    + ", dilation " + java.util.Arrays.toString(check.getDilation()) + ", " + check.getActivationFn());
        }
    }

    /**
     * @return the name of the batch-norm vertex that is this convolution's only reader and whose inference is
     *     folded into it, or null (no folding)
     */
    public String getFoldedBatchNorm() {
        return foldedBatchNorm;
    }

    /**
     * Links, in an initialised graph, every convolution configured to fold its batch norm at inference
     * ({@link #getFoldedBatchNorm()}) to that batch-norm layer, so that every {@code output()} call, the first
     * included, runs the folded conv + BN (+ ReLU). {@code HRNet.init()} calls it; call it after
     * {@code ModelSerializer.restoreComputationGraph} or {@code TransferLearning} too (otherwise the graph links
     * itself during its first {@code output()} call, which then runs unfolded and differs from later calls by float
     * rounding, at most ~2e-4 on the official tiny model).
     *
     * @param graph an initialised graph
     * @return the number of convolutions linked
     */
    public static int linkFolding(org.deeplearning4j.nn.graph.ComputationGraph graph) {
        return FoldLinks.linkAll(graph);
    }

    /**
     * Marks the batch norm whose inference transform is folded into this convolution in {@code output()}. Only
     * valid while that batch norm is the only vertex reading this convolution: a graph edit that adds another
     * reader (e.g. {@code TransferLearning.GraphBuilder.addLayer(name, layer, thisConv)}) must set it back to null,
     * or that reader would see {@code BN(conv(x))} at inference.
     *
     * @param name the batch-norm vertex name, or null for no folding
     */
    public void setFoldedBatchNorm(String name) {
        this.foldedBatchNorm = name;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof NativeConvolution c
                && java.util.Objects.equals(c.foldedBatchNorm, foldedBatchNorm);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + java.util.Objects.hashCode(foldedBatchNorm);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return LayerWiring.wire(new NativeConvolutionLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** @return the OHWI initializer ({@link OhwiConvolutionParamInitializer}) */
    @Override
    public ParamInitializer initializer() {
        return OhwiConvolutionParamInitializer.getInstance();
    }
}
