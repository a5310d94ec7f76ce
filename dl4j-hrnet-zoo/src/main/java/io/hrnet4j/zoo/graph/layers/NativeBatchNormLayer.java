package io.hrnet4j.zoo.graph.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The layer of a {@link NativeBatchNorm}. Training forward: {@code moments} over axes (0, 2, 3) (biased batch
 * mean and variance), {@code batchnorm}, optional in-place ReLU; the batch statistics and the output are kept for
 * the backward pass (they live in the {@code ACTIVATIONS} workspace, open until backprop ends). Inference forward:
 * {@code batchnorm} with the running statistics. Backward: ReLU mask ({@link Relu#backward} on the kept output), then
 * {@code batchnorm_bp}, which differentiates through the batch statistics (training-mode gradient, as PyTorch);
 * the running-statistics update is returned as the gradients of {@code mean} / {@code var}, which DL4J applies with
 * its {@code NoOp} updater as {@code param -= gradient} (the mechanism of DL4J's own batch norm).
 *
 * <p>In {@code ComputationGraph.output}, a batch norm whose input comes from a {@link NativeConvolutionLayer}
 * configured to fold it ({@link NativeConvolution#getFoldedBatchNorm()}) links to that convolution on the first
 * call ({@link FoldLinks}); from then on the convolution computes this layer's inference output
 * ({@link #fold}) and this layer only copies it into its own activations workspace.
 */
public class NativeBatchNormLayer extends BatchNormalization {
    private static final long serialVersionUID = 1L;
    private static final String GAMMA = BatchNormalizationParamInitializer.GAMMA;
    private static final String BETA = BatchNormalizationParamInitializer.BETA;
    private static final String MEAN = BatchNormalizationParamInitializer.GLOBAL_MEAN;
    private static final String VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;

    private transient INDArray cachedInput;
    private transient INDArray cachedMean;
    private transient INDArray cachedVar;
    private transient INDArray cachedOutput;
    private transient NativeConvolutionLayer foldSource;

    /**
     * @param conf the layer's configuration (a {@link NativeBatchNorm})
     * @param dataType network data type
     */
    public NativeBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean relu() {
        return ((NativeBatchNorm) layerConf()).isRelu();
    }

    private long channels(INDArray x) {
        long c = layerConf().getNOut();
        if (x.rank() != 4 || x.size(1) != c) {
            throw new IllegalArgumentException("layer " + layerConf().getLayerName() + ": input must be [N, " + c
                    + ", H, W] (NCHW), got " + Arrays.toString(x.shape()));
        }
        return c;
    }

    private static INDArray vector(INDArray a, long c) {
        return a.rank() == 1 ? a : a.reshape(c);
    }

    /** @param conv the convolution that computes this layer's inference output from now on ({@link FoldLinks}) */
    void linkFoldSource(NativeConvolutionLayer conv) {
        this.foldSource = conv;
    }

    /**
     * @param training batch statistics (true) or running statistics (false)
     * @param workspaceMgr the network's workspace manager
     * @return {@code BN(x)} or {@code max(0, BN(x))}, same shape as the input {@code [N, C, H, W]}
     * @throws IllegalArgumentException if the input is not {@code [N, C, H, W]}
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!training) {
            if (foldSource == null) {
                foldSource = FoldLinks.take(input, layerConf().getLayerName());
                if (foldSource != null) {
                    foldSource.foldInto(this);
                }
            }
            if (foldSource != null && foldSource.producedFolded(input)) {
                // the convolution already computed this layer's inference output (NativeConvolutionLayer)
                clearCache();
                return workspaceMgr.dup(ArrayType.ACTIVATIONS, input);
            }
        }
        INDArray x = input.castTo(dataType);
        long c = channels(x);
        INDArray mean;
        INDArray var;
        if (training) {
            mean = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {c}, 'c');
            var = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {c}, 'c');
            Nd4j.exec(DynamicCustomOp.builder("moments").addInputs(x).addOutputs(mean, var)
                    .addIntegerArguments(0, 2, 3).build());
        } else {
            mean = vector(getParam(MEAN), c);
            var = vector(getParam(VAR), c);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        // inputs x, mean, variance, gamma, beta; tArg eps; iArgs applyScale, applyOffset, channel axis
        // (libnd4j ops/declarable/generic/nn/batchnorm.cpp)
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, mean, var, vector(getParam(GAMMA), c), vector(getParam(BETA), c)).addOutputs(out)
                .addFloatingPointArguments(layerConf().getEps()).addIntegerArguments(1, 1, 1).build());
        if (relu()) {
            Relu.inPlace(out);
        }
        if (training) {
            cachedInput = input;
            cachedMean = mean;
            cachedVar = var;
            cachedOutput = out;
        } else {
            clearCache();
        }
        return out;
    }

    /** @return whether this layer applies a ReLU after the normalisation */
    boolean reluFused() {
        return relu();
    }

    /**
     * Folds this layer's inference transform {@code y = gamma * (z - mean) / sqrt(var + eps) + beta} into the
     * convolution {@code z = W * x + b} that feeds it: {@code W' = W * s} per output channel and
     * {@code b' = beta + (b - mean) * s}, {@code s = gamma / sqrt(var + eps)}, from the current parameters. The
     * results live in the {@code FF_WORKING_MEM} workspace of the current forward step.
     *
     * @param w convolution weights {@code [C, kH, kW, in]} (output channels first)
     * @param b convolution bias ({@code C} elements) or null
     * @param workspaceMgr the network's workspace manager
     * @return {@code {W' [C, kH, kW, in], b' [C]}}
     */
    INDArray[] fold(INDArray w, INDArray b, LayerWorkspaceMgr workspaceMgr) {
        long c = layerConf().getNOut();
        INDArray mean = vector(getParam(MEAN), c);
        INDArray s = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[] {c}, 'c');
        s.assign(vector(getParam(VAR), c)).addi(layerConf().getEps());
        Transforms.sqrt(s, false).rdivi(vector(getParam(GAMMA), c));
        INDArray wf = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, w.shape(), 'c');
        Nd4j.exec(new BroadcastMulOp(w, s, wf, 0));
        INDArray bf = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[] {c}, 'c');
        if (b != null) {
            bf.assign(b.reshape(c)).subi(mean);
        } else {
            bf.assign(mean).negi();
        }
        bf.muli(s).addi(vector(getParam(BETA), c));
        return new INDArray[] {wf, bf};
    }

    private void clearCache() {
        cachedInput = null;
        cachedMean = null;
        cachedVar = null;
        cachedOutput = null;
    }

    /**
     * @param epsilon gradient of the loss at the output {@code [N, C, H, W]}
     * @param workspaceMgr the network's workspace manager
     * @return gradients of {@code gamma}, {@code beta}, and the running-statistics steps of {@code mean},
     *     {@code var}; the gradient at the input {@code [N, C, H, W]}
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (cachedInput != input) {
            // backprop without a training forward pass on this input (e.g. after activate(false)): recompute
            activate(true, workspaceMgr);
        }
        INDArray x = input.castTo(dataType);
        long c = channels(x);
        INDArray eps = epsilon.castTo(dataType);
        if (relu()) {
            INDArray masked = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, eps.shape(), 'c');
            Relu.backward(cachedOutput, eps, masked);
            eps = masked;
        }
        INDArray gradIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray dGamma = vector(gradientViews.get(GAMMA), c);
        INDArray dBeta = vector(gradientViews.get(BETA), c);
        INDArray dMean = Nd4j.createUninitialized(dataType, c);
        INDArray dVar = Nd4j.createUninitialized(dataType, c);
        Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(x, cachedMean, cachedVar, vector(getParam(GAMMA), c), vector(getParam(BETA), c), eps)
                .addOutputs(gradIn, dMean, dVar, dGamma, dBeta)
                .addFloatingPointArguments(layerConf().getEps()).addIntegerArguments(1, 1, 1).build());
        if (dGamma != gradientViews.get(GAMMA)) {
            gradientViews.get(GAMMA).assign(dGamma.reshape(gradientViews.get(GAMMA).shape()));
            gradientViews.get(BETA).assign(dBeta.reshape(gradientViews.get(BETA).shape()));
        }
        // running statistics, PyTorch: new = decay * old + (1 - decay) * batch, unbiased batch variance;
        // as a gradient for param -= gradient: (old - batch) * (1 - decay)
        double decay = layerConf().getDecay();
        double n = (double) x.length() / c;
        INDArray globalMean = vector(getParam(MEAN), c);
        INDArray globalVar = vector(getParam(VAR), c);
        INDArray gMean = gradientViews.get(MEAN);
        INDArray gVar = gradientViews.get(VAR);
        gMean.assign(globalMean.sub(cachedMean).muli(1 - decay).reshape(gMean.shape()));
        gVar.assign(globalVar.sub(cachedVar.mul(n / Math.max(1.0, n - 1))).muli(1 - decay).reshape(gVar.shape()));
        Gradient g = new DefaultGradient();
        g.setGradientFor(GAMMA, gradientViews.get(GAMMA));
        g.setGradientFor(BETA, gradientViews.get(BETA));
        g.setGradientFor(MEAN, gMean);
        g.setGradientFor(VAR, gVar);
        clearCache();
        return new Pair<>(g, gradIn);
    }
}
