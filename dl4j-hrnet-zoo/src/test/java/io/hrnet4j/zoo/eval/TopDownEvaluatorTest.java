package io.hrnet4j.zoo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.CocoKeypointEval;
import io.hrnet4j.metrics.CocoResults;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.MpiiPckh;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.inference.NonFiniteOutputException;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import io.hrnet4j.zoo.train.TopDownValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full top-down evaluation on the real samples of shared/data: a perfect network (Gaussians at the ground-truth
 * joints) must score AP ~ 1 through boxes, crops, flip test, decoding, inverse affine, rescoring, OKS-NMS and
 * COCOeval; the tiny oracle model runs end to end on detector boxes.
 */
class TopDownEvaluatorTest {
    private static final Path COCO_ANN = SharedData.data("coco-sample/test_coco.json");
    private static final Path COCO_IMG = SharedData.data("coco-sample");
    private static final Path COCO_DET = SharedData.data("coco-sample/test_coco_det_AP_H_56.json");
    private static final Path MPII_ANN = SharedData.data("mpii-sample/test_mpii.json");
    private static final Path MPII_IMG = SharedData.data("mpii-sample");
    private static final HRNetConfig COCO_CFG = HRNetConfig.standard(32, 17, 256, 192);
    private static PerfectNetwork perfectCoco;

    @BeforeAll
    static void prepare() throws Exception {
        perfectCoco = new PerfectNetwork(COCO_CFG, KeypointSchema.COCO,
                CocoKeypoints.groundTruth(COCO_ANN, COCO_IMG, 192.0 / 256).samples());
    }

    @Test
    void perfectNetworkOnGroundTruthBoxesScoresApOne(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sub/results.json");
        List<int[]> progress = new ArrayList<>();
        TopDownEvalResult r = TopDownEvaluator.builder(perfectCoco).flipTest(false).dark(true).batchSize(4)
                .resultsFile(out).progress((done, total, rate) -> progress.add(new int[] {done, total})).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        // 14 annotations: 2 have no keypoint (skipped), 12 persons on 4 images
        assertThat(r.numSamples()).isEqualTo(12);
        assertThat(r.numImages()).isEqualTo(4);
        assertThat(progress).extracting(p -> p[0]).containsExactly(4, 8, 12);
        assertThat(r.stats().keySet()).containsExactly("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50", "AR75",
                "ARm", "ARl");
        assertThat(r.cocoStats().ap()).isGreaterThan(0.99);
        assertThat(r.cocoStats().ar()).isGreaterThan(0.99);
        // the numbers are those of the real evaluator on the written file
        double[] again = new CocoKeypointEval(CocoGroundTruth.read(COCO_ANN), CocoResults.read(out)).evaluate()
                .toArray();
        assertThat(r.cocoStats().toArray()).containsExactly(again);
        assertThat(r.resultsFile()).isEqualTo(out);
        assertThat(r.numResults()).isEqualTo(CocoResults.read(out).size());
        // per joint: labelled counts of the non-ignored persons, every joint within OKS term 0.5
        int[] labelled = labelledPerJoint();
        for (int j = 0; j < 17; j++) {
            TopDownEvalResult.JointAccuracy a = r.perJoint().get(j);
            assertThat(a.joint()).isEqualTo(KeypointSchema.COCO.jointNames().get(j));
            assertThat(a.labelled()).isEqualTo(labelled[j]);
            assertThat(a.accuracy()).as(a.joint()).isEqualTo(1.0);
            assertThat(a.meanScore()).as(a.joint()).isGreaterThan(0.95);
        }
        assertThat(r.timings().totalSeconds()).isGreaterThanOrEqualTo(r.timings().inferenceSeconds());
    }

    @Test
    void perfectNetworkWithFlipTestAndQuarterOffsetStaysNearOne() throws Exception {
        TopDownEvalResult flip = TopDownEvaluator.builder(perfectCoco).flipTest(true).batchSize(5).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        assertThat(flip.cocoStats().ap()).isGreaterThan(0.9);
        assertThat(flip.cocoStats().ap50()).isEqualTo(1.0);
    }

