package io.hrnet4j.zoo.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link YoloPersonDetector}: the zoo's YOLO2 architecture (random weights) on the real COCO sample 196141
 * (640x429), the decoding of a synthetic output with known boxes, and the real pretrained weights when cached.
 */
class YoloPersonDetectorTest {
    private static final Path COCO = SharedData.data("coco-sample");
    private static final Path IMAGE = COCO.resolve("000000196141.jpg");
    private static final int C = 80;
    private static YoloPersonDetector yolo2;

    @BeforeAll
    static void build() {
        yolo2 = YoloPersonDetector.random(YoloPersonDetector.Variant.YOLO2_COCO, 608, 608, 7,
                YoloPersonDetector.Options.defaults());
    }

    /** Sets one prior's prediction in an activated output {@code [1, 5 * 85, 19, 19]}. */
    private static void put(INDArray out, int prior, int cx, int cy, double tx, double ty, double w, double h,
                            double conf, int cls, double p) {
        int base = prior * (5 + C);
        out.putScalar(new long[] {0, base, cy, cx}, tx);
        out.putScalar(new long[] {0, base + 1, cy, cx}, ty);
        out.putScalar(new long[] {0, base + 2, cy, cx}, w);
        out.putScalar(new long[] {0, base + 3, cy, cx}, h);
        out.putScalar(new long[] {0, base + 4, cy, cx}, conf);
        for (int c = 0; c < C; c++) {
            out.putScalar(new long[] {0, base + 5 + c, cy, cx}, c == cls ? p : (1 - p) / (C - 1));
        }
    }

    private static INDArray syntheticOutput() {
        INDArray out = Nd4j.zeros(DataType.DOUBLE, 1, 5 * (5 + C), 19, 19);
        // person A: cell (5, 7), center (5.5, 7.25) cells, 3 x 6 cells, score 0.9 x 0.8 = 0.72
        put(out, 2, 5, 7, 0.5, 0.25, 3, 6, 0.9, 0, 0.8);
        // its duplicate from another prior, score 0.64, IoU ~0.94: suppressed
        put(out, 3, 5, 7, 0.6, 0.25, 3, 6, 0.8, 0, 0.8);
        // a cat (class 15) with high objectness: person score 0.95 x 0.05/79, dropped
        put(out, 4, 10, 10, 0.5, 0.5, 4, 4, 0.95, 15, 0.95);
        // person B: cell (15, 3), center (15.5, 3.5), 1.5 x 2 cells, score 0.7 x 0.9 = 0.63
        put(out, 0, 15, 3, 0.5, 0.5, 1.5, 2, 0.7, 0, 0.9);
        // person C below the threshold: 0.6 x 0.7 = 0.42
        put(out, 1, 2, 15, 0.5, 0.5, 2, 2, 0.6, 0, 0.7);
        // person D running off the bottom-right corner of the image: clipped
        put(out, 1, 18, 18, 0.5, 0.5, 2, 2, 0.99, 0, 0.99);
        return out;
    }

    /** A box of the 608x608 input, stretched back to the 640x429 image: input pixels times 640/608 and 429/608. */
    private static void assertStretched(PersonBox box, double score, double left, double top, double w, double h) {
        assertThat(box.score()).isCloseTo(score, within(1e-9));
        assertThat(box.x()).isCloseTo(left * 640 / 608.0, within(1e-6));
        assertThat(box.y()).isCloseTo(top * 429 / 608.0, within(1e-6));
        assertThat(box.w()).isCloseTo(w * 640 / 608.0, within(1e-6));
        assertThat(box.h()).isCloseTo(h * 429 / 608.0, within(1e-6));
    }

