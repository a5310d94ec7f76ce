package io.hrnet4j.zoo.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigTest {
    private static Path resource(String name) throws Exception {
        return Paths.get(ExperimentConfigTest.class.getResource("/configs/" + name).toURI());
    }

    @Test
    void officialYamlGivesTheW32Preset() throws Exception {
        HRNetConfig cfg = ExperimentConfig.read(resource("w32_256x192_adam_lr1e-3.yaml"));
        assertThat(cfg).isEqualTo(Presets.get("w32_256x192"));
        assertThat(Complexity.of(cfg).params()).isEqualTo(28_536_113L);
    }

    @Test
    void jsonWithTheSameContentIsAccepted() throws Exception {
        assertThat(ExperimentConfig.read(resource("tiny.json"))).isEqualTo(TinyConfigs.tiny());
    }

    @Test
    void theOracleConfigJsonIsAccepted() throws Exception {
        // shared/oracle/tiny_config.json holds the official cfg under "cfg"
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(SharedData.oracle("tiny_config.json").toFile()).get("cfg");
        assertThat(ExperimentConfig.parse(root)).isEqualTo(TinyConfigs.tiny());
    }

    @Test
    void deHrnetSectionHasOneKeyPerOptionInRecordOrderAndReadsBack() throws Exception {
        DeHrnetOptions o = DeHrnetOptions.defaults().withAttention(io.hrnet4j.zoo.layers.DetailEnhancementModule
                .Attention.ECA).withDySample(io.hrnet4j.zoo.layers.DySample.Style.PL, 2, true).withDropout(0.25);
        HRNetConfig cfg = TinyConfigs.tiny().withDeHrnet(o);
        com.fasterxml.jackson.databind.JsonNode de = ExperimentConfig.toTree(cfg).at("/MODEL/EXTRA/DEHRNET");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(de)).isEqualTo(
                "{\"DEM\":true,\"PLACEMENT\":\"STAGE_OUTPUT\",\"ATTENTION\":\"ECA\",\"SE_REDUCTION\":16,"
                + "\"SE_MIN_HIDDEN\":8,\"ECA_KERNEL\":0,\"DROPOUT\":0.25,\"DYSAMPLE\":true,\"STYLE\":\"PL\","
                + "\"GROUPS\":2,\"DYNAMIC_SCOPE\":true}");
        assertThat(ExperimentConfig.parse(ExperimentConfig.toTree(cfg))).isEqualTo(cfg);
    }

    /** Writes {@code content} to {@code file} and reads it: an {@link InvalidConfigException} to check further. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(Path file, String content)
            throws IOException {
        Files.writeString(file, content);
        return assertThatThrownBy(() -> ExperimentConfig.read(file)).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void errorsNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        assertRejected(f, Files.readString(resource("w32_256x192_adam_lr1e-3.yaml"))
                .replace("      - 4\n      - 4\n      NUM_CHANNELS", "      - 4\n      NUM_CHANNELS"))
                .hasMessage(f + ": MODEL.EXTRA.STAGE2: NUM_BLOCKS has 1 entries but NUM_BRANCHES is 2");
        Path g = dir.resolve("nojoints.json");
        assertRejected(g, "{\"MODEL\": {\"IMAGE_SIZE\": [192, 256], \"EXTRA\": {}}}")
                .hasMessage(g + ": MODEL.NUM_JOINTS is missing");
        Path h = dir.resolve("broken.json");
        assertRejected(h, "{\"MODEL\": ").hasMessageStartingWith(h + ": not valid JSON");
        Path n = dir.resolve("other.yaml");
        assertRejected(n, "MODEL:\n  NAME: pose_resnet\n  NUM_JOINTS: 17\n")
                .hasMessage(n + ": MODEL.NAME: only pose_hrnet is supported, got 'pose_resnet'");
        assertThatThrownBy(() -> Presets.get("w64_256x192")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown preset 'w64_256x192'");
    }
}