    @Test
    void flipTestNeedsTheLeftRightSwapOfTheMirroredCrop() throws Exception {
        // a network that answers the mirrored crop at the mirrored positions but without swapping left and right:
        // alone it is perfect, but the flip test (which swaps the pairs back) now averages each joint with its
        // opposite side, so AP must fall well below the perfect network's
        PerfectNetwork noSwap = new PerfectNetwork(COCO_CFG, KeypointSchema.COCO,
                CocoKeypoints.groundTruth(COCO_ANN, COCO_IMG, 192.0 / 256).samples(), false);
        TopDownEvalResult plain = TopDownEvaluator.builder(noSwap).flipTest(false).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        TopDownEvalResult flipped = TopDownEvaluator.builder(noSwap).flipTest(true).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        assertThat(plain.cocoStats().ap()).isGreaterThan(0.9);
        assertThat(flipped.cocoStats().ap()).isLessThan(0.6);
        // the nose has no pair: it stays right; the wrists (far from their pair) do not
        assertThat(flipped.perJoint().get(0).accuracy()).isEqualTo(1.0);
        assertThat(flipped.perJoint().get(9).accuracy()).isLessThan(0.8);
    }

    @Test
    void tinyOracleModelOnDetectorBoxesRunsEndToEnd(@TempDir Path tmp) throws Exception {
        PoseNetwork tiny = PoseNetworks.load(TinyConfigs.tiny(), SharedData.oracle("tiny_hrnet.npz"),
                PoseNetworks.Backend.GRAPH);
        Path out = tmp.resolve("dets.json");
        double thr = 0.99; // 12 of the 118 boxes: keeps the CPU test short
        TopDownEvalResult r = TopDownEvaluator.builder(tiny).flipTest(false).batchSize(6).workers(2).resultsFile(out)
                .build()
                .evaluate(EvalDataset.cocoDetections(COCO_ANN, COCO_IMG, COCO_DET, thr));
        JsonNode dets = new ObjectMapper().readTree(COCO_DET.toFile());
        int kept = 0;
        for (JsonNode d : dets) {
            if (d.get("score").asDouble() >= thr && d.get("category_id").asInt() == 1) {
                kept++;
            }
        }
        assertThat(r.numSamples()).isEqualTo(kept);
        double[] again = new CocoKeypointEval(CocoGroundTruth.read(COCO_ANN), CocoResults.read(out)).evaluate()
                .toArray();
        assertThat(r.cocoStats().toArray()).containsExactly(again);
        assertThat(r.cocoStats().ap()).isBetween(0.0, 1.0);
        assertThat(r.numResults()).isBetween(1, kept);
    }

