package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.train.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hrnet train} on the real COCO and MPII samples (micro model, a few iterations) and its bad input. */
class TrainCommandTest {
    private final CliRun cli = new CliRun();

    private static void assertTrained(Path dir, String metric, int epochs) throws Exception {
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(rows).hasSize(epochs + 1);
        double first = Double.parseDouble(rows.get(1).split(",")[3]);
        double last = Double.parseDouble(rows.get(epochs).split(",")[3]);
        assertThat(last).as("mean loss of the last epoch vs the first").isLessThan(first);
        assertThat(CheckpointStore.of(dir.resolve("checkpoints"), 3).list()).isNotEmpty();
        assertThat(CheckpointStore.of(dir.resolve("checkpoints"), 3).loadLatest().state().epoch()).isEqualTo(epochs);
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("metricName").asText()).isEqualTo(metric);
        assertThat(m.get("finalStats").size()).isGreaterThan(5);
        assertThat(dir.resolve("final.npz")).isRegularFile();
        assertThat(dir.resolve("training-curves.png")).isRegularFile();
    }

    @Test
    void trainsOnTheCocoSample(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("coco");
        int rc = cli.run(CliRun.trainOnSample("coco", "64x48", "--backend", "graph", "--epochs", "4", "--batch", "12",
                "--lr", "5e-3", "--workers", "1", "--checkpoint-every", "0", "--validate-every", "4", "--log-every",
                "1", "--out", dir.toString()));
        assertThat(rc).as(cli.err()).isZero();
        assertThat(cli.out()).contains("epoch 4/4 iter 1/1").contains("validation after epoch 4: AP ")
                .contains("final stats:");
        assertTrained(dir, "AP", 4);
    }

    @Test
    void trainsOnTheMpiiSample(@TempDir Path tmp) throws Exception {
        Path data = SharedData.data("mpii-sample");
        Path dir = tmp.resolve("mpii");
        Path gt = headBoxGroundTruth(data.resolve("test_mpii.json"), tmp.resolve("gt.json"));
        int rc = cli.run(CliRun.trainOnSample("mpii", "64x64", "--val-gt", gt.toString(), "--backend", "graph",
                "--epochs", "4", "--batch", "5", "--lr", "5e-3", "--workers", "1", "--checkpoint-every", "0",
                "--validate-every", "4", "--log-every", "1", "--out", dir.toString()));
        assertThat(rc).as(cli.err()).isZero();
        assertThat(cli.out()).contains("validation after epoch 4: PCKh ");
        assertTrained(dir, "PCKh", 4);
    }

    /**
     * A PCKh ground truth (the {@code gt_valid} JSON layout) for the MPII sample, whose annotation JSON has no head
     * boxes: joints as annotated (1-based), head box = the square centred between upper neck (8) and head top (9)
     * with their distance as side. A fixture for "the evaluation runs", not an official head box.
     */
    static Path headBoxGroundTruth(Path annotations, Path out) throws Exception {
        ObjectMapper om = new ObjectMapper();
        JsonNode recs = om.readTree(annotations.toFile());
        var root = om.createObjectNode();
        var joints = root.putArray("joints");
        var vis = root.putArray("joints_vis");
        var heads = root.putArray("headboxes");
        for (JsonNode r : recs) {
            joints.add(r.get("joints"));
            vis.add(r.get("joints_vis"));
            JsonNode neck = r.get("joints").get(8);
            JsonNode top = r.get("joints").get(9);
            double cx = (neck.get(0).asDouble() + top.get(0).asDouble()) / 2;
            double cy = (neck.get(1).asDouble() + top.get(1).asDouble()) / 2;
            double half = Math.max(1, Math.hypot(neck.get(0).asDouble() - top.get(0).asDouble(),
                    neck.get(1).asDouble() - top.get(1).asDouble()) / 2);
            heads.add(om.createArrayNode().add(om.createArrayNode().add(cx - half).add(cy - half))
                    .add(om.createArrayNode().add(cx + half).add(cy + half)));
        }
        om.writeValue(out.toFile(), root);
        return out;
    }

    @Test
    void mpiiWithoutHeadBoxesTrainsWithoutValidation(@TempDir Path tmp) throws Exception {
        int rc = cli.run(CliRun.trainOnSample("mpii", "64x64", "--backend", "graph", "--epochs", "1", "--batch", "5",
                "--workers", "1", "--out", tmp.resolve("run").toString()));
        assertThat(rc).as(cli.err()).isZero();
        assertThat(cli.out()).contains("no validation: MPII PCKh needs head boxes");
        assertThat(CheckpointStore.of(tmp.resolve("run/checkpoints"), 3).loadLatest().state().epoch()).isEqualTo(1);
    }

    @Test
    void badInputIsAClearError(@TempDir Path tmp) throws Exception {
        assertThat(cli.run("train", "--dataset", "coco", "--out", tmp.toString())).isEqualTo(1);
        assertThat(cli.err()).contains("--dataset coco needs --images DIR and --annotations FILE");
        assertThat(cli.run("train", "--dataset", "kitti")).isEqualTo(1);
        assertThat(cli.err()).contains("--dataset must be synthetic, coco or mpii, got 'kitti'");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThat(cli.run(CliRun.trainOnSample("mpii", "64x64", "--out", file.resolve("run").toString())))
                .isEqualTo(1);
        assertThat(cli.err()).contains("output folder is not writable: " + file.resolve("run").toAbsolutePath());
        String ui = tmp.resolve("ui").toString();
        assertThat(cli.run(CliRun.trainOnSample("mpii", "64x64", "--out", ui, "--ui"))).isEqualTo(1);
        assertThat(cli.err()).contains("--ui needs --backend graph");
        assertThat(cli.run(CliRun.trainOnSample("mpii", "64x64", "--out", ui, "--ui", "--backend", "graph")))
                .isEqualTo(1);
        assertThat(cli.err()).contains("--ui needs the DL4J training UI (org.deeplearning4j:deeplearning4j-ui) on "
                + "the classpath, which the default build leaves out (~60 MB): rebuild with 'mvn -Pui -DskipTests package'");
        assertThat(cli.run("train", "--input", "256by192")).isEqualTo(1);
        assertThat(cli.err()).contains("--input must be HxW (height x width), e.g. 256x192, got '256by192'");
    }

    @Test
    void helpListsTheExecutionOptions() {
        assertThat(cli.run("train", "--help")).isZero();
        assertThat(cli.out()).contains("--spark=MASTER").contains("--devices=N").contains("--preset=NAME")
                .contains("--arch=hrnet|small|dehrnet");
    }

    /**
     * Issue 14: a resumed run takes its dataset, recipe and architecture from the run's config.yaml, refuses a
     * contradicting option in one line, and the run's config.yaml and weights evaluate with no architecture option.
     */
    @Test
    void resumeTakesEverythingFromTheRunAndEvalReadsItsConfig(@TempDir Path tmp) throws Exception {
        Path data = SharedData.data("coco-sample");
        Path dir = tmp.resolve("coco");
        int rc = cli.run(CliRun.trainOnSample("coco", "64x48", "--backend", "graph", "--epochs", "1", "--batch", "12",
                "--lr", "5e-3", "--workers", "1", "--checkpoint-every", "0", "--log-every", "1", "--out",
                dir.toString()));
        assertThat(rc).as(cli.err()).isZero();
        assertThat(dir.resolve("config.yaml")).isRegularFile();

        // a contradicting option: one line, nothing trained, the run's checkpoints untouched
        List<Path> before = CheckpointStore.of(dir.resolve("checkpoints"), 3).list();
        assertThat(cli.run("train", "--resume", dir.toString(), "--lr", "0.1", "--dataset", "synthetic")).isEqualTo(1);
        assertThat(cli.err().trim()).doesNotContain("\n").contains("error: --resume " + dir)
                .contains("--dataset synthetic (run: coco)").contains("lr 0.005 (run) vs 0.1");
        assertThat(CheckpointStore.of(dir.resolve("checkpoints"), 3).list()).isEqualTo(before);

        // no options: the COCO run continues (not the synthetic default), to a longer schedule
        rc = cli.run("train", "--resume", dir.toString(), "--epochs", "2", "--backend", "graph");
        assertThat(rc).as(cli.err()).isZero();
        assertThat(cli.out()).contains("(graph backend): epoch 2, batch 0, iteration 1")
                .contains("validation after epoch 2: AP ").doesNotContain("synthetic dataset");
        assertTrained(dir, "AP", 2);
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("experiment").get("DATASET").get("DATASET").asText()).isEqualTo("coco");
        assertThat(m.get("experiment").get("TRAIN").get("END_EPOCH").asInt()).isEqualTo(2);

        // eval: the architecture from the run's config.yaml only
        rc = cli.run("eval", "--config", dir.resolve("config.yaml").toString(), "--weights",
                dir.resolve("best.npz").toString(), "--dataset", "coco", "--images", data.toString(),
                "--annotations", data.resolve("test_coco.json").toString(), "--workers", "1");
        assertThat(rc).as(cli.err()).isZero();
        assertThat(cli.out()).contains("AP");
    }

    /** The embedded default end to end (minutes): {@code hrnet train} with no model or data options. */
    @Test
    @Tag("slow")
    void embeddedDefaultReachesHalfOksAp(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("default");
        int rc = cli.run("train", "--out", dir.toString());
        assertThat(rc).as(cli.err()).isZero();
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("finalStats").get("AP").asDouble()).isGreaterThanOrEqualTo(0.5);
        try (var pngs = Files.list(dir.resolve("predictions"))) {
            assertThat(pngs.count()).isEqualTo(4);
        }
    }
}
