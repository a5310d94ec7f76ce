package io.hrnet4j.data.coco;

import static io.hrnet4j.testing.BadFiles.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.keypoints.LoadSummary.SkipReason;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the real sample shared/data/coco-sample (4 val2017 images, 14 annotations, 118 detections). */
class CocoKeypointsTest {
    private static final double ASPECT = 192.0 / 256.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir() {
        return SharedData.data("coco-sample");
    }

    @Test
    void groundTruthKeepsTwelveOfFourteenWithTheOfficialBoxes() throws Exception {
        LoadedSamples s = CocoKeypoints.groundTruth(dir().resolve("test_coco.json"), dir(), ASPECT);
        assertThat(s.summary().read()).isEqualTo(14);
        assertThat(s.size()).isEqualTo(12);
        assertThat(s.summary().skipped(SkipReason.NO_KEYPOINTS)).isEqualTo(2);
        assertThat(s.summary().totalSkipped()).isEqualTo(2);
        assertThat(s.samples()).extracting(PoseSample::annotationId).containsExactly(442619L, 198196L, 230195L,
                460541L, 488308L, 1717641L, 1724673L, 437295L, 467657L, 531914L, 533949L, 543117L);
        // official sanitize + _xywh2cs of annotation 442619, bbox [280.79, 44.73, 218.7, 346.68] in 640x425
        PoseSample first = s.samples().get(0);
        assertThat(first.box().cx()).isEqualTo(389.6400146484375);
        assertThat(first.box().cy()).isEqualTo(217.57000732421875);
        assertThat(first.box().sw()).isEqualTo(1.6203750371932983);
        assertThat(first.box().sh()).isEqualTo(2.1605000495910645);
        assertThat(first.imageId()).isEqualTo(785);
        assertThat(first.imagePath().getFileName().toString()).isEqualTo("000000000785.jpg");
        assertThat(first.numVisible()).isEqualTo(17);
        assertThat(first.score()).isEqualTo(1.0);
        assertThat(first.area()).isEqualTo(27789.11055);
        PoseSample last = s.samples().get(11);
        assertThat(last.box().cx()).isEqualTo(45.04999923706055);
        assertThat(last.box().sh()).isEqualTo(1.3693125247955322);
        for (PoseSample p : s.samples()) {
            for (double[] j : p.joints()) {
                assertThat(j[2]).isIn(0.0, 1.0);
            }
        }
    }

    @Test
    void detectionsKeepAllPersonBoxesAboveTheImageThreshold() throws Exception {
        Path det = dir().resolve("test_coco_det_AP_H_56.json");
        LoadedSamples all = CocoKeypoints.detections(det, dir().resolve("test_coco.json"), dir(), ASPECT,
                CocoKeypoints.DEFAULT_IMAGE_THRESHOLD);
        assertThat(all.size()).isEqualTo(118);
        PoseSample d = all.samples().get(0);
        assertThat(d.imageId()).isEqualTo(785);
        assertThat(d.score()).isEqualTo(0.9999731779098511);
        assertThat(d.box().cx()).isEqualTo(389.6639404296875);
        assertThat(d.box().cy()).isEqualTo(212.47979736328125);
        assertThat(d.box().sw()).isEqualTo(1.5635638236999512);
        assertThat(d.box().sh()).isEqualTo(2.084751605987549);
        assertThat(d.numVisible()).isZero();
        LoadedSamples high = CocoKeypoints.detections(det, null, dir(), ASPECT, 0.5);
        assertThat(high.size()).isEqualTo(18);
        assertThat(high.summary().skipped(SkipReason.LOW_SCORE)).isEqualTo(100);
        assertThat(high.samples().get(0).imagePath().getFileName().toString()).isEqualTo("000000000785.jpg");
    }

    // ---- bad input: every error names the file, the record and the field ----

    private static Path editedAnnotations(Path tmp, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(dir().resolve("test_coco.json").toFile());
        edit.accept(root);
        Path f = tmp.resolve("edited.json");
        JSON.writeValue(f.toFile(), root);
        return f;
    }

    private static ObjectNode annotation(ObjectNode root, int i) {
        return (ObjectNode) root.get("annotations").get(i);
    }

    @Test
    void malformedJsonNamesLineAndColumn(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("broken.json");
        assertRefused(f, "{\"images\": [ {\"id\": 1,, } ]}", () -> CocoKeypoints.groundTruth(f, dir(), ASPECT),
                "broken.json").hasMessageContaining("malformed JSON at line 1 column");
    }