    @Test
    void decodesKnownBoxesIntoImagePixelsWithAPlainResize() {
        YoloPersonDetector.Geometry g = YoloPersonDetector.Geometry.of(640, 429, 608, 608,
                YoloPersonDetector.Resize.STRETCH);
        List<PersonBox> boxes = yolo2.decode(syntheticOutput(), g);
        assertThat(boxes).hasSize(3);
        // D: 0.99 x 0.99; x from (18.5 - 1) * 32 = 560 input pixels to 560 * 640 / 608, right edge clipped at 640
        PersonBox d = boxes.get(0);
        assertThat(d.score()).isCloseTo(0.9801, within(1e-9));
        assertThat(d.x()).isCloseTo(560 * 640 / 608.0, within(1e-6));
        assertThat(d.y()).isCloseTo(560 * 429 / 608.0, within(1e-6));
        assertThat(d.x() + d.w()).isCloseTo(640, within(1e-9));
        assertThat(d.y() + d.h()).isCloseTo(429, within(1e-9));
        // A: left (5.5 - 1.5) * 32 = 128, top (7.25 - 3) * 32 = 136, 96 x 192 input pixels
        assertStretched(boxes.get(1), 0.72, 128, 136, 96, 192);
        // B: left (15.5 - 0.75) * 32 = 472, top (3.5 - 1) * 32 = 80, 48 x 64
        assertStretched(boxes.get(2), 0.63, 472, 80, 48, 64);
    }

    @Test
    void undoesTheLetterbox() {
        YoloPersonDetector.Geometry g = YoloPersonDetector.Geometry.of(640, 429, 608, 608,
                YoloPersonDetector.Resize.LETTERBOX);
        // s = min(608 / 640, 608 / 429) = 0.95: 608 x round(407.55) = 408, padded by (608 - 408) / 2 = 100 on top
        assertThat(g.padX()).isEqualTo(0);
        assertThat(g.padY()).isEqualTo(100);
        assertThat(g.scaleX()).isCloseTo(0.95, within(1e-12));
        assertThat(g.scaleY()).isCloseTo(408 / 429.0, within(1e-12));
        List<PersonBox> boxes = yolo2.decode(syntheticOutput(), g);
        // D lies in the bottom grey band ((560 - 100) / 0.951 > 429 rows): empty after clipping, dropped
        assertThat(boxes).hasSize(2);
        PersonBox a = boxes.get(0);
        assertThat(a.score()).isCloseTo(0.72, within(1e-9));
        assertThat(a.x()).isCloseTo(128 / 0.95, within(1e-6));
        assertThat(a.y()).isCloseTo((136 - 100) / (408 / 429.0), within(1e-6));
        assertThat(a.h()).isCloseTo(192 / (408 / 429.0), within(1e-6));
    }