    @Test
    void detectionOfAnUnknownImageIsRefused(@TempDir Path tmp) throws Exception {
        Path boxes = Files.writeString(tmp.resolve("boxes.json"), "[{\"image_id\": 785, \"category_id\": 1, "
                + "\"bbox\": [10, 10, 100, 200], \"score\": 0.9}, {\"image_id\": 4242, \"category_id\": 1, "
                + "\"bbox\": [10, 10, 100, 200], \"score\": 0.9}]");
        assertThatThrownBy(() -> TopDownEvaluator.builder(perfectCoco).build()
                .evaluate(EvalDataset.cocoDetections(COCO_ANN, COCO_IMG, boxes, 0.0)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(boxes.toString()).hasMessageContaining("detection #1")
                .hasMessageContaining("image 4242 is not in the annotation file");
    }

    @Test
    void missingImageNamesTheFile(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> TopDownEvaluator.builder(perfectCoco).build()
                .evaluate(EvalDataset.coco(COCO_ANN, tmp)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("000000000785.jpg").hasMessageContaining("image file not found");
    }

    @Test
    void perfectNetworkOnMpiiScoresFullPckhWithApproximatedHeadBoxes(@TempDir Path tmp) throws Exception {
        HRNetConfig cfg = HRNetConfig.standard(32, 16, 256, 256);
        PerfectNetwork perfect = new PerfectNetwork(cfg, KeypointSchema.MPII,
                MpiiAnnotations.load(MPII_ANN, MPII_IMG).samples());
        Path out = tmp.resolve("mpii_preds.json");
        TopDownEvalResult r = TopDownEvaluator.builder(perfect).resultsFile(out).build()
                .evaluate(EvalDataset.mpii(MPII_ANN, MPII_IMG, null));
        assertThat(r.headBoxesApproximated()).isTrue();
        assertThat(r.numSamples()).isEqualTo(5);
        assertThat(r.stats().get("Mean")).isCloseTo(100.0, within(1e-9));
        // the written predictions re-evaluate to the same PCKh with the same ground truth
        MpiiGroundTruth gt = TopDownEvaluator.approximateGroundTruth(
                MpiiAnnotations.load(MPII_ANN, MPII_IMG).samples(), MPII_ANN);
        MpiiPckh.PckhResult again = MpiiPckh.evaluate(gt, MpiiGroundTruth.readPredictions(out), out.toString());
        assertThat(again.mean()).isEqualTo(r.pckh().mean());
        assertThat(again.meanAt01Official()).isEqualTo(r.stats().get("Mean@0.1"));
    }

    @Test
    void mpiiGroundTruthOfOtherPersonsIsRefused() {
        assertThatThrownBy(() -> TopDownEvaluator.builder(PoseNetworks.random(TinyConfigs.tiny().withNumJoints(16),
                        PoseNetworks.Backend.GRAPH, 1)).build()
                .evaluate(EvalDataset.mpii(MPII_ANN, MPII_IMG, SharedData.oracle("mpii_gt.json"))))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("mpii_gt.json").hasMessageContaining("holds 50 persons but")
                .hasMessageContaining("has 5 records");
    }

    @Test
    void networkForAnotherDatasetIsRefused() {
        assertThatThrownBy(() -> TopDownEvaluator.builder(perfectCoco).build()
                .evaluate(EvalDataset.mpii(MPII_ANN, MPII_IMG, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the network predicts 17 joints but the dataset mpii has 16");
    }

    @Test
    void resultsCarryTheOfficialCenterAndScaleOfTheirBox(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results.json");
        TopDownEvalResult r = TopDownEvaluator.builder(perfectCoco).flipTest(false).resultsFile(out).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        List<PoseSample> samples = CocoKeypoints.groundTruth(COCO_ANN, COCO_IMG, 192.0 / 256).samples();
        JsonNode results = new ObjectMapper().readTree(out.toFile());
        assertThat(results).hasSize(r.numResults());
        for (JsonNode e : results) {
            // the official COCODataset._coco_keypoint_results_one_category_kernel fields
            assertThat(e.fieldNames()).toIterable().containsExactly("image_id", "category_id", "keypoints", "score",
                    "center", "scale");
            double[] c = {e.get("center").get(0).asDouble(), e.get("center").get(1).asDouble()};
            double[] sc = {e.get("scale").get(0).asDouble(), e.get("scale").get(1).asDouble()};
            assertThat(samples).as("box of %s", e).anySatisfy(s -> {
                assertThat(s.imageId()).isEqualTo(e.get("image_id").asLong());
                assertThat(new double[] {s.box().cx(), s.box().cy()}).containsExactly(c);
                assertThat(new double[] {s.box().sw(), s.box().sh()}).containsExactly(sc);
            });
        }
        // the extra fields are ignored by the evaluation, as pycocotools ignores them
        assertThat(new CocoKeypointEval(CocoGroundTruth.read(COCO_ANN), CocoResults.read(out)).evaluate().toArray())
                .containsExactly(r.cocoStats().toArray());
    }

    @Test
    void validationDuringTrainingIsTheEvaluationPath() throws Exception {
        TopDownEvalResult eval = TopDownEvaluator.builder(perfectCoco).flipTest(true).batchSize(5).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        TopDownRecipe recipe = new TopDownPredictor(perfectCoco, KeypointSchema.COCO,
                TopDownPredictor.Options.official()).recipe();
        TopDownValidator validator = TopDownValidator.coco(
                CocoKeypoints.groundTruth(COCO_ANN, COCO_IMG, recipe.aspectRatio()).samples(), recipe,
                CocoGroundTruth.read(COCO_ANN), 3, 2, true);
        TopDownEvalResult val = validator.evaluate(perfectCoco);
        assertThat(val.metricName()).isEqualTo("AP");
        assertThat(val.metric()).isEqualTo(eval.cocoStats().ap());
        assertThat(val.cocoStats().toArray()).containsExactly(eval.cocoStats().toArray());
        assertThat(val.perJoint()).isEqualTo(eval.perJoint());
        assertThat(val.predictions()).hasSameSizeAs(eval.predictions());
        for (int i = 0; i < val.predictions().size(); i++) {
            assertThat(val.predictions().get(i).flatKeypoints())
                    .containsExactly(eval.predictions().get(i).flatKeypoints());
            assertThat(val.predictions().get(i).score()).isEqualTo(eval.predictions().get(i).score());
        }
        // what the trainer keeps: the same result type, the same numbers
        TopDownEvalResult v = validator.validate(perfectCoco, 3);
        assertThat(v.metricName()).isEqualTo("AP");
        assertThat(v.metric()).isEqualTo(eval.metric());
        assertThat(v.stats()).isEqualTo(eval.stats());
        assertThat(v.predictions()).hasSameSizeAs(eval.predictions());
        for (int i = 0; i < v.predictions().size(); i++) {
            assertThat(v.predictions().get(i).keypoints()).isDeepEqualTo(eval.predictions().get(i).keypoints());
            assertThat(v.predictions().get(i).imagePath()).isEqualTo(eval.predictions().get(i).imagePath());
        }
    }

    @Test
    void aScalarScoreKeepsItsMetricAndHasNoResultsFile(@TempDir Path tmp) {
        TopDownEvalResult loss = TopDownEvalResult.ofScore("validation_loss", -0.25, Map.of("validation_loss", 0.25));
        assertThat(loss.metricName()).isEqualTo("validation_loss");
        assertThat(loss.metric()).isEqualTo(-0.25);
        assertThat(loss.stats()).containsExactly(Map.entry("validation_loss", 0.25));
        assertThat(loss.kind()).isNull();
        assertThat(loss.predictions()).isEmpty();
        assertThat(loss.toJsonMap()).containsEntry("dataset", null).containsEntry("results", 0);
        Path file = tmp.resolve("results.json");
        assertThatThrownBy(() -> loss.writeResults(file)).isInstanceOf(IllegalStateException.class)
                .hasMessage("a scalar score (validation_loss) has no results file");
        assertThat(file).doesNotExist();
    }

    @Test
    void nanOutputNeverReplacesAGoodResultsFile(@TempDir Path tmp) throws Exception {
        Path good = Files.writeString(tmp.resolve("good.json"), "[{\"image_id\": 785}]");
        PoseNetwork nan = new PoseNetwork() {
            @Override
            public HRNetConfig config() {
                return COCO_CFG;
            }

            @Override
            public INDArray output(INDArray input) {
                return Nd4j.valueArrayOf(new long[] {input.size(0), 17, 64, 48}, Float.NaN, DataType.FLOAT);
            }
        };
        assertThatThrownBy(() -> TopDownEvaluator.builder(nan).resultsFile(good).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG)))
                .isInstanceOf(NonFiniteOutputException.class)
                .hasMessageContaining("crop #0 (image " + COCO_IMG.resolve("000000000785.jpg"))
                .hasMessageContaining("image id 785").hasMessageContaining("joint 0 (nose)")
                .hasMessageContaining("NaN");
        assertThat(Files.readString(good)).isEqualTo("[{\"image_id\": 785}]");
        try (var files = Files.list(tmp)) {
            assertThat(files).containsExactly(good);
        }
    }

    @Test
    void unwritableResultsFileIsReportedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        List<Integer> progress = new ArrayList<>();
        Path bad = Path.of("/proc/hrnet4j-no-such-dir/results.json");
        assertThatThrownBy(() -> TopDownEvaluator.builder(perfectCoco).resultsFile(bad)
                .progress((done, total, rate) -> progress.add(done)).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG)))
                .isInstanceOf(java.io.IOException.class).hasMessageStartingWith("/proc/hrnet4j-no-such-dir");
        assertThat(progress).isEmpty();
        // a write that fails after the work leaves the existing target as it was
        TopDownEvalResult r = TopDownEvaluator.builder(perfectCoco).flipTest(false).build()
                .evaluate(EvalDataset.coco(COCO_ANN, COCO_IMG));
        Path folder = Files.createDirectories(tmp.resolve("a-folder.json"));
        assertThatThrownBy(() -> r.writeResults(folder)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("is a folder");
        assertThat(r.resultsFile()).isNull();
        Path written = tmp.resolve("r.json");
        assertThat(r.writeResults(written).resultsFile()).isEqualTo(written);
        assertThat(CocoResults.read(written)).hasSize(r.numResults());
    }

    private static int[] labelledPerJoint() throws Exception {
        JsonNode root = new ObjectMapper().readTree(COCO_ANN.toFile());
        int[] n = new int[17];
        for (JsonNode a : root.get("annotations")) {
            if (a.get("iscrowd").asInt() != 0 || a.get("num_keypoints").asInt() == 0) {
                continue;
            }
            for (int j = 0; j < 17; j++) {
                if (a.get("keypoints").get(3 * j + 2).asInt() > 0) {
                    n[j]++;
                }
            }
        }
        return n;
    }
}
