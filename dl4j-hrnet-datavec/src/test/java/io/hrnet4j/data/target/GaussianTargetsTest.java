package io.hrnet4j.data.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Against shared/oracle target_K_*.npy, made by the official generate_target (sigma 2, 192x256 to 48x64). */
class GaussianTargetsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void targetsAndWeightsMatchTheOfficialGenerateTarget(int k) throws Exception {
        INDArray joints = NumpyFiles.readNpy(SharedData.oracle("target_" + k + "_joints.npy"));
        INDArray target = NumpyFiles.readNpy(SharedData.oracle("target_" + k + "_target.npy"));
        INDArray weight = NumpyFiles.readNpy(SharedData.oracle("target_" + k + "_weight.npy"));
        assertThat(target.shape()).containsExactly(17, 64, 48);
        assertThat(weight.shape()).containsExactly(17, 1);
        double[][] j = new double[17][3];
        for (int i = 0; i < 17; i++) {
            for (int c = 0; c < 3; c++) {
                j[i][c] = joints.getDouble(i, c);
            }
        }
        GaussianTargets.Targets t = GaussianTargets.generate(j, 192, 256, 48, 64, 2);
        assertThat(t.heatmaps()).hasSize(17 * 64 * 48);
        for (int i = 0; i < 17; i++) {
            assertThat(t.weights()[i]).as("weight %d", i).isEqualTo(weight.getFloat(i, 0));
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 48; x++) {
                    assertThat(t.at(i, y, x)).as("joint %d (%d, %d)", i, y, x)
                            .isCloseTo(target.getFloat(i, y, x), within(1e-6f));
                }
            }
        }
    }

    @Test
    void edgeCaseWeightsAreTheDocumentedOnes() throws Exception {
        INDArray joints = NumpyFiles.readNpy(SharedData.oracle("target_2_joints.npy"));
        double[][] j = new double[17][3];
        for (int i = 0; i < 17; i++) {
            for (int c = 0; c < 3; c++) {
                j[i][c] = joints.getDouble(i, c);
            }
        }
        float[] w = GaussianTargets.generate(j, 192, 256, 48, 64, 2).weights();
        assertThat(w).containsExactly(1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1);
        // A full 13x13 window sums to 25.081289 (oracle README section 6).
        double sum = 0;
        GaussianTargets.Targets t = GaussianTargets.generate(new double[][] {{96, 128, 1}}, 192, 256, 48, 64, 2);
        for (float v : t.heatmaps()) {
            sum += v;
        }
        assertThat(sum).isCloseTo(25.081289, within(1e-5));
        assertThat(t.at(0, 32, 24)).isEqualTo(1f);
    }

    @Test
    void rejectsBadSettingsAndNonFiniteVisibleJoints() {
        assertThatThrownBy(() -> GaussianTargets.generate(new double[][] {{1, 1, 1}}, 192, 256, 48, 64, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sigma 0.0");
        assertThatThrownBy(() -> GaussianTargets.generate(new double[][] {{Double.NaN, 1, 1}}, 192, 256, 48, 64, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joint 0 is not finite");
    }
}
