package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Both realisations reproduce the official PyTorch forward pass on shared/oracle/tiny_* (weights made by the
 * official pose_hrnet.py, output std 5.48): max abs difference <= 2e-4.
 */
class TinyOracleTest {
    static Map<String, INDArray> weights;
    static INDArray input;
    static INDArray expected;
    static final HRNetConfig CFG = TinyConfigs.tiny();

    @BeforeAll
    static void load() throws Exception {
        weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        input = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
    }

    @Test
    void computationGraphReproducesTheOfficialOutput() {
        ComputationGraph g = new HRNet.Builder().config(CFG).build().init();
        GraphWeights.load(CFG, g, weights);
        INDArray out = g.outputSingle(input);
        assertThat(out.shape()).containsExactly(2, 17, 32, 24);
        assertThat(out.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        // and the export is the import, key for key
        Map<String, INDArray> back = GraphWeights.stateDict(CFG, g);
        assertThat(back.keySet()).containsExactlyElementsOf(weights.keySet());
        assertThat(back.get("stage4.0.fuse_layers.0.3.1.running_var")).isEqualTo(
                weights.get("stage4.0.fuse_layers.0.3.1.running_var"));
    }

    @Test
    void officialPthCheckpointLoadsIntoBothRealisations() throws Exception {
        HRNet zoo = new HRNet.Builder().config(CFG).build();
        INDArray a = zoo.initPretrained(SharedData.oracle("tiny_hrnet.pth")).outputSingle(input);
        INDArray b = zoo.initSameDiffPretrained(SharedData.oracle("tiny_hrnet.pth")).output(input);
        assertThat(a.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        assertThat(b.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
    }

    @Test
    void weightsOfAnotherArchitectureAreRejectedKeyByKey() {
        HRNet other = new HRNet.Builder().config(CFG.withNumJoints(16)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.initPretrained(SharedData.oracle("tiny_hrnet.pth")))
                .isInstanceOf(io.hrnet4j.zoo.weights.WeightMismatchException.class)
                .hasMessageContaining("final_layer.weight").hasMessageContaining("[17, 4, 1, 1]")
                .hasMessageContaining("[16, 4, 1, 1]");
    }

    @Test
    void sameDiffReproducesTheOfficialOutput() {
        SameDiffHRNet m = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        m.loadStateDict(weights);
        INDArray out = m.output(input);
        assertThat(out.shape()).containsExactly(2, 17, 32, 24);
        assertThat(out.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        assertThat(m.stateDict().get("final_layer.bias")).isEqualTo(weights.get("final_layer.bias"));
    }
}