    @Test
    void wrongKeypointLength(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> ((ArrayNode) annotation(r, 2).get("keypoints")).remove(50));
        assertThatThrownBy(() -> CocoKeypoints.groundTruth(f, dir(), ASPECT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("edited.json: record annotation id=230195 (#2), field 'keypoints': "
                        + "expected 51 values, got 50");
    }

    @Test
    void negativeBoxSize(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> ((ArrayNode) annotation(r, 0).get("bbox")).set(2, -5.0));
        assertThatThrownBy(() -> CocoKeypoints.groundTruth(f, dir(), ASPECT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("record annotation id=442619 (#0), field 'bbox': negative box size w=-5.0");
    }

    /** All-zero boxes (and boxes of one pixel) have no extent: counted as empty, never an affine error later. */
    @Test
    void allZeroBoxesAreCountedEmpty(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> {
            for (var a : r.get("annotations")) {
                ((ObjectNode) a).set("bbox", JSON.createArrayNode().add(0).add(0).add(0).add(0));
            }
        });
        LoadedSamples s = CocoKeypoints.groundTruth(f, dir(), ASPECT);
        assertThat(s.size()).isZero();
        assertThat(s.summary().skipped(SkipReason.EMPTY_BOX)).isEqualTo(12);
    }

    /** {@code "annotations": {}} and records that are not objects: file, record and field, not a NullPointerException. */
    @Test
    void annotationsOfTheWrongJsonTypeAreNamed(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> r.set("annotations", JSON.createObjectNode()));
        assertThatThrownBy(() -> CocoKeypoints.groundTruth(f, dir(), ASPECT)).isInstanceOf(DataFormatException.class)
                .hasMessage(f + ": field 'annotations': expected an array");
        Path g = editedAnnotations(tmp, r -> ((ArrayNode) r.get("images")).set(1, JSON.getNodeFactory().numberNode(7)));
        assertThatThrownBy(() -> CocoKeypoints.groundTruth(g, dir(), ASPECT)).isInstanceOf(DataFormatException.class)
                .hasMessage(g + ": record image #1: expected an object with 'id', got 7");
        Path huge = Files.writeString(tmp.resolve("det.json"), "[{\"image_id\": 785, \"category_id\": 1, "
                + "\"bbox\": [10, 10, 1e300, 20], \"score\": 0.9}]");
        assertThatThrownBy(() -> CocoKeypoints.detections(huge, dir().resolve("test_coco.json"), dir(), ASPECT, 0))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("record detection #0 (image_id=785), field 'bbox': box gives center");
    }

    @Test
    void boxOutsideTheImageIsACountedSkip(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> ((ArrayNode) annotation(r, 0).get("bbox")).set(1, 900.0));
        LoadedSamples s = CocoKeypoints.groundTruth(f, dir(), ASPECT);
        assertThat(s.size()).isEqualTo(11);
        assertThat(s.summary().skipped(SkipReason.EMPTY_BOX)).isEqualTo(1);
        assertThat(s.summary().toString()).contains("kept 11, skipped 3");
    }

    @Test
    void nanValue(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("nan.json");
        String text = Files.readString(dir().resolve("test_coco.json"));
        assertRefused(f, text.replaceFirst("\"area\":\\s*27789.11055", "\"area\": NaN"),
                () -> CocoKeypoints.groundTruth(f, dir(), ASPECT),
                "nan.json: record annotation id=442619 (#0), field 'area': not a finite number");
    }

    @Test
    void unknownCategory(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> annotation(r, 5).put("category_id", 7));
        assertThatThrownBy(() -> CocoKeypoints.groundTruth(f, dir(), ASPECT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("record annotation id=488308 (#5), field 'category_id': unknown category 7");
    }

    @Test
    void missingImageFile(@TempDir Path tmp) throws Exception {
        Path f = editedAnnotations(tmp, r -> ((ObjectNode) r.get("images").get(1)).put("file_name", "nope.jpg"));
        assertThatThrownBy(() -> CocoKeypoints.groundTruth(f, dir(), ASPECT))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("edited.json: record image id=40083, field 'file_name': image file not found")
                .hasMessageContaining("nope.jpg");
    }

    @Test
    void zeroSizeDetectionBox(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("det.json");
        assertRefused(f, "[{\"image_id\": 785, \"category_id\": 1, \"bbox\": [10, 10, 0, 50], \"score\": 0.9}]",
                () -> CocoKeypoints.detections(f, null, dir(), ASPECT, 0),
                "det.json: record detection #0 (image_id=785), field 'bbox': box size must be positive, got w=0.0"
                        + " h=50.0");
    }

    @Test
    void nonPersonDetectionsAreCountedSkips(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("det.json");
        Files.writeString(f, "[{\"image_id\": 785, \"category_id\": 3, \"bbox\": [10, 10, 5, 50], \"score\": 0.9},"
                + "{\"image_id\": 785, \"category_id\": 1, \"bbox\": [10, 10, 5, 50], \"score\": 0.9}]");
        LoadedSamples s = CocoKeypoints.detections(f, null, dir(), ASPECT, 0);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.summary().skipped(SkipReason.NOT_PERSON)).isEqualTo(1);
    }
}
