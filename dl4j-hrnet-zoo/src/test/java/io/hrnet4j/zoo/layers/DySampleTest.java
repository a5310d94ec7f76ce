package io.hrnet4j.zoo.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class DySampleTest {

    private static INDArray npy(String p, String name) throws Exception {
        return NumpyFiles.readNpy(SharedData.oracle(p + "_" + name + ".npy"));
    }

    private static DySample layer(int scale) {
        return new DySample.Builder().scale(scale).groups(4).style(DySample.Style.LP).build();
    }

    @ParameterizedTest
    @CsvSource({"dysample_s2, 2, 16, 6, 5", "dysample_s4, 4, 8, 5, 4"})
    void initPosEqualsOfficialBuffer(String p, int scale, int c, int h, int w) throws Exception {
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle(p + "_weights.npz"));
        assertThat(DySample.initPos(scale, 4)).isEqualTo(weights.get("init_pos"));
        long expected = 2L * 4 * scale * scale * c + 2L * 4 * scale * scale;
        assertThat(DySample.numParams(c, scale, 4, DySample.Style.LP, false)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"dysample_s2, 2, 16, 6, 5", "dysample_s4, 4, 8, 5, 4"})
    void forwardMatchesOracleFloat32(String p, int scale, int c, int h, int w) throws Exception {
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle(p + "_weights.npz"));
        weights.remove("init_pos");
        GraphHarness g = new GraphHarness(layer(scale), DataType.FLOAT, WorkspaceMode.ENABLED, c, h, w)
                .setParams(weights);
        INDArray out = g.output(npy(p, "input"));
        assertThat(out.shape()).containsExactly(2, c, (long) h * scale, (long) w * scale);
        Oracles.assertClose(out, npy(p, "output"), 1e-5);
    }

    @ParameterizedTest
    @CsvSource({"dysample_s2, 2, 16, 6, 5, 79.44663356024031", "dysample_s4, 4, 8, 5, 4, -46.13635142161662"})
    void gradientsThroughGraphMatchOracleFloat64(String p, int scale, int c, int h, int w, double loss)
            throws Exception {
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle(p + "_weights.npz"));
        weights.remove("init_pos");
        GraphHarness g = new GraphHarness(layer(scale), DataType.DOUBLE, WorkspaceMode.NONE, c, h, w)
                .setParams(weights);
        INDArray x = npy(p, "input");
        INDArray r = npy(p, "gradout");
        INDArray out = g.output(x);
        Oracles.assertClose(out, npy(p, "output_f64"), 1e-9);
        assertThat(out.mul(r.castTo(DataType.DOUBLE)).sumNumber().doubleValue()).isCloseTo(loss, within(1e-9));
        Map<String, INDArray> grads = g.gradients(x, r);
        Oracles.assertClose(grads.get("input"), npy(p, "grad_input"), 1e-6);
        Oracles.assertClose(grads.get(DySample.OFFSET_WEIGHT), npy(p, "grad_offset_weight"), 1e-6);
        Oracles.assertClose(grads.get(DySample.OFFSET_BIAS), npy(p, "grad_offset_bias"), 1e-6);
    }
}
