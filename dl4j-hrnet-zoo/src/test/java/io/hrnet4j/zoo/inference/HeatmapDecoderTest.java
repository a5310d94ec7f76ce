package io.hrnet4j.zoo.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Against shared/oracle final_preds_1/2, made by the official get_final_preds (POST_PROCESS true). */
class HeatmapDecoderTest {

    private static double[][] matrix(JsonNode n) {
        double[][] m = new double[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[n.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = n.get(i).get(j).asDouble();
            }
        }
        return m;
    }

    private static void checkCase(int k, String heatmapFile) throws Exception {
        JsonNode info = new ObjectMapper().readTree(SharedData.oracle("final_preds_" + k + ".json").toFile());
        INDArray hm = NumpyFiles.readNpy(SharedData.oracle(heatmapFile));
        INDArray wantPreds = NumpyFiles.readNpy(SharedData.oracle("final_preds_" + k + "_preds.npy"));
        INDArray wantMax = NumpyFiles.readNpy(SharedData.oracle("final_preds_" + k + "_maxvals.npy"));
        double[][] center = matrix(info.get("center"));
        double[][] scale = matrix(info.get("scale"));
        if ("float32".equals(info.get("center_dtype").asText())) {
            for (double[] c : center) {
                c[0] = (float) c[0];
                c[1] = (float) c[1];
            }
            for (double[] s : scale) {
                s[0] = (float) s[0];
                s[1] = (float) s[1];
            }
        }
        HeatmapDecoder.Predictions p = HeatmapDecoder.getFinalPreds(hm, center, scale);
        assertThat(p.coords().shape()).containsExactly(2, 17, 2);
        assertThat(p.maxvals().shape()).containsExactly(2, 17, 1);
        assertThat(p.coords().dataType()).isEqualTo(DataType.FLOAT);
        float[] got = p.coords().data().asFloat();
        float[] want = wantPreds.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < want.length; i++) {
            // float32 results; the affine is solved from float32 points as cv2 does, so allow 2 float32 ulps
            assertThat(got[i]).as("case %d value %d", k, i).isCloseTo(want[i], within(2 * Math.ulp(want[i])));
        }
        assertThat(p.maxvals().data().asFloat()).containsExactly(wantMax.castTo(DataType.FLOAT).dup('c').data().asFloat());
        // argmax in heatmap cells, before refinement
        HeatmapDecoder.Predictions raw = HeatmapDecoder.getMaxPreds(hm);
        JsonNode am = info.get("argmax_xy_heatmap");
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 17; j++) {
                assertThat(raw.coords().getDouble(n, j, 0)).isEqualTo(am.get(n).get(j).get(0).asDouble());
                assertThat(raw.coords().getDouble(n, j, 1)).isEqualTo(am.get(n).get(j).get(1).asDouble());
            }
        }
        // without post-processing
        HeatmapDecoder.Predictions plain = HeatmapDecoder.getFinalPreds(hm, center, scale,
                HeatmapDecoder.Refinement.NONE, 11);
        JsonNode np = info.get("preds_without_post_process");
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 17; j++) {
                for (int d = 0; d < 2; d++) {
                    double e = np.get(n).get(j).get(d).asDouble();
                    assertThat(plain.coords().getDouble(n, j, d)).isCloseTo(e, within(2.0 * Math.ulp((float) e)));
                }
            }
        }
    }

    @Test
    void finalPredsCase1EqualsReference() throws Exception {
        checkCase(1, "tiny_output.npy");
        JsonNode info = new ObjectMapper().readTree(SharedData.oracle("final_preds_1.json").toFile());
        assertThat(info.get("preds").get(0).get(0).get(0).asDouble()).isEqualTo(303.0);
    }

    @Test
    void finalPredsCase2EdgeCasesEqualReference() throws Exception {
        checkCase(2, "final_preds_2_heatmaps.npy");
        INDArray hm = NumpyFiles.readNpy(SharedData.oracle("final_preds_2_heatmaps.npy"));
        HeatmapDecoder.Predictions p = HeatmapDecoder.getFinalPreds(hm,
                new double[][] {{412.3, 95.7}, {56, 333.3}}, new double[][] {{2.05, 2.05}, {0.5, 0.9}});
        // item 1 joint 0 is all negative: masked to (0, 0), mapped to (6.0, 266.63333)
        assertThat(p.coords().getDouble(1, 0, 0)).isCloseTo(6.0, within(1e-4));
        assertThat(p.coords().getDouble(1, 0, 1)).isCloseTo(266.63333, within(1e-4));
        assertThat(p.maxvals().getDouble(1, 0, 0)).isLessThanOrEqualTo(0.0);
    }

    @Test
    void darkRecoversTheSubPixelCentreOfAGaussian() {
        int h = 64;
        int w = 48;
        double cx = 20.3;
        double cy = 31.7;
        float[] v = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = (float) Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * 2.0 * 2.0));
            }
        }
        INDArray hm = Nd4j.create(v, new long[] {1, 1, h, w}, 'c');
        // identity-like mapping: center (24, 32), scale so that the heatmap maps 1:1 onto image pixels
        double[][] c = {{24, 32}};
        double[][] s = {{48 / 200.0, 64 / 200.0}};
        HeatmapDecoder.Predictions dark = HeatmapDecoder.getFinalPreds(hm, c, s, HeatmapDecoder.Refinement.DARK, 11);
        HeatmapDecoder.Predictions quarter = HeatmapDecoder.getFinalPreds(hm, c, s);
        double darkErr = Math.hypot(dark.coords().getDouble(0, 0, 0) - cx, dark.coords().getDouble(0, 0, 1) - cy);
        double quarterErr = Math.hypot(quarter.coords().getDouble(0, 0, 0) - cx,
                quarter.coords().getDouble(0, 0, 1) - cy);
        assertThat(quarter.coords().getDouble(0, 0, 0)).isCloseTo(20.25, within(1e-4));
        assertThat(quarter.coords().getDouble(0, 0, 1)).isCloseTo(31.75, within(1e-4));
        assertThat(darkErr).isLessThan(0.02).isLessThan(quarterErr);
        assertThatThrownBy(() -> HeatmapDecoder.getFinalPreds(hm, c, s, HeatmapDecoder.Refinement.DARK, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd");
    }

    @Test
    void badShapesAreRejected() {
        assertThatThrownBy(() -> HeatmapDecoder.getMaxPreds(Nd4j.zeros(DataType.FLOAT, 17, 64, 48)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, K, H, W], got [17, 64, 48]");
        assertThatThrownBy(() -> HeatmapDecoder.getFinalPreds(Nd4j.zeros(DataType.FLOAT, 2, 17, 8, 6),
                new double[1][2], new double[1][2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 crops but 1 centers");
    }
}
