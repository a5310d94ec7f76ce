package io.hrnet4j.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoseSearchSpaceTest {
    @TempDir
    Path tmp;

    @Test
    void presetDrawsEveryOptimizerWithinItsRanges() {
        RandomSearchGenerator gen = new RandomSearchGenerator(PoseSearchSpace.preset("lr-schedule"), null);
        gen.setRngSeed(1);
        java.util.EnumSet<Optimizer> seen = java.util.EnumSet.noneOf(Optimizer.class);
        for (int i = 0; i < 40; i++) {
            PoseCandidate c = (PoseCandidate) gen.getCandidate().getValue();
            seen.add(c.optimizer());
            assertThat(c.baseLearningRate()).isBetween(1e-4, 1e-2);
            assertThat(c.warmupIterations()).isIn(0, 10);
            assertThat(c.batchSize()).isEqualTo(8);
            assertThat(c.width()).isEqualTo(32);
            assertThat(PoseCandidate.fromJson(c.toJson(), "test")).isEqualTo(c);
        }
        assertThat(seen).containsExactlyInAnyOrder(Optimizer.values());
    }

    /**
     * The canonical JSON of a candidate, field by field and in this order: its SHA-256 prefix is part of the
     * candidate id, so the form must not change (a resumed search finds its candidates by id).
     */
    @Test
    void candidateJsonIsTheCanonicalFormAndMissingFieldsAreNamed() {
        PoseCandidate c = new PoseCandidate(Optimizer.SGD, MapScheduleSpace.schedule(
                org.nd4j.linalg.schedule.ScheduleType.EPOCH, 1e-3, 0.1, java.util.List.of(170, 200)), 10, 8, 32, 0.9,
                1e-4, true, false);
        assertThat(c.toJson().toString()).isEqualTo("{\"optimizer\":\"sgd\",\"learningRate\":0.001,\"schedule\":"
                + "{\"type\":\"epoch\",\"values\":{\"0\":0.001,\"170\":1.0E-4,\"200\":1.0E-5}},"
                + "\"warmupIterations\":10,\"batchSize\":8,\"width\":32,\"momentum\":0.9,\"weightDecay\":1.0E-4,"
                + "\"dem\":true,\"dysample\":false}");
        assertThat(c.hash()).isEqualTo("02ee699c");
        assertThat(PoseCandidate.fromJson(c.toJson(), "c.json")).isEqualTo(c);
        com.fasterxml.jackson.databind.node.ObjectNode noWidth = c.toJson();
        noWidth.remove("width");
        assertThatThrownBy(() -> PoseCandidate.fromJson(noWidth, "c.json")).isInstanceOf(InvalidConfigException.class)
                .hasMessage("c.json: candidate field 'width' is missing");
        com.fasterxml.jackson.databind.node.ObjectNode noType = c.toJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) noType.get("schedule")).remove("type");
        assertThatThrownBy(() -> PoseCandidate.fromJson(noType, "c.json")).isInstanceOf(InvalidConfigException.class)
                .hasMessage("c.json: candidate field 'type' is missing");
        com.fasterxml.jackson.databind.node.ObjectNode weekly = c.toJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) weekly.get("schedule")).put("type", "weekly");
        assertThatThrownBy(() -> PoseCandidate.fromJson(weekly, "c.json")).isInstanceOf(InvalidConfigException.class)
                .hasMessage("c.json: invalid candidate: unknown schedule type 'weekly': expected iteration or epoch");
        com.fasterxml.jackson.databind.node.ObjectNode rmsprop = c.toJson().put("optimizer", "rmsprop");
        assertThatThrownBy(() -> PoseCandidate.fromJson(rmsprop, "c.json")).isInstanceOf(InvalidConfigException.class)
                .hasMessage("c.json: invalid candidate: unknown optimizer 'rmsprop': expected adam, adamw or sgd");
        com.fasterxml.jackson.databind.node.ObjectNode anyCase = c.toJson().put("optimizer", " SGD ");
        ((com.fasterxml.jackson.databind.node.ObjectNode) anyCase.get("schedule")).put("type", "Epoch");
        assertThat(PoseCandidate.fromJson(anyCase, "c.json")).isEqualTo(c);
    }

    @Test
    void yamlAndJsonFilesGiveTheSameGrid() throws Exception {
        Path yaml = tmp.resolve("space.yaml");
        Files.writeString(yaml, "optimizer: [adam, sgd]\nlearningRate: [1.0e-3, 1.0e-2]\n"
                + "schedule: {unit: iteration, drops: [[4, 8]], factor: 0.5}\nbatchSize: 4\nwidth: 8\n");
        Path json = tmp.resolve("space.json");
        Files.writeString(json, "{\"optimizer\": [\"adam\", \"sgd\"], \"learningRate\": [1e-3, 1e-2], "
                + "\"schedule\": {\"unit\": \"iteration\", \"drops\": [4, 8], \"factor\": 0.5}, \"batchSize\": 4, "
                + "\"width\": 8}");
        var a = new GridSearchCandidateGenerator(PoseSearchSpace.read(yaml), 3,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        var b = new GridSearchCandidateGenerator(PoseSearchSpace.read(json), 3,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        assertThat(a.getTotalNumCandidates()).isEqualTo(4);
        while (a.hasMoreCandidates()) {
            PoseCandidate x = (PoseCandidate) a.getCandidate().getValue();
            PoseCandidate y = (PoseCandidate) b.getCandidate().getValue();
            assertThat(x).isEqualTo(y);
            assertThat(x.lrSchedule().valueAt(8, 0)).isEqualTo(x.baseLearningRate() * 0.25);
            assertThat(x.width()).isEqualTo(8);
        }
    }

    @Test
    void badFilesNameTheFileAndTheField() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "learningRate: {min: 0, max: 1.0e-2, log: true}\n");
        assertThatThrownBy(() -> PoseSearchSpace.read(f)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining("learningRate log-uniform range needs min > 0");
        Files.writeString(f, "optimizer: [adam, rmsprop]\n");
        assertThatThrownBy(() -> PoseSearchSpace.read(f)).hasMessageContaining("bad.yaml: optimizer: unknown "
                + "optimizer 'rmsprop'");
        Files.writeString(f, "learningrate: 0.1\n");
        assertThatThrownBy(() -> PoseSearchSpace.read(f)).hasMessageContaining("unknown key 'learningrate'");
        Files.writeString(f, "schedule: {drops: [[5, 3]]}\n");
        assertThatThrownBy(() -> PoseSearchSpace.read(f)).hasMessageContaining("schedule.drops [5,3] must be "
                + "strictly increasing");
        assertThatThrownBy(() -> PoseSearchSpace.preset("nope")).hasMessage("unknown preset 'nope': available: "
                + "lr-schedule");
    }

    @Test
    void budgetsParse() {
        assertThat(TrainingBudget.parse("2e")).isEqualTo(new TrainingBudget(TrainingBudget.Unit.EPOCHS, 2));
        assertThat(TrainingBudget.parse("100i").iterations(7)).isEqualTo(100);
        assertThat(TrainingBudget.parse("3e").iterations(7)).isEqualTo(21);
        assertThatThrownBy(() -> TrainingBudget.parse("0e")).hasMessageContaining("got '0e'");
    }
}
