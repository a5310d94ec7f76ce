package io.hrnet4j.zoo.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ECATest {

    private static INDArray npy(String name) throws Exception {
        return NumpyFiles.readNpy(SharedData.oracle(name));
    }

    @Test
    void adaptiveKernelSizeMatchesDesign() {
        assertThat(ECA.adaptiveKernelSize(32)).isEqualTo(3);
        assertThat(ECA.adaptiveKernelSize(64)).isEqualTo(3);
        assertThat(ECA.adaptiveKernelSize(96)).isEqualTo(3);
        assertThat(ECA.adaptiveKernelSize(128)).isEqualTo(5);
        assertThat(ECA.adaptiveKernelSize(256)).isEqualTo(5);
        assertThat(ECA.adaptiveKernelSize(384)).isEqualTo(5);
        assertThat(ECA.numParams(5)).isEqualTo(5);
    }

    @Test
    void forwardMatchesOracleFloat32() throws Exception {
        Map<String, INDArray> w = NumpyFiles.readNpz(SharedData.oracle("eca_weights.npz"));
        GraphHarness h = new GraphHarness(new ECA.Builder().build(), DataType.FLOAT, WorkspaceMode.ENABLED, 32, 5, 4)
                .setParams(w);
        INDArray out = h.output(npy("eca_input.npy"));
        INDArray expected = npy("eca_output.npy");
        assertThat(out.shape()).containsExactly(2, 32, 5, 4);
        assertThat(out.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue())
                .isLessThan(1e-5);
        assertThat(out.sumNumber().doubleValue()).isCloseTo(95.90405028222197, within(1e-3));
    }

    @Test
    void gradientsThroughGraphMatchOracleFloat64() throws Exception {
        Map<String, INDArray> w = NumpyFiles.readNpz(SharedData.oracle("eca_weights.npz"));
        GraphHarness h = new GraphHarness(new ECA.Builder().kernelSize(3).build(), DataType.DOUBLE,
                WorkspaceMode.NONE, 32, 5, 4).setParams(w);
        Map<String, INDArray> g = h.gradients(npy("eca_input.npy"), npy("eca_gradout.npy"));
        Oracles.assertClose(g.get("input"), npy("eca_grad_input.npy"), 1e-6);
        Oracles.assertClose(g.get(ECA.WEIGHT), npy("eca_grad_weight.npy"), 1e-6);
        assertThat(g.get(ECA.WEIGHT).getDouble(1)).isCloseTo(29.11246701073989, within(1e-6));
    }
}
