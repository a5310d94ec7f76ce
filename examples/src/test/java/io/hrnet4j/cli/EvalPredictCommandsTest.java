package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.testing.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hrnet eval} and {@code hrnet predict} with the tiny oracle model on the real samples of shared/data. */
class EvalPredictCommandsTest {
    /** The architecture of shared/oracle/tiny_hrnet.npz as an official experiment file. */
    static final String TINY_YAML = """
            MODEL:
              NAME: pose_hrnet
              NUM_JOINTS: 17
              IMAGE_SIZE: [96, 128]
              EXTRA:
                FINAL_CONV_KERNEL: 1
                STAGE2: {NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: BASIC, NUM_BLOCKS: [1, 1], NUM_CHANNELS: [4, 8]}
                STAGE3: {NUM_MODULES: 1, NUM_BRANCHES: 3, BLOCK: BASIC, NUM_BLOCKS: [1, 1, 1], NUM_CHANNELS: [4, 8, 16]}
                STAGE4: {NUM_MODULES: 1, NUM_BRANCHES: 4, BLOCK: BASIC, NUM_BLOCKS: [1, 1, 1, 1], NUM_CHANNELS: [4, 8, 16, 32]}
            """;
    private static final Path COCO = SharedData.data("coco-sample");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = HrnetCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static Path tinyYaml(Path dir) throws Exception {
        return Files.writeString(dir.resolve("tiny.yaml"), TINY_YAML);
    }

    @Test
    void evalCocoWithTinyWeightsPrintsJsonAndWritesResults(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results.json");
        int rc = run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--config", tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--batch", "6", "--out", results.toString(), "--json");
        assertThat(rc).as(err.toString()).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("samples").asInt()).isEqualTo(12);
        assertThat(j.get("stats").fieldNames()).toIterable()
                .containsExactly("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50", "AR75", "ARm", "ARl");
        assertThat(j.get("per_joint")).hasSize(17);
        assertThat(j.get("results_file").asText()).isEqualTo(results.toString());
        // the stats are those eval-coco computes from the written file
        StringWriter again = new StringWriter();
        CommandLine cl = HrnetCli.commandLine();
        cl.setOut(new PrintWriter(again, true));
        assertThat(cl.execute("eval-coco", "--gt", COCO.resolve("test_coco.json").toString(), "--results",
                results.toString(), "--json")).isEqualTo(0);
        JsonNode stats = new ObjectMapper().readTree(again.toString());
        assertThat(j.get("stats")).isEqualTo(stats);
        assertThat(err.toString()).contains("12/12 crops");
    }

    @Test
    void evalWithMissingWeightsFails(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("none.pth");
        int rc = run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", missing.toString());
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).startsWith("hrnet eval: error: " + missing + ": weights file not found");
    }

    @Test
    void evalWithWeightsOfAnotherArchitectureListsKeysAndShapes() {
        int rc = run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString(),
                "--width", "32", "--input", "256x192");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("the weights are not those of HRNet-W32 (17 joints, input 256x192)")
                .contains("shape mismatch: transition1.0.0.weight: network [32, 256, 3, 3], file [4, 256, 3, 3]")
                .contains("missing: stage3.1.");
    }

    @Test
    void evalRejectsHrnetWeightsForDeHrnetAndBadInputSize() {
        assertThat(run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString(),
                "--arch", "dehrnet")).isEqualTo(1);
        assertThat(err.toString()).contains("the weights are not those of DE-HRNet-W32 (17 joints, input 256x192)")
                .contains("stage2.dem.0.attention.fc1.weight");
        assertThat(run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString(),
                "--input", "256by192")).isEqualTo(1);
        assertThat(err.toString()).contains("--input must be HxW (height x width), e.g. 256x192, got '256by192'");
    }

    @Test
    void predictDrawsTheWholeImagePersonAndWritesJson(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("pose.png");
        Path json = tmp.resolve("pose.json");
        Path img = COCO.resolve("000000000785.jpg");
        int rc = run("predict", "--config", tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.pth").toString(), "--image", img.toString(), "--threshold", "0",
                "--out", png.toString(), "--json", json.toString());
        assertThat(rc).as(err.toString()).isEqualTo(0);
        assertThat(out.toString()).contains("1 person (whole image) drawn on " + png);
        Mat drawn = opencv_imgcodecs.imread(png.toString());
        Mat orig = opencv_imgcodecs.imread(img.toString());
        assertThat(drawn.cols()).isEqualTo(640);
        assertThat(drawn.rows()).isEqualTo(425);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("persons")).hasSize(1);
        JsonNode kp = j.get("persons").get(0).get("keypoints");
        assertThat(kp).hasSize(51);
        // with threshold 0 every joint is drawn: the pixel under joint 0 differs from the original
        int x = (int) Math.round(kp.get(0).asDouble());
        int y = (int) Math.round(kp.get(1).asDouble());
        assertThat(x).isBetween(0, 639);
        assertThat(y).isBetween(0, 424);
        assertThat(pixel(drawn, x, y)).isNotEqualTo(pixel(orig, x, y));
        Files.copy(png, Path.of("target", "predict-whole-image.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void predictUsesTheDetectionsOfTheImage(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("dets.png");
        Path json = tmp.resolve("dets.json");
        int rc = run("predict", "--config", tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--image", COCO.resolve("000000197388.jpg").toString(),
                "--boxes", COCO.resolve("test_coco_det_AP_H_56.json").toString(), "--image-threshold", "0.9",
                "--out", png.toString(), "--json", json.toString());
        assertThat(rc).as(err.toString()).isEqualTo(0);
        JsonNode dets = new ObjectMapper().readTree(COCO.resolve("test_coco_det_AP_H_56.json").toFile());
        int expected = 0;
        for (JsonNode d : dets) {
            if (d.get("image_id").asLong() == 197388 && d.get("score").asDouble() >= 0.9) {
                expected++;
            }
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("image_id").asLong()).isEqualTo(197388);
        assertThat(j.get("persons")).hasSize(expected);
        assertThat(j.get("persons").get(0).get("bbox")).hasSize(4);
        Files.copy(png, Path.of("target", "predict-detections.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void predictReportsAMissingImage(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nope.jpg");
        int rc = run("predict", "--config", tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--image", missing.toString(), "--out",
                tmp.resolve("o.png").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).startsWith("hrnet predict: error: ").contains(missing.toString());
    }

    @Test
    void predictReportsAnImageIdAbsentFromTheBoxes(@TempDir Path tmp) throws Exception {
        Path boxes = COCO.resolve("test_coco_det_AP_H_56.json");
        int rc = run("predict", "--config", tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--image", COCO.resolve("000000000785.jpg").toString(),
                "--boxes", boxes.toString(), "--image-id", "123", "--out", tmp.resolve("o.png").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains(boxes.toString()).contains("image_id")
                .contains("no detection for image id 123 (ids in the file: [785, 40083, 196141, 197388])");
    }

    private static int[] pixel(Mat m, int x, int y) {
        org.bytedeco.javacpp.indexer.UByteIndexer idx = m.createIndexer();
        return new int[] {idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2)};
    }
}
