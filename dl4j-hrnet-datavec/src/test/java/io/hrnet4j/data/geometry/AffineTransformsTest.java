package io.hrnet4j.data.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.testing.SharedData;
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
