package io.hrnet4j.zoo.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.graph.layers.AddRelu;
import io.hrnet4j.zoo.graph.layers.NativeBatchNorm;
import io.hrnet4j.zoo.graph.layers.NativeConvolution;
import io.hrnet4j.zoo.graph.layers.NativeConvolutionLayer;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The native layers ({@link NativeConvolution}, {@link NativeBatchNorm} with fused ReLU, {@link AddRelu}) compute
 * the same loss and the same gradients as DL4J's stock layers on a small residual graph (conv-BN-ReLU, conv-BN,
 * a strided conv-BN shortcut, sum + ReLU, conv with bias, MSE), in double precision (libnd4j's generic kernels) and
 * in float (oneDNN); the running statistics follow PyTorch; the HRNet graph survives {@code TransferLearning}.
 */
class NativeLayersTest {

    private static ConvolutionLayer.Builder conv(int in, int out, int k, int s, boolean bias) {
        return new ConvolutionLayer.Builder(k, k).stride(s, s).padding((k - 1) / 2, (k - 1) / 2)
                .convolutionMode(ConvolutionMode.Truncate).nIn(in).nOut(out).hasBias(bias)
                .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER);
    }

    /** The residual test graph, with DL4J's stock layers or with the native ones. */
    static ComputationGraph graph(boolean nativeLayers, DataType dt) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().dataType(dt).seed(42)
                .updater(new NoOp()).trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 6, 4));
        String[][] convs = {{"c1", "in"}, {"c2", "b1"}, {"c3", "in"}, {"final", "sum"}};
        int[][] shapes = {{4, 6, 3, 2, 0}, {6, 6, 3, 1, 0}, {4, 6, 1, 2, 0}, {6, 3, 1, 1, 1}};
        for (int i = 0; i < convs.length; i++) {
            int[] s = shapes[i];
            ConvolutionLayer.Builder cb = conv(s[0], s[1], s[2], s[3], s[4] == 1);
            b.addLayer(convs[i][0], nativeLayers ? new NativeConvolution(cb) : cb.build(), convs[i][1]);
        }
        String[][] bns = {{"b1", "c1"}, {"b2", "c2"}, {"b3", "c3"}};
        for (String[] bn : bns) {
            boolean relu = bn[0].equals("b1");
            if (nativeLayers) {
                b.addLayer(bn[0], new NativeBatchNorm(6, 1e-5, 0.9, relu), bn[1]);
            } else {
                b.addLayer(relu ? "b1.pre" : bn[0], new BatchNormalization.Builder().nIn(6).nOut(6).eps(1e-5)
                        .decay(0.9).useLogStd(false).build(), bn[1]);
                if (relu) {
                    b.addLayer(bn[0], new ActivationLayer.Builder().activation(Activation.RELU).build(), "b1.pre");
                }
            }
        }
        if (nativeLayers) {
            b.addVertex("sum", new AddRelu(true), "b2", "b3");
        } else {
            b.addVertex("sum.pre", new ElementWiseVertex(ElementWiseVertex.Op.Add), "b2", "b3");
            b.addLayer("sum", new ActivationLayer.Builder().activation(Activation.RELU).build(), "sum.pre");
        }
        b.addLayer("out", new CnnLossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build(), "final");
        ComputationGraph g = new ComputationGraph(b.setOutputs("out").build());
        g.init();
        return g;
    }

    private static String stockName(String layer) {
        return layer.equals("b1") ? "b1.pre" : layer;
    }

    /** Copies the stock graph's parameters (random BN parameters and statistics) into the native graph. */
    static void copy(ComputationGraph stock, ComputationGraph nat) {
        Nd4j.getRandom().setSeed(3);
        for (String bn : new String[] {"b1", "b2", "b3"}) {
            Map<String, INDArray> p = stock.getLayer(stockName(bn)).paramTable();
            DataType dt = p.get("gamma").dataType();
            p.get("gamma").assign(Nd4j.rand(dt, 6).addi(0.5));
            p.get("beta").assign(Nd4j.randn(dt, 6).muli(0.3));
            p.get("mean").assign(Nd4j.randn(dt, 6).muli(0.2));
            p.get("var").assign(Nd4j.rand(dt, 6).addi(0.5));
        }
        for (String layer : new String[] {"c1", "c2", "c3", "final", "b1", "b2", "b3"}) {
            Map<String, INDArray> from = stock.getLayer(stockName(layer)).paramTable();
            for (Map.Entry<String, INDArray> e : nat.getLayer(layer).paramTable().entrySet()) {
                INDArray src = from.get(e.getKey());
                INDArray dst = GraphWeights.isOhwi(nat.getLayer(layer), e.getKey()) ? e.getValue().permute(0, 3, 1, 2)
                        : e.getValue();
                dst.assign(src.reshape(dst.shape()));
            }
        }
    }

    static DataSet batch(DataType dt) {
        Nd4j.getRandom().setSeed(9);
        return new DataSet(Nd4j.randn(dt, 3, 4, 8, 6), Nd4j.randn(dt, 3, 3, 4, 3));
    }

    private static void assertSameLossAndGradients(DataType dt, double tol) {
        ComputationGraph stock = graph(false, dt);
        ComputationGraph nat = graph(true, dt);
        copy(stock, nat);
        DataSet ds = batch(dt);
        // inference outputs agree
        INDArray a = stock.outputSingle(false, ds.getFeatures());
        INDArray b = nat.outputSingle(false, ds.getFeatures());
        assertThat(b.shape()).containsExactly(3, 3, 4, 3);
        assertThat(a.sub(b).amaxNumber().doubleValue()).isLessThan(tol * a.amaxNumber().doubleValue());
        for (ComputationGraph g : new ComputationGraph[] {stock, nat}) {
            g.setInputs(ds.getFeatures());
            g.setLabels(ds.getLabels());
            g.computeGradientAndScore();
        }
        assertThat(nat.score()).isCloseTo(stock.score(), org.assertj.core.api.Assertions.within(tol * stock.score()));
        Map<String, INDArray> gs = stock.gradient().gradientForVariable();
        Map<String, INDArray> gn = nat.gradient().gradientForVariable();
        for (String layer : new String[] {"c1", "c2", "c3", "final", "b1", "b2", "b3"}) {
            for (String p : nat.getLayer(layer).paramTable().keySet()) {
                if (p.equals("mean") || p.equals("var")) {
                    continue; // running-statistics steps, not gradients: see runningStatisticsFollowPyTorch
                }
                INDArray expected = gs.get(stockName(layer) + "_" + p);
                INDArray actual = gn.get(layer + "_" + p);
                if (GraphWeights.isOhwi(nat.getLayer(layer), p)) {
                    actual = actual.permute(0, 3, 1, 2);
                }
                double scale = Math.max(1e-6, expected.amaxNumber().doubleValue());
                assertThat(actual.reshape(expected.shape()).sub(expected).amaxNumber().doubleValue() / scale)
                        .as(layer + "_" + p).isLessThan(tol);
            }
        }
    }

    @Test
    void gradientsEqualStockLayersInDouble() {
        assertSameLossAndGradients(DataType.DOUBLE, 1e-7);
    }

    @Test
    void gradientsEqualStockLayersInFloatOnOneDnn() {
        assertSameLossAndGradients(DataType.FLOAT, 2e-4);
    }

    /** PyTorch BatchNorm2d, training: running = 0.9 * running + 0.1 * batch, unbiased batch variance. */
    @Test
    void runningStatisticsFollowPyTorch() {
        ComputationGraph stock = graph(false, DataType.DOUBLE);
        ComputationGraph nat = graph(true, DataType.DOUBLE);
        copy(stock, nat);
        DataSet ds = batch(DataType.DOUBLE);
        INDArray c1 = nat.feedForward(ds.getFeatures(), false).get("c1");
        INDArray batchMean = c1.mean(0, 2, 3);
        double n = c1.length() / 6.0;
        INDArray unbiased = c1.var(false, 0, 2, 3).muli(n / (n - 1));
        INDArray mean0 = nat.getLayer("b1").getParam("mean").dup();
        INDArray var0 = nat.getLayer("b1").getParam("var").dup();
        nat.fit(ds);
        INDArray mean1 = nat.getLayer("b1").getParam("mean");
        INDArray var1 = nat.getLayer("b1").getParam("var");
        assertThat(mean1.sub(mean0.mul(0.9).add(batchMean.mul(0.1))).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(var1.sub(var0.mul(0.9).add(unbiased.mul(0.1))).amaxNumber().doubleValue()).isLessThan(1e-12);
    }

    /** The same on the HRNet graph with the official tiny weights: {@code bn1} after one {@code fit}. */
    @Test
    void hrnetGraphUpdatesRunningStatisticsAsPyTorch() throws Exception {
        HRNetConfig cfg = TinyConfigs.tiny();
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        ComputationGraph g = new HRNet.Builder().config(cfg).build().init();
        GraphWeights.load(cfg, g, weights);
        INDArray conv1 = g.feedForward(x, false).get("conv1");
        INDArray batchMean = conv1.mean(0, 2, 3);
        double n = conv1.length() / 64.0;
        INDArray unbiased = conv1.var(false, 0, 2, 3).muli(n / (n - 1));
        Nd4j.getRandom().setSeed(7);
        g.fit(new DataSet(x, Nd4j.rand(DataType.FLOAT, 2, 17, 32, 24), null, Nd4j.ones(DataType.FLOAT, 2, 17, 32, 24)));
        Map<String, INDArray> after = GraphWeights.stateDict(cfg, g);
        INDArray expMean = weights.get("bn1.running_mean").mul(0.9).add(batchMean.mul(0.1));
        INDArray expVar = weights.get("bn1.running_var").mul(0.9).add(unbiased.mul(0.1));
        assertThat(after.get("bn1.running_mean").sub(expMean).amaxNumber().doubleValue()).isLessThan(1e-5);
        assertThat(after.get("bn1.running_var").sub(expVar).amaxNumber().doubleValue()).isLessThan(1e-4);
    }

    @Test
    void hrnetGraphUsesNativeVerticesWithOfficialNames() {
        HRNetConfig cfg = TinyConfigs.tiny();
        ComputationGraph g = new HRNet.Builder().config(cfg).build().init();
        ComputationGraphConfiguration conf = g.getConfiguration();
        assertThat(conf.getVertices()).containsKeys("conv1", "bn1", "layer1.0.bn2", "final_layer");
        // ReLUs are fused: no vertex for them
        assertThat(conf.getVertices()).doesNotContainKeys("relu.1", "relu.2");
        assertThat(g.getLayer("conv1").conf().getLayer()).isInstanceOf(NativeConvolution.class);
        assertThat(((NativeBatchNorm) g.getLayer("bn1").conf().getLayer()).isRelu()).isTrue();
        assertThat(((NativeBatchNorm) g.getLayer("layer1.0.downsample.1").conf().getLayer()).isRelu()).isFalse();
        assertThat(g.getConfiguration().getVertices().values().stream()
                .filter(v -> v.toString().contains("ActivationLayer")).count()).isZero();
        assertThat(g.getLayer("conv1").getParam("W").shape()).containsExactly(64, 3, 3, 3);
        // a convolution read only by a batch norm folds it at inference; final_layer has no batch norm
        assertThat(((NativeConvolution) g.getLayer("conv1").conf().getLayer()).getFoldedBatchNorm()).isEqualTo("bn1");
        assertThat(((NativeConvolution) g.getLayer("layer1.0.downsample.0").conf().getLayer()).getFoldedBatchNorm())
                .isEqualTo("layer1.0.downsample.1");
        assertThat(((NativeConvolution) g.getLayer("final_layer").conf().getLayer()).getFoldedBatchNorm()).isNull();
        // the JSON form is read back to the same configuration
        assertThat(ComputationGraphConfiguration.fromJson(conf.toJson())).isEqualTo(conf);
    }

    /**
     * Inference folding: {@code HRNet.init()} links every convolution to the batch norm it feeds, so every
     * {@code output()} call, the first included, runs conv+BN(+ReLU) as one folded convolution and reproduces the
     * official output; a graph built without {@code init()} (e.g. restored) links itself during its first
     * {@code output()}, which runs unfolded; parameters changed in place afterwards are followed (refolded at each
     * call); {@code feedForward} keeps each vertex's exact activation.
     */
    @Test
    void foldedInferenceReproducesTheOfficialOutputAndFollowsParameterChanges() throws Exception {
        HRNetConfig cfg = TinyConfigs.tiny();
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        INDArray expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
        ComputationGraph g = new HRNet.Builder().config(cfg).build().init();
        GraphWeights.load(cfg, g, weights);
        NativeConvolutionLayer conv1 = (NativeConvolutionLayer) g.getLayer("conv1");
        assertThat(conv1.isFoldingBatchNorm()).isTrue();
        assertThat(((NativeConvolutionLayer) g.getLayer("stage2.0.fuse_layers.0.1.0")).isFoldingBatchNorm()).isTrue();
        INDArray first = g.outputSingle(x);
        INDArray folded = g.outputSingle(x);
        assertThat(folded).isEqualTo(first); // the same folded computation at every call
        assertThat(folded.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        // a graph not linked by init(): its first output() runs unfolded and links it
        ComputationGraph fresh = new ComputationGraph(g.getConfiguration().clone());
        fresh.init();
        GraphWeights.load(cfg, fresh, weights);
        assertThat(((NativeConvolutionLayer) fresh.getLayer("conv1")).isFoldingBatchNorm()).isFalse();
        // feedForward: the convolution's own output, not BN(conv)
        INDArray exact = fresh.feedForward(x, false).get("conv1");
        assertThat(g.feedForward(x, false).get("conv1").sub(exact).amaxNumber().doubleValue()).isLessThan(1e-6);
        INDArray unfolded = fresh.outputSingle(x);
        assertThat(((NativeConvolutionLayer) fresh.getLayer("conv1")).isFoldingBatchNorm()).isTrue();
        // float rounding of W * s against BN(W x): the oracle's tolerance (output std 5.48)
        assertThat(folded.sub(unfolded).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        // new statistics written in place after linking: the folded output follows them
        Map<String, INDArray> changed = new java.util.HashMap<>(weights);
        changed.put("bn1.running_mean", weights.get("bn1.running_mean").add(0.3));
        changed.put("bn1.running_var", weights.get("bn1.running_var").mul(2.0));
        changed.put("conv1.weight", weights.get("conv1.weight").mul(0.5));
        GraphWeights.load(cfg, g, changed);
        ComputationGraph unlinked = new ComputationGraph(g.getConfiguration().clone());
        unlinked.init();
        GraphWeights.load(cfg, unlinked, changed);
        INDArray reference = unlinked.outputSingle(x); // first call: unfolded
        assertThat(reference.sub(expected).amaxNumber().doubleValue()).isGreaterThan(1e-2);
        assertThat(g.outputSingle(x).sub(reference).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
    }

    @Test
    void transferLearningReplacesTheFinalLayerForAnotherJointCount() {
        HRNetConfig cfg = TinyConfigs.tiny();
        ComputationGraph g = new HRNet.Builder().config(cfg).build().init();
        ComputationGraph t = new TransferLearning.GraphBuilder(g).nOutReplace("final_layer", 16, WeightInit.XAVIER)
                .build();
        INDArray x = Nd4j.randn(DataType.FLOAT, 1, 3, cfg.inputHeight(), cfg.inputWidth());
        assertThat(t.outputSingle(x).shape()).containsExactly(1, 16, cfg.heatmapHeight(), cfg.heatmapWidth());
        assertThat(t.getLayer("stage2.0.fuse_layers.0.1.0").getParam("W"))
                .isEqualTo(g.getLayer("stage2.0.fuse_layers.0.1.0").getParam("W"));
        Map<String, INDArray> sd = GraphWeights.stateDict(cfg.withNumJoints(16), t);
        assertThat(sd.get("final_layer.weight").shape()).containsExactly(16, cfg.width(), 1, 1);
    }
}
