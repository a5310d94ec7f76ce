package io.hrnet4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against shared/oracle coco_*.json, produced by pycocotools COCOeval (iouType keypoints). */
class CocoKeypointEvalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static double[] stats(String file) throws Exception {
        JsonNode s = JSON.readTree(SharedData.oracle(file).toFile()).get("stats");
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.get(i).asDouble();
        }
        return v;
    }

    @Test
    void mainCaseEqualsPycocotoolsStats() throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_gt.json"));
        List<KeypointResult> dt = CocoResults.read(SharedData.oracle("coco_dt.json"));
        assertThat(dt).hasSize(92);
        double[] got = new CocoKeypointEval(gt, dt).evaluate().toArray();
        double[] want = stats("coco_stats.json");
        assertThat(want[0]).isEqualTo(0.5072049174657164);
        for (int i = 0; i < 10; i++) {
            assertThat(got[i]).as("stat %s", CocoStats.KEYS.get(i)).isCloseTo(want[i], within(1e-9));
        }
    }

    @Test
    void perfectCaseGivesOneAndMinusOneForMissingLargePersons() throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_perfect_gt.json"));
        List<KeypointResult> dt = CocoResults.read(SharedData.oracle("coco_perfect_dt.json"));
        double[] got = new CocoKeypointEval(gt, dt).evaluate().toArray();
        double[] want = stats("coco_perfect_stats.json");
        for (int i = 0; i < 10; i++) {
            assertThat(got[i]).as("stat %s", CocoStats.KEYS.get(i)).isCloseTo(want[i], within(1e-12));
        }
        assertThat(got[4]).isEqualTo(-1.0);
        assertThat(got[9]).isEqualTo(-1.0);
        // tp / (tp + fp + np.spacing(1)) with tp = 1 is 1 - 2^-53: pycocotools' AP is 0.9999999999999998
        assertThat(got[0]).isEqualTo(0.9999999999999998);
    }

    @Test
    void perJointOksTakesTheComputeOksTermOfTheMatchedPerson() throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_gt.json"));
        CocoGroundTruth.Annotation a = gt.annotations().stream()
                .filter(x -> x.categoryId() == 1 && !x.ignored() && x.keypoints()[3 * 5 + 2] > 0).findFirst()
                .orElseThrow();
        double[] kp = a.keypoints().clone();
        kp[3 * 5] += 3; // left shoulder moved by a 3-4-5 triangle: d^2 = 25
        kp[3 * 5 + 1] += 4;
        for (int j = 0; j < 17; j++) {
            kp[3 * j + 2] = 1;
        }
        List<CocoKeypointEval.JointOks> perJoint = new CocoKeypointEval(gt,
                List.of(new KeypointResult(a.imageId(), 1, kp, 0.9))).perJointOks(1);
        int[] labelled = new int[17];
        for (CocoGroundTruth.Annotation g : gt.annotations()) {
            for (int j = 0; j < 17 && g.categoryId() == 1 && !g.ignored(); j++) {
                labelled[j] += g.keypoints()[3 * j + 2] > 0 ? 1 : 0;
            }
        }
        double sigma2 = 2 * CocoKeypointEval.COCO_SIGMAS[5];
        double term = Math.exp(-(25 / (sigma2 * sigma2) / (a.area() + Math.ulp(1.0)) / 2));
        assertThat(perJoint).hasSize(17);
        for (int j = 0; j < 17; j++) {
            CocoKeypointEval.JointOks o = perJoint.get(j);
            assertThat(o.labelled()).as("joint %d", j).isEqualTo(labelled[j]);
            boolean mine = a.keypoints()[3 * j + 2] > 0;
            double expected = !mine ? 0 : j == 5 ? term : 1.0;
            assertThat(o.meanOks()).as("joint %d", j).isEqualTo(expected / labelled[j]);
            assertThat(o.accuracy()).as("joint %d", j)
                    .isEqualTo((mine && expected >= 0.5 ? 1.0 : 0.0) / labelled[j]);
        }
    }

    @Test
    void perImageOksMatricesEqualPycocotools() throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_gt.json"));
        CocoKeypointEval eval = new CocoKeypointEval(gt, CocoResults.read(SharedData.oracle("coco_dt.json")));
        JsonNode ref = JSON.readTree(SharedData.oracle("coco_oks.json").toFile());
        int checked = 0;
        for (JsonNode img : ref) {
            long id = img.get("image_id").asLong();
            double[][] oks = eval.oks(id, 1);
            List<KeypointResult> rows = eval.rankedDetections(id, 1);
            long[] cols = eval.groundTruthIds(id, 1);
            JsonNode m = img.get("oks");
            assertThat(oks.length).as("rows of image %d", id).isEqualTo(m.size());
            assertThat(rows).hasSize(img.get("det_scores").size());
            for (int d = 0; d < rows.size(); d++) {
                assertThat(rows.get(d).score()).isEqualTo(img.get("det_scores").get(d).asDouble());
            }
            for (int g = 0; g < cols.length; g++) {
                assertThat(cols[g]).isEqualTo(img.get("gt_ann_ids").get(g).asLong());
            }
            for (int d = 0; d < m.size(); d++) {
                for (int g = 0; g < m.get(d).size(); g++) {
                    double e = m.get(d).get(g).asDouble();
                    assertThat(oks[d][g]).as("image %d oks[%d][%d]", id, d, g)
                            .isCloseTo(e, within(1e-11 * Math.max(1e-300, Math.abs(e)) + 1e-12));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
        // image 1028 has 24 detections: only the best 20 are kept
        assertThat(eval.rankedDetections(1028, 1)).hasSize(20);
    }

    @Test
    void summaryTableIsPycocotoolsText() throws Exception {
        JsonNode ref = JSON.readTree(SharedData.oracle("coco_stats.json").toFile()).get("summarize_output");
        StringBuilder want = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            want.append(ref.get(i).asText()).append('\n');
        }
        CocoKeypointEval eval = new CocoKeypointEval(CocoGroundTruth.read(SharedData.oracle("coco_gt.json")),
                CocoResults.read(SharedData.oracle("coco_dt.json")));
        assertThat(eval.summary()).isEqualTo(want.toString());

        JsonNode perfect = JSON.readTree(SharedData.oracle("coco_perfect_stats.json").toFile()).get("summarize_output");
        CocoKeypointEval p = new CocoKeypointEval(CocoGroundTruth.read(SharedData.oracle("coco_perfect_gt.json")),
                CocoResults.read(SharedData.oracle("coco_perfect_dt.json")));
        assertThat(p.summary().split("\n")[4]).isEqualTo(perfect.get(5).asText());
    }

    @Test
    void pythonRoundingOfThreeDecimals() {
        // 0.1235 is 0.12349999999999999866 in binary: Python prints 0.123 (Java's %.3f would print 0.124)
        assertThat(CocoKeypointEval.fmt(0.1235, 3)).isEqualTo("0.123");
        assertThat(CocoKeypointEval.fmt(0.0625, 3)).isEqualTo("0.062"); // exact tie: half to even
        assertThat(CocoKeypointEval.fmt(-1, 3)).isEqualTo("-1.000");
    }

    @Test
    void thresholdsAreNumpyLinspace() {
        double[] t = CocoKeypointEval.oksThresholds();
        assertThat(t).hasSize(10);
        assertThat(t[8]).isEqualTo(0.8999999999999999);
        assertThat(t[5]).isEqualTo(0.75);
        double[] r = CocoKeypointEval.recallThresholds();
        assertThat(r).hasSize(101);
        assertThat(r[7]).isEqualTo(7 * 0.01);
        assertThat(r[100]).isEqualTo(1.0);
    }

    @Test
    void writtenResultsReadBackAndEvaluateIdentically(@TempDir Path tmp) throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_gt.json"));
        List<KeypointResult> dt = CocoResults.read(SharedData.oracle("coco_dt.json"));
        Path out = tmp.resolve("results.json");
        CocoResults.write(out, dt);
        List<KeypointResult> back = CocoResults.read(out);
        assertThat(back).hasSize(dt.size());
        for (int i = 0; i < dt.size(); i++) {
            assertThat(back.get(i).keypoints()).containsExactly(dt.get(i).keypoints());
            assertThat(back.get(i).score()).isEqualTo(dt.get(i).score());
            assertThat(back.get(i).imageId()).isEqualTo(dt.get(i).imageId());
            assertThat(back.get(i).categoryId()).isEqualTo(1);
        }
        JsonNode first = JSON.readTree(out.toFile()).get(0);
        assertThat(first.has("image_id") && first.has("category_id") && first.has("score")).isTrue();
        assertThat(first.get("keypoints").size()).isEqualTo(51);
        assertThat(new CocoKeypointEval(gt, back).evaluate()).isEqualTo(new CocoKeypointEval(gt, dt).evaluate());
    }

    @Test
    void aFailedWriteLeavesTheExistingResultsFileUnchanged(@TempDir Path tmp) throws Exception {
        List<KeypointResult> dt = CocoResults.read(SharedData.oracle("coco_dt.json"));
        Path out = tmp.resolve("results.json");
        CocoResults.write(out, dt);
        byte[] good = java.nio.file.Files.readAllBytes(out);
        List<KeypointResult> broken = new java.util.ArrayList<>(dt);
        broken.add(null); // the writer fails after most of the file is written
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CocoResults.write(out, broken))
                .isInstanceOf(NullPointerException.class);
        assertThat(java.nio.file.Files.readAllBytes(out)).isEqualTo(good);
        try (var files = java.nio.file.Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("results.json");
        }
    }

    @Test
    void badResultsAreRejectedWithFileRecordAndField(@TempDir Path tmp) throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_gt.json"));
        List<KeypointResult> dt = new ArrayList<>(CocoResults.read(SharedData.oracle("coco_dt.json")));

        Path empty = Files.writeString(tmp.resolve("empty.json"), "");
        assertThatThrownBy(() -> CocoResults.read(empty)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("empty.json").hasMessageContaining("empty");
        Path emptyArray = Files.writeString(tmp.resolve("none.json"), "[]");
        assertThatThrownBy(() -> CocoResults.read(emptyArray)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no results");

        Path nan = Files.writeString(tmp.resolve("nan.json"),
                "[{\"image_id\": 1000, \"category_id\": 1, \"score\": 0.5, \"keypoints\": [1, 2, NaN]}]");
        assertThatThrownBy(() -> CocoResults.read(nan)).isInstanceOf(DataFormatException.class)
                .hasMessage(nan + ": record results[0], field 'keypoints[2]': not a finite number: NaN");

        Path noScore = Files.writeString(tmp.resolve("noscore.json"),
                "[{\"image_id\": 1000, \"category_id\": 1, \"keypoints\": [1, 2, 3]}]");
        assertThatThrownBy(() -> CocoResults.read(noScore)).isInstanceOfSatisfying(DataFormatException.class,
                e -> {
                    assertThat(e).hasMessage(noScore + ": record results[0], field 'score': missing");
                    assertThat(e.record()).isEqualTo("results[0]");
                    assertThat(e.field()).isEqualTo("score");
                });

        dt.set(3, new KeypointResult(424242, 1, dt.get(3).keypoints(), 0.5));
        // in-memory results: the same message, as an IllegalArgumentException
        assertThatThrownBy(() -> new CocoKeypointEval(gt, dt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<results>: record results[3], field 'image_id': image 424242 is not in the "
                        + "ground truth");

        dt.set(3, new KeypointResult(1000, 1, new double[48], 0.5));
        assertThatThrownBy(() -> new CocoKeypointEval(gt, dt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record results[3], field 'keypoints': expected 51 values (17 joints x "
                        + "[x, y, score]), got 48");
    }

    @Test
    void resultsOfAnUnknownCategoryAreIgnoredAsPycocotoolsDoes() throws Exception {
        CocoGroundTruth gt = CocoGroundTruth.read(SharedData.oracle("coco_gt.json"));
        List<KeypointResult> dt = new ArrayList<>(CocoResults.read(SharedData.oracle("coco_dt.json")));
        CocoStats base = new CocoKeypointEval(gt, dt).evaluate();
        dt.add(new KeypointResult(1000, 7, dt.get(0).keypoints(), 0.99));
        assertThat(new CocoKeypointEval(gt, dt).evaluate()).isEqualTo(base);
    }

    @Test
    void synthetic5000ImageProblemEvaluatesQuickly() {
        CocoEvalProblems.Problem p = CocoEvalProblems.generate(7, 500, 640, 10_000);
        long t0 = System.nanoTime();
        CocoStats s = new CocoKeypointEval(p.groundTruth(), p.results()).evaluate();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(p.groundTruth().annotations()).hasSize(640);
        assertThat(p.results()).hasSize(10_000);
        assertThat(s.ap()).isBetween(0.05, 0.95);
        assertThat(s.ar()).isBetween(s.ap() - 0.5, 1.0);
        assertThat(seconds).isLessThan(5.0);
    }
}
