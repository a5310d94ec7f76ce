package io.hrnet4j.data.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.testing.SharedData;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.junit.jupiter.api.Test;

/** Against shared/oracle/affine_cases.json, made by the official get_affine_transform. */
class AffineTransformsTest {

    @Test
    void matricesAndPointsMatchTheOfficialCases() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(SharedData.oracle("affine_cases.json").toFile()).get("cases");
        assertThat(cases.size()).isEqualTo(6);
        for (JsonNode c : cases) {
            JsonNode scale = c.get("scale");
            double sw = scale.isArray() ? scale.get(0).asDouble() : scale.asDouble();
            double[][] m = AffineTransforms.getAffineTransform(c.get("center").get(0).asDouble(),
                    c.get("center").get(1).asDouble(), sw, c.get("rot_deg").asDouble(),
                    c.get("output_size_wh").get(0).asDouble(), c.get("output_size_wh").get(1).asDouble(),
                    c.get("inv").asInt() == 1);
            JsonNode ref = c.get("matrix_2x3");
            for (int r = 0; r < 2; r++) {
                for (int k = 0; k < 3; k++) {
                    double e = ref.get(r).get(k).asDouble();
                    assertThat(m[r][k]).as("%s m[%d][%d]", c.get("name").asText(), r, k)
                            .isCloseTo(e, within(1e-6 * Math.max(1, Math.abs(e))));
                }
            }
            JsonNode pts = c.get("test_points_src");
            JsonNode out = c.get("test_points_transformed");
            for (int i = 0; i < pts.size(); i++) {
                double[] p = AffineTransforms.apply(m, pts.get(i).get(0).asDouble(), pts.get(i).get(1).asDouble());
                for (int d = 0; d < 2; d++) {
                    double e = out.get(i).get(d).asDouble();
                    assertThat(p[d]).isCloseTo(e, within(1e-6 * Math.max(1, Math.abs(e))));
                }
            }
        }
    }

    /**
     * The matrices are bitwise those of the official code (its {@code matrix_repr}, the full float64 repr of
     * {@code cv2.getAffineTransform}'s result) and of {@code opencv_imgproc.getAffineTransform} called directly on the
     * same float32 points: Cramer's rule differed by 1e-14..1e-11, which flips warpAffine at exact half pixels.
     */
    @Test
    void matricesAreBitwiseOpenCvGetAffineTransform() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(SharedData.oracle("affine_cases.json").toFile()).get("cases");
        for (JsonNode c : cases) {
            JsonNode scale = c.get("scale");
            double sw = scale.isArray() ? scale.get(0).asDouble() : scale.asDouble();
            double cx = c.get("center").get(0).asDouble();
            double cy = c.get("center").get(1).asDouble();
            double rot = c.get("rot_deg").asDouble();
            double ow = c.get("output_size_wh").get(0).asDouble();
            double oh = c.get("output_size_wh").get(1).asDouble();
            boolean inv = c.get("inv").asInt() == 1;
            double[][] m = AffineTransforms.getAffineTransform(cx, cy, sw, rot, ow, oh, inv);
            double[][] direct = directOpenCv(cx, cy, sw, rot, ow, oh, inv);
            JsonNode repr = c.get("matrix_repr");
            for (int r = 0; r < 2; r++) {
                for (int k = 0; k < 3; k++) {
                    double e = Double.parseDouble(repr.get(r).get(k).asText());
                    assertThat(Double.doubleToLongBits(m[r][k])).as("%s m[%d][%d] = %s vs reference %s",
                            c.get("name").asText(), r, k, m[r][k], e).isEqualTo(Double.doubleToLongBits(e));
                    assertThat(Double.doubleToLongBits(m[r][k])).isEqualTo(Double.doubleToLongBits(direct[r][k]));
                }
            }
        }
    }

    /** The reference's float32 points (numpy 1.24 promotion) (get_dir, get_3rd_point) handed to OpenCV without this class. */
    private static double[][] directOpenCv(double cx, double cy, double sw, double rot, double ow, double oh,
                                           boolean inv) {
        // scale * 200.0 keeps the dtype of scale: float32 for COCO's _xywh2cs, float64 for MPII
        double srcW = (float) sw == sw ? (float) (sw * 200) : sw * 200;
        double rad = Math.PI * rot / 180;
        float[] s0 = {(float) cx, (float) cy};
        float[] s1 = {(float) (cx + (0 * Math.cos(rad) - (srcW * -0.5) * Math.sin(rad))),
            (float) (cy + (0 * Math.sin(rad) + (srcW * -0.5) * Math.cos(rad)))};
        float[] d0 = {(float) (ow * 0.5), (float) (oh * 0.5)};
        float[] d1 = {(float) (ow * 0.5), (float) ((double) (float) (oh * 0.5) + (float) (ow * -0.5))};
        float[][] src = {s0, s1, {s1[0] - (s0[1] - s1[1]), s1[1] + (s0[0] - s1[0])}};
        float[][] dst = {d0, d1, {d1[0] - (d0[1] - d1[1]), d1[1] + (d0[0] - d1[0])}};
        try (Point2f a = new Point2f(3); Point2f b = new Point2f(3)) {
            for (int i = 0; i < 3; i++) {
                a.position(i).x((inv ? dst : src)[i][0]).y((inv ? dst : src)[i][1]);
                b.position(i).x((inv ? src : dst)[i][0]).y((inv ? src : dst)[i][1]);
            }
            a.position(0);
            b.position(0);
            try (Mat m = opencv_imgproc.getAffineTransform(a, b); DoubleIndexer ix = m.createIndexer()) {
                return new double[][] {{ix.get(0, 0), ix.get(0, 1), ix.get(0, 2)},
                    {ix.get(1, 0), ix.get(1, 1), ix.get(1, 2)}};
            }
        }
    }

    @Test
    void boxToCenterScaleIsTheOfficialXywh2cs() {
        CenterScale cs = CenterScale.fromBox(231.4, 88.2, 140.6, 270.3, 192.0 / 256.0);
        assertThat(cs.cx()).isEqualTo(301.70001220703125);
        assertThat(cs.cy()).isEqualTo(223.35000610351562);
        assertThat(cs.sw()).isEqualTo(1.2670313119888306);
        assertThat(cs.sh()).isEqualTo(1.6893750429153442);
    }

    @Test
    void rejectsNonPositiveScale() {
        assertThatThrownBy(() -> AffineTransforms.getAffineTransform(1, 1, 0, 0, 48, 64, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale 0.0");
    }
}
