package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.io.TempDir;

/** {@code hrnet eval} and {@code hrnet predict} with the tiny oracle model on the real samples of shared/data. */
class EvalPredictCommandsTest {
    private static final Path COCO = SharedData.data("coco-sample");
    private final CliRun cli = new CliRun();

    @Test
    void evalCocoWithTinyWeightsPrintsJsonAndWritesResults(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results.json");
        int rc = cli.run(evalTiny(tmp, SharedData.oracle("tiny_hrnet.npz"), "--out", results.toString(), "--json"));
        assertThat(rc).as(cli.err()).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(cli.out());
        assertThat(cli.err()).contains("12/12 crops");
        assertThat(j.get("samples").asInt()).isEqualTo(12);
        assertThat(j.get("stats").fieldNames()).toIterable()
                .containsExactly("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50", "AR75", "ARm", "ARl");
        assertThat(j.get("per_joint")).hasSize(17);
        assertThat(j.get("results_file").asText()).isEqualTo(results.toString());
        // the stats are those eval-coco computes from the written file
        assertThat(cli.run("eval-coco", "--gt", COCO.resolve("test_coco.json").toString(), "--results",
                results.toString(), "--json")).isEqualTo(0);
        JsonNode stats = new ObjectMapper().readTree(cli.out());
        assertThat(j.get("stats")).isEqualTo(stats);
    }

