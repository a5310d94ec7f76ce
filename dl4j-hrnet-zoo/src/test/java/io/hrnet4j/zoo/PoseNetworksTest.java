package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.weights.WeightMismatchException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The shared network loader against the tiny oracle model (shared/oracle/tiny_*). */
class PoseNetworksTest {
    private static final HRNetConfig TINY = TinyConfigs.tiny();
    private static INDArray input;
    private static INDArray expected;

    @BeforeAll
    static void readOracle() throws Exception {
        input = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(expected.dataType()).sub(b).amaxNumber().doubleValue();
    }

    @Test
    void npzIntoTheGraphReproducesTheOfficialOutput() throws Exception {
        PoseNetwork net = PoseNetworks.load(TINY, SharedData.oracle("tiny_hrnet.npz"), PoseNetworks.Backend.GRAPH);
        assertThat(net.config()).isEqualTo(TINY);
        assertThat(maxAbsDiff(net.output(input), expected)).isLessThan(2e-4);
    }

    @Test
    void pthIntoSameDiffReproducesTheOfficialOutput() throws Exception {
        PoseNetwork net = PoseNetworks.load(TINY, SharedData.oracle("tiny_hrnet.pth"), PoseNetworks.Backend.SAMEDIFF);
        assertThat(net).isInstanceOf(io.hrnet4j.zoo.samediff.SameDiffHRNet.class);
        assertThat(maxAbsDiff(net.output(input), expected)).isLessThan(2e-4);
    }

    @Test
    void dl4jModelZipLoadsIntoBothBackends(@TempDir Path tmp) throws Exception {
        ComputationGraph g = new HRNet.Builder().config(TINY).build().init();
        GraphWeights.load(TINY, g, PoseNetworks.loadStateDict(TINY, SharedData.oracle("tiny_hrnet.npz")).asMap());
        Path zip = tmp.resolve("trained.zip");
        ModelSerializer.writeModel(g, zip.toFile(), false);
        assertThat(PoseNetworks.detectFormat(zip)).isEqualTo(PoseNetworks.WeightsFormat.DL4J_MODEL);
        assertThat(PoseNetworks.detectFormat(SharedData.oracle("tiny_hrnet.pth")))
                .isEqualTo(PoseNetworks.WeightsFormat.STATE_DICT);
        for (PoseNetworks.Backend b : PoseNetworks.Backend.values()) {
            PoseNetwork net = PoseNetworks.load(TINY, zip, b);
            assertThat(maxAbsDiff(net.output(input), expected)).as(b.name()).isLessThan(2e-4);
        }
    }

    @Test
    void dl4jModelOfAnotherArchitectureListsTheMismatch(@TempDir Path tmp) throws Exception {
        HRNetConfig other = TINY.withNumJoints(16);
        ComputationGraph g = new HRNet.Builder().config(other).build().init();
        Path zip = tmp.resolve("mpii.zip");
        ModelSerializer.writeModel(g, zip.toFile(), false);
        assertThatThrownBy(() -> PoseNetworks.load(TINY, zip, PoseNetworks.Backend.GRAPH))
                .isInstanceOf(WeightMismatchException.class)
                .hasMessageContaining(zip.toString())
                .hasMessageContaining("final_layer.weight: network [17, 4, 1, 1], file [16, 4, 1, 1]");
    }

    @Test
    void missingWeightsFileNamesThePath(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.pth");
        assertThatThrownBy(() -> PoseNetworks.load(TINY, missing, PoseNetworks.Backend.GRAPH))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("weights file not found");
    }

    @Test
    void weightsOfAnotherArchitectureListKeysAndShapes() {
        HRNetConfig w32 = HRNetConfig.standard(32, 17, 256, 192);
        assertThatThrownBy(() -> PoseNetworks.load(w32, SharedData.oracle("tiny_hrnet.npz"),
                PoseNetworks.Backend.GRAPH))
                .isInstanceOfSatisfying(WeightMismatchException.class, e -> {
                    // a short summary (issue 14: it used to list all 1,386 keys), the accessors hold every key
                    assertThat(e.getMessage()).contains("tiny_hrnet.npz").contains("HRNet-W32 (17 joints, input 256x192)")
                            .contains("1215 missing, 0 unexpected, 171 mis-shaped")
                            .contains("they look like HRNet-W4, 17 joints");
                    assertThat(e.getMessage().split("\n")).hasSizeLessThanOrEqualTo(5);
                    assertThat(e.missingKeys()).hasSize(1215).contains("stage3.1.branches.0.0.conv1.weight");
                    assertThat(e.shapeMismatches()).anySatisfy(m -> {
                        assertThat(m.key()).isEqualTo("transition1.0.0.weight");
                        assertThat(m.expected()).containsExactly(32, 256, 3, 3);
                        assertThat(m.actual()).containsExactly(4, 256, 3, 3);
                    });
                    assertThat(e.missingKeys()).contains("stage4.2.fuse_layers.0.3.0.weight");
                });
    }

    @Test
    void hrnetWeightsForADeHrnetListTheMissingDeHrnetKeys() {
        HRNetConfig de = TINY.withDeHrnet(DeHrnetOptions.defaults());
        assertThatThrownBy(() -> PoseNetworks.load(de, SharedData.oracle("tiny_hrnet.npz"),
                PoseNetworks.Backend.SAMEDIFF_FOLDED))
                .isInstanceOf(WeightMismatchException.class)
                .hasMessageContaining("the weights are not those of DE-HRNet-W4")
                .hasMessageContaining("stage2.dem.0.attention.fc1.weight")
                .hasMessageContaining("stage2.0.fuse_layers.0.1.2.offset.weight");
    }
}
