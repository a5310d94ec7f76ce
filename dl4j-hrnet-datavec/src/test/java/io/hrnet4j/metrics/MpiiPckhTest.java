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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

/** Against shared/oracle mpii_pckh.json, the output of the official MPIIDataset.evaluate(). */
class MpiiPckhTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode reference() throws Exception {
        return JSON.readTree(SharedData.oracle("mpii_pckh.json").toFile());
    }

    private static MpiiPckh.PckhResult evaluateOracle(MpiiGroundTruth gt) throws Exception {
        double[][][] preds = MpiiGroundTruth.readPredictions(SharedData.oracle("mpii_pred.json"));
        return MpiiPckh.evaluate(gt, preds, "mpii_pred.json");
    }

    private static void assertEqualsReference(MpiiPckh.PckhResult r) throws Exception {
        JsonNode ref = reference();
        JsonNode official = ref.get("official_evaluate");
        official.fields().forEachRemaining(e -> assertThat(r.nameValue().get(e.getKey())).as(e.getKey())
                .isCloseTo(e.getValue().asDouble(), within(1e-9)));
        assertThat(r.mean()).isCloseTo(86.67736757624398, within(1e-10));
        assertThat(r.meanAt01Official()).isCloseTo(22.79293739967897, within(1e-10));
        for (int j = 0; j < 16; j++) {
            String name = r.jointNames().get(j);
            assertThat(r.perJoint()[j]).as(name).isCloseTo(ref.get("per_joint_PCKh@0.5").get(name).asDouble(),
                    within(1e-10));
            assertThat(r.counts()[j]).as(name).isEqualTo(ref.get("jnt_count").get(name).asInt());
        }
        JsonNode curve = ref.get("pck_curve_per_joint");
        assertThat(r.curve()).hasNumberOfRows(curve.size());
        for (int t = 0; t < curve.size(); t++) {
            assertThat(r.curveThresholds()[t]).isEqualTo(ref.get("pck_curve_thresholds").get(t).asDouble());
            for (int j = 0; j < 16; j++) {
                assertThat(r.curve()[t][j]).isCloseTo(curve.get(t).get(j).asDouble(), within(1e-10));
            }
        }
        // the true PCKh@0.1 mean: the 0.1 row of the reference curve weighted by the reference jnt_ratio
        double trueMean = 0;
        for (int j = 0; j < 16; j++) {
            trueMean += curve.get(10).get(j).asDouble()
                    * ref.get("jnt_ratio_used_for_Mean").get(r.jointNames().get(j)).asDouble();
        }
        assertThat(r.meanAt01()).isCloseTo(trueMean, within(1e-9)).isLessThan(r.meanAt01Official());
    }

    @Test
    void jsonGroundTruthGivesTheOfficialValues() throws Exception {
        MpiiGroundTruth gt = MpiiGroundTruth.read(SharedData.oracle("mpii_gt.json"));
        assertThat(gt.size()).isEqualTo(50);
        MpiiPckh.PckhResult r = evaluateOracle(gt);
        assertEqualsReference(r);
        assertThat(r.groups()[0]).isCloseTo(95.8333333333, within(1e-9));
    }

    @Test
    void matGroundTruthInTheGtValidLayoutGivesTheSameValues(@TempDir Path tmp) throws Exception {
        MpiiGroundTruth gt = MpiiGroundTruth.readJson(SharedData.oracle("mpii_gt.json"));
        int n = gt.size();
        // write the official gt_valid.mat variables with MFL
        Cell names = Mat5.newCell(1, 16);
        for (int j = 0; j < 16; j++) {
            names.set(0, j, Mat5.newString(gt.jointNames().get(j)));
        }
        Matrix missing = Mat5.newMatrix(16, n);
        Matrix pos = Mat5.newMatrix(new int[] {16, 2, n});
        Matrix heads = Mat5.newMatrix(new int[] {2, 2, n});
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < 16; j++) {
                missing.setDouble(j, p, gt.visible()[p][j] ? 0 : 1);
                pos.setDouble(new int[] {j, 0, p}, gt.joints()[p][j][0]);
                pos.setDouble(new int[] {j, 1, p}, gt.joints()[p][j][1]);
            }
            for (int c = 0; c < 2; c++) {
                for (int xy = 0; xy < 2; xy++) {
                    heads.setDouble(new int[] {c, xy, p}, gt.headBoxes()[p][c][xy]);
                }
            }
        }
        MatFile mat = Mat5.newMatFile().addArray("dataset_joints", names).addArray("jnt_missing", missing)
                .addArray("pos_gt_src", pos).addArray("headboxes_src", heads);
        Path file = tmp.resolve("gt_valid.mat");
        Mat5.writeToFile(mat, file.toFile());

        MpiiGroundTruth fromMat = MpiiGroundTruth.read(file);
        assertThat(fromMat.jointNames()).isEqualTo(gt.jointNames());
        assertThat(fromMat.joints()).isDeepEqualTo(gt.joints());
        assertThat(fromMat.visible()).isDeepEqualTo(gt.visible());
        assertThat(fromMat.headBoxes()).isDeepEqualTo(gt.headBoxes());
        assertEqualsReference(evaluateOracle(fromMat));

        // a .mat without one of the variables is named in the error
        Path bad = tmp.resolve("bad.mat");
        Mat5.writeToFile(Mat5.newMatFile().addArray("jnt_missing", Mat5.newMatrix(16, n)), bad.toFile());
        assertThatThrownBy(() -> MpiiGroundTruth.read(bad)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("bad.mat: record pos_gt_src: variable missing");
    }

    @Test
    void mismatchedPredictionsAreRejected(@TempDir Path tmp) throws Exception {
        MpiiGroundTruth gt = MpiiGroundTruth.read(SharedData.oracle("mpii_gt.json"));
        double[][][] preds = MpiiGroundTruth.readPredictions(SharedData.oracle("mpii_pred.json"));
        assertThatThrownBy(() -> MpiiPckh.evaluate(gt, java.util.Arrays.copyOf(preds, 49), "p.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("p.json: field 'preds': has 49 persons but the ground truth has 50");
        Path short15 = Files.writeString(tmp.resolve("pred.json"), "{\"preds\": [[[1, 2, 0.5]]]}");
        assertThatThrownBy(() -> MpiiGroundTruth.readPredictions(short15)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("pred.json: record preds[0]: expected 16 rows of 3 numbers");
        assertThatThrownBy(() -> MpiiGroundTruth.read(tmp.resolve("gt.txt")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("expected .mat or .json");
    }
}
