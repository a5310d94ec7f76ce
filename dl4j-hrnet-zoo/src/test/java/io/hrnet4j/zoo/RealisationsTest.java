package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.layers.DetailEnhancementModule;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The two realisations of one description hold the same parameters and compute the same function, for HRNet and
 * for DE-HRNet (every switch), and the graph survives ModelSerializer.
 */
class RealisationsTest {
    static final HRNetConfig TINY = TinyConfigs.tiny();

    static INDArray input(HRNetConfig cfg) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.randn(DataType.FLOAT, 2, 3, cfg.inputHeight(), cfg.inputWidth());
    }

    /** CG weights exported as a state dict, loaded into SameDiff: the same output, and counts as described. */
    static void assertSameFunction(HRNetConfig cfg) {
        ComputationGraph g = new HRNet.Builder().config(cfg).seed(3).build().init();
        Complexity cx = Complexity.of(cfg);
        // DL4J counts BN running statistics as parameters
        assertThat(g.numParams()).isEqualTo(cx.params() + cx.bnStatistics());
        Map<String, INDArray> sdict = GraphWeights.stateDict(cfg, g);
        assertThat(sdict.keySet()).containsExactlyElementsOf(cx.stateDictShapes().keySet());
        // perturb BN statistics so that they matter
        for (Map.Entry<String, INDArray> e : sdict.entrySet()) {
            if (e.getKey().endsWith("running_var")) {
                e.getValue().addi(0.5);
            }
        }
        GraphWeights.load(cfg, g, sdict);
        SameDiffHRNet sd = SameDiffHRNet.create(cfg, 5, new Adam(1e-3));
        sd.loadStateDict(sdict);
        INDArray x = input(cfg);
        INDArray a = PoseNetwork.of(g, cfg).output(x);
        INDArray b = sd.output(x);
        assertThat(a.shape()).containsExactly(2, cfg.numJoints(), cfg.heatmapHeight(), cfg.heatmapWidth());
        double scale = Math.max(1e-3, a.stdNumber().doubleValue());
        assertThat(a.sub(b).amaxNumber().doubleValue() / scale).as(cfg.toString()).isLessThan(1e-4);
    }

    @Test
    void hrnetRealisationsAgree() {
        assertSameFunction(TINY);
    }

    @Test
    void deHrnetRealisationsAgreeForEverySwitch() {
        DeHrnetOptions d = DeHrnetOptions.defaults();
        assertSameFunction(TINY.withDeHrnet(d));
        assertSameFunction(TINY.withDeHrnet(d.withAttention(DetailEnhancementModule.Attention.ECA)
                .withPlacement(DeHrnetOptions.Placement.EVERY_MODULE)));
        assertSameFunction(TINY.withDeHrnet(d.withDem(false)));
        assertSameFunction(TINY.withDeHrnet(d.withDySample(false)));
    }

    @Test
    void deHrnetInferenceIsDeterministicDespiteDropout() {
        ComputationGraph g = new DEHRNet.Builder().config(TINY.withDeHrnet(DeHrnetOptions.defaults().withDropout(0.5)))
                .build().init();
        INDArray x = input(TINY);
        assertThat(g.outputSingle(false, x)).isEqualTo(g.outputSingle(false, x));
    }

    @Test
    void deHrnetAddsTheDocumentedParameters() {
        HRNetConfig w32 = HRNetConfig.standard(32, 17, 256, 192);
        long hr = Complexity.of(w32).params();
        long de = Complexity.of(w32.withDeHrnet(DeHrnetOptions.defaults())).params();
        long noDy = Complexity.of(w32.withDeHrnet(DeHrnetOptions.defaults().withDySample(false))).params();
        // DySample lp, G=4: 32 C + 32 per fuse path j > i, with s^2 scaling: 2 G s^2 C + 2 G s^2
        long dy = 0;
        int[] ch = {32, 64, 128, 256};
        int[][] stages = {{1, 2}, {4, 3}, {3, 4}};
        for (int s = 0; s < 3; s++) {
            int modules = stages[s][0];
            int branches = stages[s][1];
            for (int m = 0; m < modules; m++) {
                int outputs = (s == 2 && m == modules - 1) ? 1 : branches;
                for (int i = 0; i < outputs; i++) {
                    for (int j = i + 1; j < branches; j++) {
                        long s2 = 1L << (2 * (j - i));
                        dy += 2 * 4 * s2 * ch[i] + 2 * 4 * s2;
                    }
                }
            }
        }
        assertThat(de - noDy).isEqualTo(dy);
        assertThat(noDy).isGreaterThan(hr);
        assertThat(new DEHRNet.Builder().build().modelName()).isEqualTo("dehrnet_w32_17j_256x192");
    }

    @Test
    void modelSerializerRoundTrip(@TempDir Path dir) throws Exception {
        for (HRNetConfig cfg : new HRNetConfig[] {TINY, TINY.withDeHrnet(DeHrnetOptions.defaults())}) {
            ComputationGraph g = new HRNet.Builder().config(cfg).build().init();
            File f = dir.resolve("m.zip").toFile();
            ModelSerializer.writeModel(g, f, true);
            ComputationGraph r = ModelSerializer.restoreComputationGraph(f, true);
            INDArray x = input(cfg);
            assertThat(r.outputSingle(x)).isEqualTo(g.outputSingle(x));
            assertThat(r.params()).isEqualTo(g.params());
        }
    }

    @Test
    void badInputIsATypedErrorNamingTheShape() {
        SameDiffHRNet sd = SameDiffHRNet.create(TINY, 1, new Adam(1e-3));
        assertThatThrownBy(() -> sd.output(Nd4j.zeros(DataType.FLOAT, 1, 4, 128, 96)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input must be [N, 3, 128, 96] (NCHW, RGB), got [1, 4, 128, 96]");
        ComputationGraph g = new HRNet.Builder().config(TINY).build().init();
        assertThatThrownBy(() -> PoseNetwork.of(g, TINY).output(Nd4j.zeros(DataType.FLOAT, 1, 3, 120, 96)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input must be [N, 3, 128, 96] (NCHW, RGB), got [1, 3, 120, 96]");
        assertThatThrownBy(() -> new HRNet.Builder().inputShape(1, 256, 192))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 input channels");
        Map<String, INDArray> wrong = GraphWeights.stateDict(TINY, g);
        wrong.remove("conv1.weight");
        wrong.put("final_layer.bias", Nd4j.zeros(DataType.FLOAT, 16));
        assertThatThrownBy(() -> sd.loadStateDict(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv1.weight: missing")
                .hasMessageContaining("final_layer.bias: shape [16], expected [17]");
    }
}
