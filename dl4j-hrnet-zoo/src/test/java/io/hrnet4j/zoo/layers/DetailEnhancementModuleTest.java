package io.hrnet4j.zoo.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;

class DetailEnhancementModuleTest {

    @Test
    void seSingleInputMatchesDirectComputation() {
        Nd4j.getRandom().setSeed(7);
        long c = 32;
        DetailEnhancementModule dem = new DetailEnhancementModule.Builder().build();
        GraphHarness h = new GraphHarness(dem, DataType.DOUBLE, WorkspaceMode.ENABLED, c, 6, 5);
        Map<String, INDArray> p = h.graph.getLayer("layer").paramTable();
        assertThat(p.get(DetailEnhancementModule.FC1_WEIGHT).shape()).containsExactly(8, 32);
        assertThat(p.get(DetailEnhancementModule.FC2_WEIGHT).shape()).containsExactly(32, 8);
        assertThat(h.graph.numParams()).isEqualTo(DetailEnhancementModule.numParams(c,
                DetailEnhancementModule.Attention.SE, 16, 8, 0)).isEqualTo(2 * 32 * 8 + 8 + 32);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, c, 6, 5).addi(Nd4j.randn(DataType.DOUBLE, 3, c, 1, 1));
        INDArray z = x.mean(2, 3);
        INDArray hid = Transforms.relu(z.mmul(p.get("fc1.weight").transpose()).addRowVector(p.get("fc1.bias")));
        INDArray gate = Transforms.sigmoid(hid.mmul(p.get("fc2.weight").transpose()).addRowVector(p.get("fc2.bias")));
        INDArray expected = x.mul(gate.add(1.0).reshape(3, c, 1, 1));
        Oracles.assertClose(h.output(x), expected, 1e-12);
    }

    @Test
    void hiddenWidthIsClampedAtEight() {
        assertThat(DetailEnhancementModule.hiddenWidth(32, 16, 8)).isEqualTo(8);
        assertThat(DetailEnhancementModule.hiddenWidth(128, 16, 8)).isEqualTo(8);
        assertThat(DetailEnhancementModule.hiddenWidth(256, 16, 8)).isEqualTo(16);
        assertThat(DetailEnhancementModule.hiddenWidth(384, 16, 8)).isEqualTo(24);
    }

    @Test
    void ecaVariantMatchesEcaOracleThroughGraph() throws Exception {
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("eca_input.npy"));
        INDArray r = NumpyFiles.readNpy(SharedData.oracle("eca_gradout.npy"));
        Map<String, INDArray> w = NumpyFiles.readNpz(SharedData.oracle("eca_weights.npz"));
        DetailEnhancementModule dem = new DetailEnhancementModule.Builder()
                .attention(DetailEnhancementModule.Attention.ECA).build();
        GraphHarness h = new GraphHarness(dem, DataType.DOUBLE, WorkspaceMode.NONE, 32, 5, 4).setParams(w);
        // (g + 1) * x = ECA(x) + x
        INDArray expected = NumpyFiles.readNpy(SharedData.oracle("eca_output_f64.npy")).add(x.castTo(DataType.DOUBLE));
        Oracles.assertClose(h.output(x), expected, 1e-12);
        Map<String, INDArray> g = h.gradients(x, r);
        INDArray expectedIn = NumpyFiles.readNpy(SharedData.oracle("eca_grad_input.npy")).add(r.castTo(DataType.DOUBLE));
        Oracles.assertClose(g.get("input"), expectedIn, 1e-6);
        Oracles.assertClose(g.get(ECA.WEIGHT), NumpyFiles.readNpy(SharedData.oracle("eca_grad_weight.npy")), 1e-6);
    }

    static ComputationGraph dualGraph(double dropout, DataType dt) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(dt).seed(3).updater(new NoOp()).graphBuilder()
                .addInputs("high", "own")
                .setInputTypes(InputType.convolutional(8, 6, 4), InputType.convolutional(4, 3, 16));
        String out = DetailEnhancementModule.addDualInput(b, "dem", "high", "own", 4,
                new DetailEnhancementModule.Builder().channels(16).build(), dropout);
        ComputationGraph g = new ComputationGraph(b.setOutputs(out).build());
        g.init();
        return g;
    }

    @Test
    void dualInputIsDeterministicAtInferenceAndDropsOutInTraining() {
        ComputationGraph g = dualGraph(DetailEnhancementModule.DEFAULT_DROPOUT, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(11);
        INDArray high = Nd4j.randn(DataType.DOUBLE, 2, 4, 8, 6);
        INDArray own = Nd4j.randn(DataType.DOUBLE, 2, 16, 4, 3);
        INDArray a = g.outputSingle(false, high, own);
        INDArray b = g.outputSingle(false, high, own);
        assertThat(a.shape()).containsExactly(2, 16, 4, 3);
        // the second call runs ".down.0" + ".down.1" as one folded convolution: equal up to rounding
        Oracles.assertClose(b, a, 1e-12);
        Map<String, INDArray> ff = g.feedForward(new INDArray[] {high, own}, true);
        INDArray train = ff.get("dem.dropout");
        // DL4J applies dropout in place on its input, so the pre-dropout activations come from the same graph
        // without the dropout layer (same parameters; training mode, so BN uses the batch statistics too)
        ComputationGraph noDrop = dualGraph(0.0, DataType.DOUBLE);
        noDrop.setParams(g.params());
        INDArray attTrain = noDrop.feedForward(new INDArray[] {high, own}, true).get("dem.attention");
        long zeros = train.eq(0.0).castTo(DataType.INT).sumNumber().longValue();
        assertThat(zeros).as("dropped units in training").isGreaterThan(0);
        // surviving units are scaled by 1 / (1 - 0.1), as PyTorch's inverted dropout
        INDArray kept = train.neq(0.0).castTo(DataType.DOUBLE);
        Oracles.assertClose(train, attTrain.mul(kept).div(0.9), 1e-12);
        INDArray att = g.feedForward(new INDArray[] {high, own}, false).get("dem.attention");
        Oracles.assertClose(a, att, 0.0);
    }

    @Test
    void dualInputGraphEqualsPureSameDiffDefinition() {
        ComputationGraph g = dualGraph(0.1, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(5);
        // non-trivial BN statistics
        Map<String, INDArray> bn = g.getLayer("dem.down.1").paramTable();
        bn.get("mean").assign(Nd4j.randn(DataType.DOUBLE, 1, 16).mul(0.1));
        bn.get("var").assign(Nd4j.rand(DataType.DOUBLE, 1, 16).add(0.5));
        bn.get("gamma").assign(Nd4j.rand(DataType.DOUBLE, 1, 16).add(0.5));
        bn.get("beta").assign(Nd4j.randn(DataType.DOUBLE, 1, 16).mul(0.2));
        INDArray high = Nd4j.randn(DataType.DOUBLE, 2, 4, 8, 6);
        INDArray own = Nd4j.randn(DataType.DOUBLE, 2, 16, 4, 3);
        INDArray expected = g.outputSingle(false, high, own);

        SameDiff sd = SameDiff.create();
        SDVariable hi = sd.placeHolder("high", DataType.DOUBLE, -1, 4, 8, 6);
        SDVariable ow = sd.placeHolder("own", DataType.DOUBLE, -1, 16, 4, 3);
        Map<String, INDArray> att = g.getLayer("dem.attention").paramTable();
        Map<String, SDVariable> attVars = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : att.entrySet()) {
            attVars.put(e.getKey(), sd.var("dem." + e.getKey(), e.getValue().dup()));
        }
        // native layout [out, kh, kw, in], PyTorch's is [out, in, kh, kw]
        INDArray convW = g.getLayer("dem.down.0").getParam("W").permute(0, 3, 1, 2);
        SDVariable out = DetailEnhancementModule.defineDual(sd, "dem.", hi, ow, sd.var("dem.down.0.weight", convW.dup()),
                sd.var("g", bn.get("gamma").reshape(16).dup()), sd.var("b", bn.get("beta").reshape(16).dup()),
                sd.var("m", bn.get("mean").reshape(16).dup()), sd.var("v", bn.get("var").reshape(16).dup()), attVars,
                new DetailEnhancementModule.Builder().channels(16).build());
        INDArray actual = out.eval(Map.of("high", high, "own", own));
        Oracles.assertClose(actual, expected, 1e-12);
    }

    @Test
    void dualInputNeedsChannelsAndValidDropout() {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("high", "own");
        assertThatThrownBy(() -> DetailEnhancementModule.addDualInput(b, "stage2.dem.1", "high", "own", 4,
                new DetailEnhancementModule.Builder().build(), 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stage2.dem.1")
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> DetailEnhancementModule.addDualInput(b, "stage2.dem.1", "high", "own", 4,
                new DetailEnhancementModule.Builder().channels(16).build(), 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout must be in [0, 1)");
    }
}
