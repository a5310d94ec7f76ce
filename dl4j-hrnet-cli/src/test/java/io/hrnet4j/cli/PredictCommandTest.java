package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.estimate.PersonBox;
import io.hrnet4j.zoo.estimate.YoloPersonDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hrnet predict} on the real COCO samples with the tiny oracle pose model: YOLO2 (architecture, random
 * weights), detections-file boxes, a folder, a video made from the samples, and bad input.
 */
class PredictCommandTest {
    private static final Path COCO = SharedData.data("coco-sample");
    private static final Path IMAGE = COCO.resolve("000000196141.jpg");
    private static final Path DETS = COCO.resolve("test_coco_det_AP_H_56.json");
    private final CliRun cli = new CliRun();

    /** Runs {@code predict} with the tiny oracle model ({@code --config tiny.yaml --weights tiny_hrnet.npz}). */
    private int predict(Path tmp, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("predict", "--config", CliRun.tinyYaml(tmp).toString(),
                "--weights", SharedData.oracle("tiny_hrnet.npz").toString()));
        all.addAll(List.of(args));
        return cli.run(all.toArray(new String[0]));
    }

    private static int[] pixel(Mat m, int x, int y) {
        UByteIndexer idx = m.createIndexer();
        return new int[] {idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2)};
    }

    @Test
    void yolo2DetectorDrawsEveryDetectedPerson(@TempDir Path tmp) throws Exception {
        // the YOLO2 architecture with random weights, saved as a DL4J model zip (the real weights cannot be fetched)
        YoloPersonDetector random = YoloPersonDetector.random(YoloPersonDetector.Variant.YOLO2_COCO, 608, 608, 3,
                new YoloPersonDetector.Options(0.0, 0.45, YoloPersonDetector.Resize.STRETCH));
        Path zip = tmp.resolve("yolo2-random.zip");
        ModelSerializer.writeModel(random.graph(), zip.toFile(), false);
        List<PersonBox> all;
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            all = random.detect(bgr, OptionalLong.empty());
        }
        // a threshold that keeps the 5 best persons of the random head
        double thr = all.get(4).score();
        List<PersonBox> expected;
        try (Mat bgr = ImageDecoder.decodeBgr(IMAGE, "test")) {
            expected = new YoloPersonDetector(random.graph(), YoloPersonDetector.Variant.YOLO2_COCO, 608, 608,
                    new YoloPersonDetector.Options(thr, 0.45, YoloPersonDetector.Resize.STRETCH))
                    .detect(bgr, OptionalLong.empty());
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
        Path png = tmp.resolve("x.png");
        Path json = tmp.resolve("x.json");
        int rc = predict(tmp, "--image", IMAGE.toString(), "--detector", "yolo2", "--detector-weights", zip.toString(),
                "--detector-threshold", Double.toString(thr), "--oks-nms", "1", "--threshold", "1e9", "--out",
                png.toString(), "--json", json.toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
        assertThat(cli.out()).contains(expected.size() + " persons (YOLO2 (COCO person class 0, 608x608 stretch");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("detections").asInt()).isEqualTo(expected.size());
        assertThat(j.get("persons")).hasSize(expected.size());
        Mat drawn = ImageDecoder.decodeBgr(png, "test");
        assertThat(drawn.cols()).isEqualTo(640);
        assertThat(drawn.rows()).isEqualTo(429);
        for (PersonBox b : expected) {
            boolean found = false;
            for (JsonNode p : j.get("persons")) {
                double[] bb = {p.get("bbox").get(0).asDouble(), p.get("bbox").get(1).asDouble(),
                        p.get("bbox").get(2).asDouble(), p.get("bbox").get(3).asDouble()};
                found |= Arrays.equals(bb, b.xywh()) && p.get("box_score").asDouble() == b.score();
            }
            assertThat(found).as("box " + b).isTrue();
            // every box is drawn: its corners inside the image are white (joints hidden: scores are far below 1e9)
            long x1 = Math.round(b.x());
            long y1 = Math.round(b.y());
            long x2 = Math.round(b.x() + b.w());
            long y2 = Math.round(b.y() + b.h());
            for (long[] c : new long[][] {{x1, y1}, {x2, y1}, {x1, y2}, {x2, y2}}) {
                if (c[0] < 640 && c[1] < 429) {
                    assertThat(pixel(drawn, (int) c[0], (int) c[1])).as("corner of " + b)
                            .containsExactly(255, 255, 255);
                }
            }
        }
        Files.copy(png, Path.of("target", "predict-yolo2-random.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void detectionsFileBoxesAreEachDrawnAndWritten(@TempDir Path tmp) throws Exception {
        int expected = 0;
        for (JsonNode d : new ObjectMapper().readTree(DETS.toFile())) {
            if (d.get("image_id").asLong() == 196141 && d.get("score").asDouble() >= 0.3) {
                expected++;
            }
        }
        assertThat(expected).isEqualTo(13);
        Path png = tmp.resolve("dets.png");
        Path json = tmp.resolve("dets.json");
        int rc = predict(tmp, "--image", IMAGE.toString(), "--detector", "file", "--detections", DETS.toString(),
                "--image-threshold", "0.3", "--oks-nms", "1", "--heatmaps", "0.6", "--radius", "4",
                "--thickness", "3", "--flip-test", "--out", png.toString(), "--json", json.toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("image_id").asLong()).isEqualTo(196141);
        assertThat(j.get("detections").asInt()).isEqualTo(expected);
        assertThat(j.get("persons")).hasSize(expected);
        assertThat(j.get("persons").get(0).get("keypoints")).hasSize(51);
        assertThat(cli.out()).contains("13 persons (detections of " + DETS + " (score >= 0.3)) drawn on " + png);
        // with OKS-NMS (0.9, the default) no person is added, and the JSON says how many boxes there were
        Path json2 = tmp.resolve("nms.json");
        assertThat(predict(tmp, "--image", IMAGE.toString(), "--detections", DETS.toString(), "--image-threshold",
                "0.3", "--out", tmp.resolve("nms.png").toString(), "--json", json2.toString())).isEqualTo(0);
        JsonNode k = new ObjectMapper().readTree(json2.toFile());
        assertThat(k.get("detections").asInt()).isEqualTo(expected);
        assertThat(k.get("persons").size()).isBetween(1, expected);
        Files.copy(png, Path.of("target", "predict-detections-heatmaps.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void folderRunWritesOneOverlayPerImage(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(IMAGE, in.resolve("000000196141.jpg"));
        Files.copy(COCO.resolve("000000000785.jpg"), in.resolve("000000000785.JPG"));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path outDir = tmp.resolve("out");
        Path json = tmp.resolve("all.json");
        int rc = predict(tmp, "--images", in.toString(), "--detections", DETS.toString(), "--out", outDir.toString(),
                "--json", json.toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
        try (Stream<Path> s = Files.list(outDir)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("000000000785.png", "000000196141.png");
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("images")).hasSize(2);
        assertThat(j.get("images").get(0).get("image_id").asLong()).isEqualTo(785);
        assertThat(j.get("images").get(0).get("width").asInt()).isEqualTo(640);
        assertThat(j.get("images").get(1).get("image_id").asLong()).isEqualTo(196141);
        assertThat(cli.out()).startsWith("2 images, ");
    }

    /** A 3-frame 320x240 video of three COCO samples, written with the CLI's own writer. */
    private static Path makeVideo(Path file) throws Exception {
        List<Path> frames = List.of(IMAGE, COCO.resolve("000000000785.jpg"), COCO.resolve("000000197388.jpg"));
        int n = new VideoFrames.Writer(file, 320, 240, 5).writeAll(w -> {
            for (Path f : frames) {
                try (Mat bgr = ImageDecoder.decodeBgr(f, "test"); Mat small = new Mat()) {
                    opencv_imgproc.resize(bgr, small, new Size(320, 240));
                    w.write(small);
                }
            }
        });
        assertThat(n).isEqualTo(3);
        return file;
    }

    @Test
    void videoRunWritesAVideoAndAFrameFolder(@TempDir Path tmp) throws Exception {
        Path video = makeVideo(tmp.resolve("people.mp4"));
        VideoFrames.Info info = VideoFrames.probe(video);
        assertThat(info.width()).isEqualTo(320);
        assertThat(info.height()).isEqualTo(240);
        Path outVideo = tmp.resolve("poses.avi");
        Path json = tmp.resolve("video.json");
        int rc = predict(tmp, "--video", video.toString(), "--out", outVideo.toString(), "--json", json.toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
        int[] frames = {0};
        int[] size = new int[2];
        assertThat(VideoFrames.read(outVideo, 0, (i, m) -> {
            frames[0]++;
            size[0] = m.cols();
            size[1] = m.rows();
        })).isEqualTo(3);
        assertThat(size).containsExactly(320, 240);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("frames")).hasSize(3);
        assertThat(j.get("frames").get(2).get("frame").asInt()).isEqualTo(2);
        assertThat(j.get("frames").get(0).get("persons")).hasSize(1);
        assertThat(j.get("fps").asDouble()).isEqualTo(5.0);
        assertThat(cli.out()).contains("3 frames (whole image) drawn into " + outVideo);
        Path folder = tmp.resolve("frames");
        assertThat(predict(tmp, "--video", video.toString(), "--max-frames", "2", "--out", folder.toString()))
                .as(cli.err()).isEqualTo(0);
        try (Stream<Path> s = Files.list(folder)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("frame_000000.png", "frame_000001.png");
        }
    }

    @Test
    void badInputIsOneLineExitOneAndNothingOverwritten(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("old.png");
        Files.writeString(old, "previous result");
        Path oldJson = tmp.resolve("old.json");
        Files.writeString(oldJson, "{}");
        // missing image
        Path missing = tmp.resolve("nope.jpg");
        assertThat(predict(tmp, "--image", missing.toString(), "--out", old.toString(), "--json", oldJson.toString()))
                .isEqualTo(1);
        assertThat(cli.err()).isEqualTo("hrnet predict: error: " + missing
                + ": record --image, field 'image': image file not found" + System.lineSeparator());
        // corrupt (truncated) image
        byte[] jpg = Files.readAllBytes(IMAGE);
        Path corrupt = Files.write(tmp.resolve("corrupt.jpg"), Arrays.copyOf(jpg, jpg.length / 2));
        assertThat(predict(tmp, "--image", corrupt.toString(), "--out", old.toString())).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet predict: error: " + corrupt).contains("truncated JPEG")
                .hasLineCount(1);
        // a folder with no images
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "x");
        assertThat(predict(tmp, "--images", empty.toString(), "--out", tmp.resolve("o").toString())).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet predict: error: " + empty).contains("no images (.jpg")
                .hasLineCount(1);
        assertThat(tmp.resolve("o")).doesNotExist();
        // a folder holding a corrupt image among good ones: nothing is written
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(IMAGE, mixed.resolve("a.jpg"));
        Files.copy(corrupt, mixed.resolve("b.jpg"));
        assertThat(predict(tmp, "--images", mixed.toString(), "--out", tmp.resolve("m").toString())).isEqualTo(1);
        assertThat(cli.err()).contains(mixed.resolve("b.jpg").toString()).hasLineCount(1);
        assertThat(tmp.resolve("m")).doesNotExist();
        // an unreadable video
        Path badVideo = Files.writeString(tmp.resolve("clip.mp4"), "this is not a video");
        Path oldVideo = Files.writeString(tmp.resolve("poses.mp4"), "previous video");
        assertThat(predict(tmp, "--video", badVideo.toString(), "--out", oldVideo.toString())).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet predict: error: " + badVideo).contains("unreadable video")
                .hasLineCount(1);
        // yolo2 weights that are not a model
        assertThat(predict(tmp, "--image", IMAGE.toString(), "--detector", "yolo2", "--detector-weights",
                old.toString(), "--out", old.toString())).isEqualTo(1);
        assertThat(cli.err()).contains("not a DL4J ComputationGraph zip").hasLineCount(1);
        // an unknown detector is a usage error
        assertThat(predict(tmp, "--image", IMAGE.toString(), "--detector", "ssd", "--out", old.toString()))
                .isEqualTo(2);
        assertThat(cli.err()).contains("Invalid value for option '--detector': expected one of [WHOLE, FILE, YOLO2, "
                + "TINYYOLO] (case-insensitive) but was 'ssd'");
        assertThat(Files.readString(old)).isEqualTo("previous result");
        assertThat(Files.readString(oldJson)).isEqualTo("{}");
        assertThat(Files.readString(oldVideo)).isEqualTo("previous video");
    }
}