    private String[] evalTiny(Path tmp, Path weights, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("eval", "--dataset", "coco", "--images", COCO.toString(),
                "--annotations", COCO.resolve("test_coco.json").toString(), "--config", CliRun.tinyYaml(tmp).toString(),
                "--weights", weights.toString(), "--batch", "6"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void evalWithNanWeightsNeverReplacesAGoodResultsFile(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good.json");
        assertThat(cli.run(evalTiny(tmp, SharedData.oracle("tiny_hrnet.npz"), "--no-flip-test", "--out",
                good.toString()))).as(cli.err()).isEqualTo(0);
        byte[] before = Files.readAllBytes(good);
        // the same weights with a NaN in the final layer
        Path nan = tmp.resolve("nan.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(nan))) {
            for (Map.Entry<String, INDArray> e : NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz")).entrySet()) {
                INDArray v = e.getValue();
                if (e.getKey().equals("final_layer.bias")) {
                    v = v.dup().putScalar(0, Double.NaN);
                }
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                NumpyFiles.writeNpy(v, zip);
                zip.closeEntry();
            }
        }
        int rc = cli.run(evalTiny(tmp, nan, "--no-flip-test", "--out", good.toString()));
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet eval: error: ").contains("NaN");
        assertThat(Files.readAllBytes(good)).isEqualTo(before);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("good.json", "nan.npz",
                    "tiny.yaml");
        }
    }

    @Test
    void evalFindsAnUnwritableOutBeforeAnyWork(@TempDir Path tmp) throws Exception {
        int rc = cli.run(evalTiny(tmp, SharedData.oracle("tiny_hrnet.npz"), "--out", "/proc/hrnet4j-x/results.json"));
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet eval: error: /proc/hrnet4j-x").doesNotContain("crops");
        assertThat(cli.err().lines()).hasSize(1);
    }

    @Test
    void evalPrintsTheMetricsWhenTheResultsCannotBeWrittenAfterTheWork(@TempDir Path tmp) throws Exception {
        Path folder = tmp.resolve("sub");
        Path results = folder.resolve("results.json");
        // once the last crop is done, the output folder is replaced by a file: the write must fail after the work
        Writer sabotage = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                String s = new String(buf, off, len);
                cli.errWriter().write(s);
                if (s.contains("12/12") && Files.isDirectory(folder)) {
                    try {
                        Files.delete(folder);
                        Files.writeString(folder, "not a folder");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        int rc = cli.runWithErr(sabotage, evalTiny(tmp, SharedData.oracle("tiny_hrnet.npz"), "--no-flip-test", "--out",
                results.toString(), "--json"));
        assertThat(rc).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(cli.out());
        assertThat(j.get("stats").get("AP").isNumber()).isTrue();
        assertThat(j.get("results_file").isNull()).isTrue();
        assertThat(cli.err()).contains("hrnet eval: error: the metrics above were computed but the results were "
                + "not written: " + folder + ": is not a folder");
    }

    @Test
    void evalNamesFileRecordAndFieldOfBadAnnotations(@TempDir Path tmp) throws Exception {
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(COCO.resolve("test_coco.json").toFile());
        root.putObject("annotations");
        Path emptyObject = tmp.resolve("annotations-object.json");
        json.writeValue(emptyObject.toFile(), root);
        int rc = cli.run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations", emptyObject.toString(),
                "--config", CliRun.tinyYaml(tmp).toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err().lines()).as(cli.err()).hasSize(1);
        assertThat(cli.err()).startsWith("hrnet eval: error: " + emptyObject + ": ")
                .contains("'annotations': expected an array");
    }

    /** @return the help text without white space (picocli wraps lines where it likes) */
    private static String flat(String help) {
        return help.replaceAll("\\s+", "");
    }

    @Test
    void evaluationOptionsHaveOneNameAndOneDefaultInEveryCommand() {
        for (String cmd : List.of("eval", "train", "search")) {
            assertThat(cli.run(cmd, "--help")).isEqualTo(0);
            assertThat(cli.out()).as(cmd).contains("--mpii-gt=FILE").doesNotContain("--val-gt")
                    .doesNotContain("--pckh-gt");
        }
        // flip test (on by default) and DARK: one mixin in every command that runs a network on crops
        for (String cmd : List.of("eval", "predict", "train", "search")) {
            assertThat(cli.run(cmd, "--help")).isEqualTo(0);
            assertThat(flat(cli.out())).as(cmd).contains(flat("--flip-test Flip test with heatmap shift "
                    + "(TEST.FLIP_TEST; the default")).contains(flat("--no-flip-test Skip the flip test."))
                    .contains(flat("--[no-]dark DARK sub-pixel refinement"));
        }
        // person boxes: one name (--boxes, alias --detections) and one default threshold
        for (String cmd : List.of("eval", "predict", "inspect")) {
            assertThat(cli.run(cmd, "--help")).isEqualTo(0);
            assertThat(flat(cli.out())).as(cmd).contains(flat("--boxes, --detections=FILE")).contains(flat(
                    "--image-threshold=T Use the detections with score >= T (TEST.IMAGE_THRE, default 0.0)"));
        }
        // the earlier names are hidden aliases of --mpii-gt
        for (String alias : List.of("--pckh-gt", "--val-gt", "--mpii-gt")) {
            assertThat(cli.run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                    COCO.resolve("test_coco.json").toString(), "--weights",
                    SharedData.oracle("tiny_hrnet.npz").toString(), alias, "gt.json")).isEqualTo(1);
            assertThat(cli.err()).as(alias).isEqualTo("hrnet eval: error: --mpii-gt is an MPII option"
                    + System.lineSeparator());
        }
    }

    @Test
    void everyCommandThatBuildsANetworkTakesTheSameArchitectureOptions() {
        List<String> arch = List.of("--arch=hrnet|small|dehrnet Architecture family: hrnet (official stages), small (1 "
                + "module and 1 block per branch, stages 2-3: the embedded default's), dehrnet (default: hrnet).",
                "--config=FILE Official experiment YAML or the same content as JSON", "--width=W HRNet width W: 32, 48, "
                + "... (default: 32; small 16).", "--joints=K Number of joints (default: 17 COCO, 16 MPII).",
                "--input=HxW Input size, height x width in pixels", "--preset=NAME Named architecture: w32_256x192,");
        for (String cmd : List.of("summary", "bench", "eval", "infer-raw", "predict", "train", "search")) {
            assertThat(cli.run(cmd, "--help")).as(cmd).isEqualTo(0);
            for (String option : arch) {
                assertThat(flat(cli.out())).as(cmd).contains(flat(option));
            }
        }
        // the embedded default's model has a preset name
        assertThat(cli.run("summary", "--preset", "small_w16_128x96")).isEqualTo(0);
        assertThat(cli.out()).contains("HRNet W16, 17 joints, input 128x96 (HxW)");
    }

    @Test
    void evalWithMissingWeightsFails(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("none.pth");
        int rc = cli.run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", missing.toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet eval: error: " + missing + ": weights file not found");
    }

