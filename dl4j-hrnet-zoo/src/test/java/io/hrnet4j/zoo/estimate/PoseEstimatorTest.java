package io.hrnet4j.zoo.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link PoseEstimator} with the tiny oracle network on the real COCO sample 196141 (several people). */
class PoseEstimatorTest {
    private static final Path COCO = SharedData.data("coco-sample");
    private static final Path IMAGE = COCO.resolve("000000196141.jpg");
    private static final Path DETS = COCO.resolve("test_coco_det_AP_H_56.json");
    private static PoseNetwork tiny;

    @BeforeAll
    static void load() throws Exception {
        tiny = PoseNetworks.load(TinyConfigs.tiny(), SharedData.oracle("tiny_hrnet.npz"), PoseNetworks.Backend.GRAPH);
    }

    private static int boxesAbove(long imageId, double threshold) throws Exception {
        int n = 0;
        for (JsonNode d : new ObjectMapper().readTree(DETS.toFile())) {
            if (d.get("image_id").asLong() == imageId && d.get("category_id").asInt() == 1
                    && d.get("score").asDouble() >= threshold) {
                n++;
            }
        }
        return n;
    }

    @Test
    void detectionsFileGivesOnePersonPerBoxWithTheKeypointsOfTheTopDownPredictor() throws Exception {
        CocoDetectionsFile det = CocoDetectionsFile.read(DETS, 0.3);
        PoseEstimator est = new PoseEstimator(tiny, KeypointSchema.COCO, det,
                PoseEstimator.Options.defaults().withFlipTest(true).withOksNms(false, 0.9).withBatchSize(5));
        PoseEstimator.Result r = est.estimate(IMAGE);
        int expected = boxesAbove(196141, 0.3);
        assertThat(expected).isEqualTo(13);
        assertThat(r.detections()).isEqualTo(expected);
        assertThat(r.people()).hasSize(expected);
        assertThat(r.imageWidth()).isEqualTo(640);
        assertThat(r.imageHeight()).isEqualTo(429);
        // the same boxes through the file-based path of TopDownPredictor (same batches): identical keypoints
        List<PersonBox> boxes = det.boxes(196141);
        double aspect = est.predictor().recipe().aspectRatio();
        List<CenterScale> cs = boxes.stream().map(b -> b.centerScale(aspect)).toList();
        List<TopDownPredictor.Person> ref = est.predictor().predictBoxes(IMAGE, cs,
                boxes.stream().map(PersonBox::score).toList(), 5);
        for (PoseEstimator.Person p : r.people()) {
            int i = boxes.indexOf(p.box());
            assertThat(i).isNotNegative();
            assertThat(p.keypoints()).containsExactly(ref.get(i).keypoints());
            assertThat(p.crop()).isEqualTo(cs.get(i));
            assertThat(p.keypoints()).hasSize(51);
        }
        // best first, scores = box score x mean keypoint score above 0.2
        for (int i = 1; i < r.people().size(); i++) {
            assertThat(r.people().get(i).score()).isLessThanOrEqualTo(r.people().get(i - 1).score());
        }
    }

    @Test
    void cropsAreThoseOfTheEvaluationPipeline() throws Exception {
        TopDownPredictor p = new TopDownPredictor(tiny, KeypointSchema.COCO, TopDownPredictor.Options.of(false, false));
        CenterScale cs = new PersonBox(200, 60, 120, 300, 1).centerScale(p.recipe().aspectRatio());
        float[] ref = new TopDownSampleProcessor(p.recipe(), false).process(new PoseSample(IMAGE, 196141, 0,
                new double[17][3], cs, 1.0, 1.0), 0, new Random(0)).input();
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            INDArray x = p.crops(bgr, List.of(cs, cs));
            assertThat(x.shape()).containsExactly(2, 3, 128, 96);
            float[] v = x.dup('c').data().asFloat();
            for (int i = 0; i < ref.length; i++) {
                assertThat(v[i]).isEqualTo(ref[i]);
                assertThat(v[ref.length + i]).isEqualTo(ref[i]);
            }
        }
    }

    @Test
    void bufferedImageAndMatGiveTheSamePeopleAsTheFile(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("196141.png");
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            PoseRenderer.write(bgr, png);
        }
        PoseEstimator est = new PoseEstimator(tiny, KeypointSchema.COCO, new WholeImageDetector(),
                PoseEstimator.Options.defaults().withHeatmaps(true));
        PoseEstimator.Result fromFile = est.estimate(png);
        PoseEstimator.Result fromJava = est.estimate(ImageIO.read(png.toFile()));
        assertThat(fromFile.people()).hasSize(1);
        PoseEstimator.Person a = fromFile.people().get(0);
        assertThat(a.box()).isEqualTo(new PersonBox(0, 0, 640, 429, 1));
        assertThat(fromJava.people().get(0).keypoints()).containsExactly(a.keypoints());
        assertThat(a.heatmaps().shape()).containsExactly(17, 32, 24);
    }

    @Test
    void oksNmsDropsTheDuplicateOfAPerson() throws Exception {
        PersonDetector twice = new PersonDetector() {
            @Override
            public List<PersonBox> detect(Mat bgr, OptionalLong imageId) {
                return List.of(new PersonBox(300, 50, 150, 350, 0.9), new PersonBox(300, 50, 150, 350, 0.8),
                        new PersonBox(20, 100, 100, 250, 0.7));
            }

            @Override
            public String describe() {
                return "duplicates";
            }
        };
        PoseEstimator.Options o = PoseEstimator.Options.defaults().withFlipTest(false);
        List<PoseEstimator.Person> kept = new PoseEstimator(tiny, KeypointSchema.COCO, twice, o).estimate(IMAGE)
                .people();
        List<PoseEstimator.Person> all = new PoseEstimator(tiny, KeypointSchema.COCO, twice, o.withOksNms(false, 0.9))
                .estimate(IMAGE).people();
        assertThat(all).hasSize(3);
        // identical boxes give identical keypoints (OKS 1): the lower-scored copy goes
        assertThat(kept).hasSize(2);
        List<Double> boxScores = new ArrayList<>();
        kept.forEach(p -> boxScores.add(p.box().score()));
        assertThat(boxScores).containsExactlyInAnyOrder(0.9, 0.7);
    }

    @Test
    void badUseIsReported() throws Exception {
        assertThatThrownBy(() -> new PoseEstimator(PoseNetworks.random(TinyConfigs.tiny().withNumJoints(16),
                PoseNetworks.Backend.GRAPH, 1), KeypointSchema.MPII, new WholeImageDetector(),
                PoseEstimator.Options.defaults())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OKS-NMS needs per-joint OKS sigmas");
        PoseEstimator est = new PoseEstimator(tiny, KeypointSchema.COCO, CocoDetectionsFile.read(DETS, 0.5),
                PoseEstimator.Options.defaults());
        Path missing = COCO.resolve("nope.jpg");
        assertThatThrownBy(() -> est.estimate(missing)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("image file not found");
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            assertThatThrownBy(() -> est.estimate(bgr, OptionalLong.of(123))).isInstanceOf(DataFormatException.class)
                    .hasMessageContaining("no detection for image id 123 (ids in the file: [785, 40083, 196141, 197388])");
            assertThatThrownBy(() -> est.estimate(bgr, OptionalLong.empty()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give the image id");
        }
        assertThat(CocoDetectionsFile.imageIdFromName("000000000785.jpg")).hasValue(785);
        assertThat(CocoDetectionsFile.imageIdFromName("photo.jpg")).isEmpty();
    }
}
