package io.hrnet4j.zoo.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Gradient checks, serialisation and the size behaviour of the custom layers inside ComputationGraphs. */
class LayersInGraphTest {

    private static ComputationGraph withLoss(Layer layer, long c, long h, long w) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(42).updater(new NoOp())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(h, w, c))
                .addLayer("layer", layer, "in")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "layer")
                .setOutputs("loss").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static boolean check(ComputationGraph g, INDArray x, INDArray labels) {
        return check(g, new INDArray[] {x}, labels);
    }

    /** GradientCheckUtil demands double as ND4J's default type while it runs. */
    private static boolean check(ComputationGraph g, INDArray[] x, INDArray labels, String... exclude) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            // every parameter is checked (M2.1 ignores subset for graphs): the graphs are kept tiny. A gradient off
            // by any factor has a relative error >= 1/3, far above the tolerance.
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(x).labels(new INDArray[] {labels})
                    .excludeParams(new java.util.HashSet<>(java.util.Arrays.asList(exclude)))
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-7));
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void gradientCheckEca() {
        Nd4j.getRandom().setSeed(1);
        ComputationGraph g = withLoss(new ECA.Builder().kernelSize(3).build(), 12, 4, 3);
        assertThat(check(g, Nd4j.randn(DataType.DOUBLE, 2, 12, 4, 3).addi(Nd4j.randn(DataType.DOUBLE, 2, 12, 1, 1)),
                Nd4j.randn(DataType.DOUBLE, 2, 12, 4, 3))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"SE", "ECA"})
    void gradientCheckDem(DetailEnhancementModule.Attention attention) {
        Nd4j.getRandom().setSeed(2);
        ComputationGraph g = withLoss(new DetailEnhancementModule.Builder().attention(attention).reduction(4)
                .minHidden(2).build(), 8, 3, 3);
        assertThat(check(g, Nd4j.randn(DataType.DOUBLE, 2, 8, 3, 3).addi(Nd4j.randn(DataType.DOUBLE, 2, 8, 1, 1)),
                Nd4j.randn(DataType.DOUBLE, 2, 8, 3, 3))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"LP, false, 2, 2, 4", "LP, true, 2, 1, 2", "PL, false, 2, 1, 4", "PL, true, 2, 1, 4",
        "LP, false, 4, 1, 2"})
    void gradientCheckDySample(DySample.Style style, boolean dynamic, int scale, int groups, int c) {
        Nd4j.getRandom().setSeed(3);
        ComputationGraph g = withLoss(new DySample.Builder().scale(scale).groups(groups).style(style)
                .dynamicScope(dynamic).windowRadius(1).build(), c, 2, 3);
        for (Map.Entry<String, INDArray> e : g.getLayer("layer").paramTable().entrySet()) {
            e.getValue().assign(Nd4j.randn(DataType.DOUBLE, e.getValue().shape()).muli(0.3));
        }
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, c, 2, 3);
        assertThat(check(g, x, Nd4j.randn(DataType.DOUBLE, 2, c, 2L * scale, 3L * scale))).isTrue();
    }

    @Test
    void gradientCheckDualDem() {
        Nd4j.getRandom().setSeed(4);
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(3).updater(new NoOp()).graphBuilder()
                .addInputs("high", "own")
                .setInputTypes(InputType.convolutional(4, 4, 2), InputType.convolutional(2, 2, 4));
        String out = DetailEnhancementModule.addDualInput(b, "dem", "high", "own", 2,
                new DetailEnhancementModule.Builder().channels(4).reduction(2).minHidden(2).build(), 0.0);
        b.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .build(), out).setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        assertThat(g.numParams() - 8).as("trainable, without BN running mean/var")
                .isEqualTo(DetailEnhancementModule.numParamsDual(2, 4, DetailEnhancementModule.Attention.SE, 2, 2, 0))
                .isEqualTo(9 * 2 * 4 + 2 * 4 + (2 * 4 * 2 + 2 + 4));
        boolean ok = check(g, new INDArray[] {Nd4j.randn(DataType.DOUBLE, 3, 2, 4, 4),
            Nd4j.randn(DataType.DOUBLE, 3, 4, 2, 2)}, Nd4j.randn(DataType.DOUBLE, 3, 4, 2, 2),
            "dem.down.1_mean", "dem.down.1_var");
        assertThat(ok).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"LP, false, 2, 2", "LP, true, 2, 4", "PL, false, 2, 2", "PL, true, 4, 1", "LP, false, 8, 2"})
    void dySampleStylesMatchLoopReference(DySample.Style style, boolean dynamic, int scale, int groups) {
        Nd4j.getRandom().setSeed(9);
        int c = style == DySample.Style.PL ? scale * scale * 2 : 8;
        int h = 3;
        int w = 4;
        GraphHarness hx = new GraphHarness(new DySample.Builder().scale(scale).groups(groups).style(style)
                .dynamicScope(dynamic).build(), DataType.DOUBLE, WorkspaceMode.ENABLED, c, h, w);
        Map<String, INDArray> p = hx.graph.getLayer("layer").paramTable();
        for (INDArray v : p.values()) {
            v.assign(Nd4j.randn(DataType.DOUBLE, v.shape()).muli(0.5));
        }
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, c, h, w);
        double[] expected = DySampleReference.forward(x.data().asDouble(), 2, c, h, w, scale, groups,
                style == DySample.Style.PL, p.get(DySample.OFFSET_WEIGHT).data().asDouble(),
                p.get(DySample.OFFSET_BIAS).data().asDouble(),
                dynamic ? p.get(DySample.SCOPE_WEIGHT).data().asDouble() : null);
        INDArray out = hx.output(x);
        assertThat(out.shape()).containsExactly(2, c, (long) h * scale, (long) w * scale);
        Oracles.assertClose(out, Nd4j.createFromArray(expected).reshape(out.shape()), 1e-12);
        assertThat(hx.graph.numParams()).isEqualTo(DySample.numParams(c, scale, groups, style, dynamic));
    }

    @Test
    void dySampleIntermediatesGrowLinearlyWithOutputSize() {
        long[] a = largestAndTotal(8, 6);
        long[] b = largestAndTotal(16, 12);
        long outSmall = 2L * 16 * 16 * 12;
        long outLarge = 2L * 16 * 32 * 24;
        // no intermediate is larger than the output (a one-hot interpolation matrix would be (sH·sW)·(H·W) per map)
        assertThat(a[0]).isEqualTo(outSmall);
        assertThat(b[0]).isEqualTo(outLarge);
        double ratio = (double) b[1] / a[1];
        assertThat(ratio).as("total elements of all intermediates, 4x the output size").isBetween(3.9, 4.01);
    }

    /** @return {largest array, total elements of all arrays} of a DySample s=2 forward pass on [2, 16, h, w] */
    private static long[] largestAndTotal(long h, long w) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 16, h, w);
        SDVariable wt = sd.var("offset.weight", Nd4j.randn(DataType.FLOAT, 32, 16, 1, 1).muli(0.01));
        SDVariable bias = sd.var("offset.bias", Nd4j.zeros(DataType.FLOAT, 32));
        DySample.define(sd, "dys.", x, wt, bias, null, 16, h, w, 2, 4, DySample.Style.LP, 2);
        Map<String, INDArray> all = sd.outputAll(Map.of("x", Nd4j.randn(DataType.FLOAT, 2, 16, h, w)));
        long largest = 0;
        long total = 0;
        for (INDArray a : all.values()) {
            largest = Math.max(largest, a.length());
            total += a.length();
        }
        return new long[] {largest, total};
    }

    @Test
    void serializationRoundTripKeepsConfigurationAndOutputs() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).seed(5).updater(new NoOp())
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(4, 3, 16))
                .addLayer("eca", new ECA.Builder().build(), "in")
                .addLayer("dem", new DetailEnhancementModule.Builder().build(), "eca")
                .addLayer("dem_eca", new DetailEnhancementModule.Builder()
                        .attention(DetailEnhancementModule.Attention.ECA).ecaKernelSize(5).build(), "dem")
                .addLayer("up", new DySample.Builder().scale(4).style(DySample.Style.PL).dynamicScope(true)
                        .windowRadius(3).build(), "dem_eca")
                .setOutputs("up").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.params().assign(Nd4j.randn(DataType.FLOAT, g.params().shape()).muli(0.2));
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 16, 4, 3);
        INDArray before = g.outputSingle(x);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, bytes, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()),
                true);
        assertThat(restored.getConfiguration().toJson()).isEqualTo(conf.toJson());
        DySample up = (DySample) ((org.deeplearning4j.nn.conf.graph.LayerVertex) restored.getConfiguration()
                .getVertices().get("up")).getLayerConf().getLayer();
        assertThat(up.getScale()).isEqualTo(4);
        assertThat(up.getStyle()).isEqualTo(DySample.Style.PL);
        assertThat(up.isDynamicScope()).isTrue();
        assertThat(up.getWindowRadius()).isEqualTo(3);
        assertThat(restored.params()).isEqualTo(g.params());
        assertThat(restored.outputSingle(x)).isEqualTo(before);
        assertThat(before.shape()).containsExactly(2, 16, 16, 12);
    }

    @Test
    void badConfigurationsFailWithClearMessages() {
        assertThatThrownBy(() -> new DySample.Builder().scale(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale must be 2, 4 or 8, got 3");
        assertThatThrownBy(() -> withLoss(new DySample.Builder().style(DySample.Style.PL).scale(4).groups(2)
                .build(), 8, 3, 3)).hasMessageContaining("style pl needs channels divisible by scale² = 16, got 8");
        assertThatThrownBy(() -> new ECA.Builder().kernelSize(4).build())
                .hasMessageContaining("positive odd number, got 4");
        ComputationGraph g = withLoss(new DySample.Builder().build(), 8, 3, 4);
        assertThatThrownBy(() -> g.outputSingle(Nd4j.randn(DataType.DOUBLE, 1, 8, 5, 4)))
                .hasMessageContaining("defined for input [N, 8, 3, 4], got [1, 8, 5, 4]");
    }
}
