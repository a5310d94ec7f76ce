package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.ExperimentFiles;
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
                    assertThat(e.getMessage()).contains("tiny_hrnet.npz").contains("HRNet-W32 (17 joints, input 256x192)")
                            .contains("missing: stage3.1.branches.0.0.conv1.weight [32, 32, 3, 3]");
                    assertThat(e.shapeMismatches()).anySatisfy(m -> {
                        assertThat(m.key()).isEqualTo("transition1.0.0.weight");
                        assertThat(m.expected()).containsExactly(32, 256, 3, 3);
                        assertThat(m.actual()).containsExactly(4, 256, 3, 3);
                    });
                    assertThat(e.missingKeys()).contains("stage4.2.fuse_layers.0.3.0.weight");
                });
    }

    @Test
    void deHrnetIsRejectedClearly() {
        HRNetConfig de = TINY.withDeHrnet(DeHrnetOptions.defaults());
        assertThatThrownBy(() -> PoseNetworks.random(de, PoseNetworks.Backend.GRAPH, 1))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("DE-HRNet is not wired");
    }

    @Test
    void officialExperimentYamlGivesTheStandardW32(@TempDir Path tmp) throws Exception {
        Path yaml = Files.writeString(tmp.resolve("w32.yaml"), """
                MODEL:
                  NAME: pose_hrnet
                  NUM_JOINTS: 17
                  IMAGE_SIZE:
                  - 192
                  - 256
                  EXTRA:
                    FINAL_CONV_KERNEL: 1
                    STAGE2: {NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: BASIC, NUM_BLOCKS: [4, 4], NUM_CHANNELS: [32, 64], FUSE_METHOD: SUM}
                    STAGE3: {NUM_MODULES: 4, NUM_BRANCHES: 3, BLOCK: BASIC, NUM_BLOCKS: [4, 4, 4], NUM_CHANNELS: [32, 64, 128], FUSE_METHOD: SUM}
                    STAGE4: {NUM_MODULES: 3, NUM_BRANCHES: 4, BLOCK: BASIC, NUM_BLOCKS: [4, 4, 4, 4], NUM_CHANNELS: [32, 64, 128, 256], FUSE_METHOD: SUM}
                TEST:
                  FLIP_TEST: true
                """);
        HRNetConfig cfg = ExperimentFiles.read(yaml);
        assertThat(cfg).isEqualTo(HRNetConfig.standard(32, 17, 256, 192));
        assertThat(io.hrnet4j.zoo.arch.Complexity.of(cfg).params()).isEqualTo(28_536_113L);
    }

    @Test
    void experimentYamlErrorsNameTheField(@TempDir Path tmp) throws Exception {
        Path yaml = Files.writeString(tmp.resolve("bad.yaml"), """
                MODEL:
                  NUM_JOINTS: 17
                  IMAGE_SIZE: [96, 128]
                  EXTRA:
                    STAGE2: {NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: BASIC, NUM_BLOCKS: [1, 1], NUM_CHANNELS: [4]}
                """);
        assertThatThrownBy(() -> ExperimentFiles.read(yaml)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(yaml.toString()).hasMessageContaining("MODEL.EXTRA.STAGE2")
                .hasMessageContaining("NUM_CHANNELS has 1 entries but NUM_BRANCHES is 2");
        Path noJoints = Files.writeString(tmp.resolve("nj.yaml"), "MODEL:\n  IMAGE_SIZE: [96, 128]\n");
        assertThatThrownBy(() -> ExperimentFiles.read(noJoints)).isInstanceOf(InvalidConfigException.class)
                .hasMessage(noJoints + ": MODEL.NUM_JOINTS: missing");
    }
}