    @Test
    void letterboxInputIsTheResizedImageBetweenGreyBands() throws Exception {
        YoloPersonDetector d = new YoloPersonDetector(yolo2.graph(), YoloPersonDetector.Variant.YOLO2_COCO, 608, 608,
                new YoloPersonDetector.Options(0.5, 0.45, YoloPersonDetector.Resize.LETTERBOX));
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test"); Mat small = new Mat()) {
            YoloPersonDetector.Geometry g = YoloPersonDetector.Geometry.of(640, 429, 608, 608,
                    YoloPersonDetector.Resize.LETTERBOX);
            INDArray x = d.input(bgr, g);
            assertThat(x.shape()).containsExactly(1, 3, 608, 608);
            for (int c = 0; c < 3; c++) {
                assertThat(x.getFloat(0, c, 0, 0)).isCloseTo(128 / 255f, within(1e-6f));
                assertThat(x.getFloat(0, c, 99, 300)).isCloseTo(128 / 255f, within(1e-6f));
                assertThat(x.getFloat(0, c, 508, 300)).isCloseTo(128 / 255f, within(1e-6f));
            }
            // row 100 is the first row of the resized image, in RGB order
            opencv_imgproc.resize(bgr, small, new Size(608, 408), 0, 0, opencv_imgproc.INTER_LINEAR);
            UByteIndexer idx = small.createIndexer();
            assertThat(x.getFloat(0, 0, 100 + 200, 300)).isCloseTo(idx.get(200, 300, 2) / 255f, within(1e-6f));
            assertThat(x.getFloat(0, 2, 100 + 200, 300)).isCloseTo(idx.get(200, 300, 0) / 255f, within(1e-6f));
        }
    }

    @Test
    void yolo2ArchitectureRunsOnTheCocoSample() throws Exception {
        YoloPersonDetector any = new YoloPersonDetector(yolo2.graph(), YoloPersonDetector.Variant.YOLO2_COCO, 608,
                608, new YoloPersonDetector.Options(0.0, 0.45, YoloPersonDetector.Resize.STRETCH));
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            YoloPersonDetector.Geometry g = YoloPersonDetector.Geometry.of(640, 429, 608, 608,
                    YoloPersonDetector.Resize.STRETCH);
            INDArray out = yolo2.graph().outputSingle(false, any.input(bgr, g));
            assertThat(out.shape()).containsExactly(1, 5 * (5 + 80), 19, 19);
            assertThat(any.priors().toDoubleMatrix()).isDeepEqualTo(
                    org.deeplearning4j.zoo.model.YOLO2.DEFAULT_PRIOR_BOXES);
            List<PersonBox> boxes = any.detect(bgr, OptionalLong.empty());
            // threshold 0: every prior of every cell is a candidate, NMS leaves at most 19 x 19 x 5
            assertThat(boxes).isNotEmpty().hasSizeLessThanOrEqualTo(19 * 19 * 5);
            for (int i = 0; i < boxes.size(); i++) {
                PersonBox b = boxes.get(i);
                assertThat(b.x()).isBetween(0.0, 640.0);
                assertThat(b.y()).isBetween(0.0, 429.0);
                assertThat(b.x() + b.w()).isLessThanOrEqualTo(640.0 + 1e-9);
                assertThat(b.y() + b.h()).isLessThanOrEqualTo(429.0 + 1e-9);
                assertThat(b.score()).isBetween(0.0, 1.0);
                if (i > 0) {
                    assertThat(b.score()).isLessThanOrEqualTo(boxes.get(i - 1).score());
                }
            }
            assertThat(yolo2.detect(bgr, OptionalLong.empty())).allMatch(b -> b.score() >= 0.5);
        }
        assertThat(yolo2.describe()).isEqualTo("YOLO2 (COCO person class 0, 608x608 stretch, score >= 0.50, NMS IoU 0.45)");
    }

    @Test
    void badInputIsReported(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> new YoloPersonDetector(yolo2.graph(), YoloPersonDetector.Variant.YOLO2_COCO, 600,
                608, YoloPersonDetector.Options.defaults())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("YOLO input size must be positive multiples of 32, got 600x608");
        assertThatThrownBy(() -> new YoloPersonDetector.Options(1.5, 0.45, YoloPersonDetector.Resize.STRETCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in [0, 1]");
        assertThatThrownBy(() -> yolo2.decode(Nd4j.zeros(1, 125, 19, 19), YoloPersonDetector.Geometry.of(640, 429,
                608, 608, YoloPersonDetector.Resize.STRETCH))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected YOLO output [1, 425, gh, gw], got [1, 125, 19, 19]");
        Path junk = Files.writeString(tmp.resolve("yolo.zip"), "not a zip");
        assertThatThrownBy(() -> YoloPersonDetector.load(YoloPersonDetector.Variant.YOLO2_COCO, junk, 608, 608,
                YoloPersonDetector.Options.defaults())).isInstanceOf(DataFormatException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("not a DL4J ComputationGraph zip");
        assertThatThrownBy(() -> YoloPersonDetector.load(YoloPersonDetector.Variant.YOLO2_COCO,
                tmp.resolve("none.zip"), 608, 608, YoloPersonDetector.Options.defaults()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("file not found");
        assertThat(YoloPersonDetector.Variant.byName("TinyYOLO")).isEqualTo(YoloPersonDetector.Variant.TINY_YOLO);
        assertThat(YoloPersonDetector.Variant.TINY_YOLO.personClass()).isEqualTo(14);
        assertThat(YoloPersonDetector.Variant.YOLO2_COCO.cacheFile().toString())
                .endsWith("yolo2/yolo2_dl4j_inference.v3.zip");
    }

    /** Not cached and the server unreachable: one line naming the URL and the cache file, in seconds. */
    @Test
    void pretrainedWithoutCacheOrServerFailsNamingTheUrlAndTheCache(@TempDir Path tmp) {
        String oldUrl = org.deeplearning4j.common.resources.DL4JResources.getBaseDownloadURL();
        java.io.File oldDir = org.deeplearning4j.common.resources.DL4JResources.getBaseDirectory();
        try {
            org.deeplearning4j.common.resources.DL4JResources.setBaseDownloadURL("http://127.0.0.1:9/");
            org.deeplearning4j.common.resources.DL4JResources.setBaseDirectory(tmp.toFile());
            Path cache = YoloPersonDetector.Variant.YOLO2_COCO.cacheFile();
            assertThat(cache).startsWithRaw(tmp);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> YoloPersonDetector.pretrained(YoloPersonDetector.Variant.YOLO2_COCO,
                    YoloPersonDetector.Options.defaults())).isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("YOLO2 pretrained weights are not in the DL4J cache (" + cache + ") and "
                            + "http://127.0.0.1:9/models/yolo2_dl4j_inference.v3.zip cannot be reached")
                    .hasMessageEndingWith("put the file there or pass the detector weights file");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
            assertThat(cache).doesNotExist();
        } finally {
            org.deeplearning4j.common.resources.DL4JResources.setBaseDownloadURL(oldUrl);
            org.deeplearning4j.common.resources.DL4JResources.setBaseDirectory(oldDir);
        }
    }

    /** The real COCO weights, when {@code initPretrained} has cached them: the people of 196141 are found. */
    @Test
    void pretrainedYolo2FindsThePeopleOfTheCocoSample() throws Exception {
        Optional<Path> cached = YoloPersonDetector.Variant.YOLO2_COCO.cachedWeights();
        Assumptions.assumeTrue(cached.isPresent(), "YOLO2 pretrained weights are not in the DL4J cache ("
                + YoloPersonDetector.Variant.YOLO2_COCO.cacheFile() + "): skipped");
        YoloPersonDetector d = YoloPersonDetector.pretrained(YoloPersonDetector.Variant.YOLO2_COCO,
                YoloPersonDetector.Options.defaults());
        List<PersonBox> boxes;
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            boxes = d.detect(bgr, OptionalLong.empty());
        }
        assertThat(boxes).isNotEmpty();
        // every ground-truth person of 196141 larger than 64x64 pixels is matched by a box with IoU >= 0.5
        JsonNode gt = new ObjectMapper().readTree(COCO.resolve("test_coco.json").toFile());
        for (JsonNode a : gt.get("annotations")) {
            JsonNode bb = a.get("bbox");
            if (a.get("image_id").asLong() != 196141 || bb.get(2).asDouble() < 64 || bb.get(3).asDouble() < 64) {
                continue;
            }
            double best = 0;
            for (PersonBox b : boxes) {
                best = Math.max(best, iou(b, bb.get(0).asDouble(), bb.get(1).asDouble(), bb.get(2).asDouble(),
                        bb.get(3).asDouble()));
            }
            assertThat(best).as("ground-truth box " + bb).isGreaterThanOrEqualTo(0.5);
        }
    }

    private static double iou(PersonBox b, double x, double y, double w, double h) {
        double ix = Math.max(0, Math.min(b.x() + b.w(), x + w) - Math.max(b.x(), x));
        double iy = Math.max(0, Math.min(b.y() + b.h(), y + h) - Math.max(b.y(), y));
        double inter = ix * iy;
        return inter / (b.area() + w * h - inter);
    }
}
