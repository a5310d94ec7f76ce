package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
    private final CliRun cli = new CliRun();

    @Test
    void writesTheDatasetToTheFolder(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("synth");
        int rc = cli.run("synth", "--out", target.toString(), "--train", "3", "--val", "2", "--seed", "5",
                "--width", "128", "--height", "96");
        assertThat(rc).as(cli.err()).isZero();
        assertThat(cli.out()).contains("synthetic dataset: " + target.toAbsolutePath().normalize())
                .contains("v=1;seed=5;train=3;val=2;size=128x96;");
        JsonNode train = new ObjectMapper().readTree(
                target.resolve("annotations/person_keypoints_train.json").toFile());
        assertThat(train.get("images")).hasSize(3);
        assertThat(train.get("images").get(0).get("width").asInt()).isEqualTo(128);
        assertThat(target.resolve("images/train/000000000003.jpg")).isRegularFile();
        assertThat(target.resolve("images/val/000001000002.jpg")).isRegularFile();
        assertThat(new ObjectMapper().readTree(
                target.resolve("person_detection_results/synthetic_val_detections.json").toFile()).isArray()).isTrue();
    }

    @Test
    void refusesAFolderWithOtherFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        int rc = cli.run("synth", "--out", dir.toString(), "--train", "2", "--val", "1");
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet synth: error: " + dir.toAbsolutePath().normalize())
                .contains("is not empty and holds no synthetic dataset");
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void badCountIsABadInputError(@TempDir Path dir) {
        int rc = cli.run("synth", "--out", dir.resolve("x").toString(), "--train", "-4");
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err())
                .contains("synthetic dataset parameter trainImages must be in 0..999999, got -4");
    }

    @Test
    void missingOutIsAUsageError() {
        assertThat(cli.run("synth", "--train", "2")).isEqualTo(2);
        assertThat(cli.err()).contains("Missing required option: '--out=DIR'");
    }
}