    @Test
    void evalWithWeightsOfAnotherArchitectureListsKeysAndShapes() {
        int rc = cli.run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString(),
                "--width", "32", "--input", "256x192");
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).contains("the weights are not those of HRNet-W32 (17 joints, input 256x192)")
                .contains("1215 missing, 0 unexpected, 171 mis-shaped")
                .contains("missing (first 5 of 1215): ")
                .contains("they look like HRNet-W4, 17 joints");
    }

    @Test
    void evalRejectsHrnetWeightsForDeHrnetAndBadInputSize() {
        assertThat(cli.run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString(),
                "--arch", "dehrnet")).isEqualTo(1);
        assertThat(cli.err()).contains("the weights are not those of DE-HRNet-W32 (17 joints, input 256x192)")
                .contains("1310 missing, 0 unexpected, 171 mis-shaped")
                .contains("they look like HRNet-W4, 17 joints");
        assertThat(cli.run("eval", "--dataset", "coco", "--images", COCO.toString(), "--annotations",
                COCO.resolve("test_coco.json").toString(), "--weights", SharedData.oracle("tiny_hrnet.npz").toString(),
                "--input", "256by192")).isEqualTo(1);
        assertThat(cli.err()).contains("--input must be HxW (height x width), e.g. 256x192, got '256by192'");
    }

    @Test
    void predictDrawsTheWholeImagePersonAndWritesJson(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("pose.png");
        Path json = tmp.resolve("pose.json");
        Path img = COCO.resolve("000000000785.jpg");
        int rc = cli.run("predict", "--config", CliRun.tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.pth").toString(), "--image", img.toString(), "--threshold", "0",
                "--out", png.toString(), "--json", json.toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
        assertThat(cli.out()).contains("1 person (whole image) drawn on " + png);
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
        int rc = cli.run("predict", "--config", CliRun.tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--image", COCO.resolve("000000197388.jpg").toString(),
                "--boxes", COCO.resolve("test_coco_det_AP_H_56.json").toString(), "--image-threshold", "0.9",
                "--out", png.toString(), "--json", json.toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
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
        int rc = cli.run("predict", "--config", CliRun.tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--image", missing.toString(), "--out",
                tmp.resolve("o.png").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet predict: error: ").contains(missing.toString());
    }

    @Test
    void predictReportsAnImageIdAbsentFromTheBoxes(@TempDir Path tmp) throws Exception {
        Path boxes = COCO.resolve("test_coco_det_AP_H_56.json");
        int rc = cli.run("predict", "--config", CliRun.tinyYaml(tmp).toString(), "--weights",
                SharedData.oracle("tiny_hrnet.npz").toString(), "--image", COCO.resolve("000000000785.jpg").toString(),
                "--boxes", boxes.toString(), "--image-id", "123", "--out", tmp.resolve("o.png").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).contains(boxes.toString()).contains("image_id")
                .contains("no detection for image id 123 (ids in the file: [785, 40083, 196141, 197388])");
    }

    private static int[] pixel(Mat m, int x, int y) {
        org.bytedeco.javacpp.indexer.UByteIndexer idx = m.createIndexer();
        return new int[] {idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2)};
    }
}
