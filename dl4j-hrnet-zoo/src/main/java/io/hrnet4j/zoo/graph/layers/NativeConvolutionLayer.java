package io.hrnet4j.zoo.graph.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer of a {@link NativeConvolution}: forward {@code conv2d}, backward {@code conv2d_bp} (libnd4j ops, oneDNN
 * on CPU), NCHW activations, weights {@code [out, kH, kW, in]} (weight format 2). Output
 * {@code [N, out, (H + 2p - k) / s + 1, (W + 2p - k) / s + 1]} is allocated in the {@code ACTIVATIONS} workspace,
 * the input gradient in {@code ACTIVATION_GRAD}; the weight and bias gradients are written straight into the
 * network's flattened gradient views.
 *
 * <p>Inference folding: once the {@link NativeBatchNormLayer} named by {@link NativeConvolution#getFoldedBatchNorm()}
 * has found this layer (the first {@code output()} call, by the identity of the array it reads), each later
 * {@code ComputationGraph.output} forward computes {@code BN(conv(x))} (and the batch norm's ReLU) in one
 * {@code conv2d} with {@code W' = W * s} per output channel and bias {@code b' = beta + (b - mean) * s},
 * {@code s = gamma / sqrt(var + eps)} (the folding of the official {@code pose_hrnet.py} modules' eval-mode
 * {@code BatchNorm2d}), refolded from the current parameters at every call (no cache to go stale). Folding applies
 * only in that path: not in training, not in {@code feedForward} (every vertex's exact activation) and not when
 * this vertex's own output is requested (its activations are then outside workspaces).
 */
public class NativeConvolutionLayer extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;
    /** Prefix of the per-vertex activation workspaces of {@code ComputationGraph.outputOfLayersDetached}. */
    private static final String OUTPUT_WORKSPACE_PREFIX = "WS_LAYER_ACT_";

    private transient NativeBatchNormLayer foldTarget;
    private transient INDArray lastOutput;
    private transient boolean lastFolded;

    /**
     * @param conf the layer's configuration (a {@link NativeConvolution})
     * @param dataType network data type
     */
    public NativeConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private long[] checkedInputShape(INDArray x) {
        if (x.rank() != 4 || x.size(1) != layerConf().getNIn()) {
            throw new IllegalArgumentException("layer " + layerConf().getLayerName() + ": input must be [N, "
                    + layerConf().getNIn() + ", H, W] (NCHW), got " + Arrays.toString(x.shape()));
        }
        return x.shape();
    }

    private int[] intArgs() {
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int[] p = layerConf().getPadding();
        // kH, kW, sH, sW, pH, pW, dH, dW, same-mode (0 = explicit padding), data format (0 = NCHW), weight format
        // (2 = [oC, kH, kW, iC]); libnd4j ops/declarable/generic/nn/convo/conv2d.cpp
        return new int[] {k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, 0, 0, 2};
    }

    /**
     * @param training whether in training mode (the op is the same; input dropout, if configured, applies)
     * @param workspaceMgr the network's workspace manager
     * @return the convolution output {@code [N, out, oH, oW]}
     * @throws IllegalArgumentException if the input is not {@code [N, in, H, W]}
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = input.castTo(dataType);
        long[] in = checkedInputShape(x);
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int[] p = layerConf().getPadding();
        long oH = (in[2] + 2L * p[0] - k[0]) / s[0] + 1;
        long oW = (in[3] + 2L * p[1] - k[1]) / s[1] + 1;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {in[0], layerConf().getNOut(), oH, oW}, 'c');
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray b = layerConf().hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null;
        boolean foldable = !training && inOutputWorkspace(workspaceMgr)
                && ((NativeConvolution) layerConf()).getFoldedBatchNorm() != null;
        boolean fold = foldable && foldTarget != null;
        if (fold) {
            INDArray[] folded = foldTarget.fold(w, b, workspaceMgr);
            w = folded[0];
            b = folded[1];
        }
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d");
        if (b != null) {
            op.addInputs(x, w, b);
        } else {
            op.addInputs(x, w);
        }
        Nd4j.exec(op.addOutputs(out).addIntegerArguments(intArgs()).build());
        if (fold && foldTarget.reluFused()) {
            Relu.inPlace(out);
        }
        // only workspace-backed outputs are remembered (an identity token for the batch norm, never read again)
        lastOutput = foldable ? out : null;
        lastFolded = fold;
        if (foldable && foldTarget == null) {
            FoldLinks.offer(this);
        }
        return out;
    }

    private static boolean inOutputWorkspace(LayerWorkspaceMgr workspaceMgr) {
        if (workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS) || !workspaceMgr.hasConfiguration(ArrayType.ACTIVATIONS)) {
            return false;
        }
        String ws = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATIONS);
        return ws != null && ws.startsWith(OUTPUT_WORKSPACE_PREFIX);
    }

    /**
     * @return whether this layer has been linked to the batch norm it folds at inference (after the first
     *     {@code output()} call of a graph whose configuration asks for it)
     */
    public boolean isFoldingBatchNorm() {
        return foldTarget != null;
    }

    /**
     * @param bn the batch norm that reads this layer's output and folds its inference into it from now on
     */
    void foldInto(NativeBatchNormLayer bn) {
        this.foldTarget = bn;
    }

    /**
     * @param x an array a batch norm received as input
     * @param bnName that batch norm's vertex name
     * @return whether {@code x} is this layer's last output, made in {@code output()}, and that batch norm is the one
     *     this convolution's configuration folds
     */
    boolean produced(INDArray x, String bnName) {
        return x == lastOutput && bnName.equals(((NativeConvolution) layerConf()).getFoldedBatchNorm());
    }

    /**
     * @param x an array a batch norm received as input
     * @return whether {@code x} is this layer's last output and already holds {@code BN(conv(x))}
     */
    boolean producedFolded(INDArray x) {
        return lastFolded && x == lastOutput;
    }

    /**
     * @param epsilon gradient of the loss at the output, {@code [N, out, oH, oW]}
     * @param workspaceMgr the network's workspace manager
     * @return the parameter gradients ({@code b}, {@code W}) and the gradient at the input {@code [N, in, H, W]}
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        lastOutput = null;
        lastFolded = false;
        INDArray x = input.castTo(dataType);
        long[] in = checkedInputShape(x);
        INDArray eps = epsilon.castTo(dataType);
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, in, 'c');
        INDArray gradW = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray gradB = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d_bp");
        if (layerConf().hasBias()) {
            op.addInputs(x, w, getParam(ConvolutionParamInitializer.BIAS_KEY), eps).addOutputs(gradIn, gradW, gradB);
        } else {
            op.addInputs(x, w, eps).addOutputs(gradIn, gradW);
        }
        Nd4j.exec(op.addIntegerArguments(intArgs()).build());
        Gradient g = new DefaultGradient();
        if (layerConf().hasBias()) {
            g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(gradIn));
    }
}
