package io.hrnet4j.zoo.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact counts of DESIGN.md section 2 and of the official tiny model (shared/oracle/tiny_config.json). */
class ComplexityTest {

    @Test
    void standardModelsHaveTheDesignCounts() {
        assertThat(Complexity.of(HRNetConfig.standard(32, 17, 256, 192)).params()).isEqualTo(28_536_113L);
        assertThat(Complexity.of(HRNetConfig.standard(48, 17, 256, 192)).params()).isEqualTo(63_595_745L);
        assertThat(Complexity.of(HRNetConfig.standard(32, 16, 256, 256)).params()).isEqualTo(28_536_080L);
        assertThat(Complexity.of(HRNetConfig.standard(48, 16, 256, 256)).params()).isEqualTo(63_595_696L);
        assertThat(Complexity.of(HRNetConfig.standard(32, 17, 256, 192)).bnStatistics()).isEqualTo(54_336L);
        assertThat(Complexity.of(HRNetConfig.standard(48, 17, 256, 192)).bnStatistics()).isEqualTo(79_584L);
        assertThat(Complexity.of(HRNetConfig.standard(32, 17, 256, 192)).macs()).isEqualTo(7_645_003_776L);
        assertThat(Complexity.of(HRNetConfig.standard(32, 17, 384, 288)).macs()).isEqualTo(17_201_258_496L);
        assertThat(Complexity.of(HRNetConfig.standard(48, 17, 256, 192)).macs()).isEqualTo(15_691_825_152L);
        assertThat(Complexity.of(HRNetConfig.standard(48, 17, 384, 288)).macs()).isEqualTo(35_306_606_592L);
    }

    @Test
    void tinyModelMatchesTheOfficialKeysCountsAndOrder() throws Exception {
        JsonNode tiny = new ObjectMapper().readTree(SharedData.oracle("tiny_config.json").toFile());
        Complexity c = Complexity.of(TinyConfigs.tiny());
        assertThat(c.params()).isEqualTo(tiny.get("num_params").asLong());
        assertThat(c.bnStatistics()).isEqualTo(tiny.get("num_bn_running_stats").asLong());
        assertThat(c.macs()).isEqualTo(tiny.get("conv_macs_batch1").asLong());
        List<String> keys = new ArrayList<>();
        tiny.get("state_dict_keys_in_order").forEach(k -> keys.add(k.asText()));
        assertThat(new ArrayList<>(c.stateDictShapes().keySet())).containsExactlyElementsOf(keys);
    }

    @Test
    void groupsAddUpToTheTotals() {
        Complexity c = Complexity.of(HRNetConfig.standard(32, 17, 256, 192));
        assertThat(c.groups().keySet()).containsExactly("stem", "layer1", "transition1", "stage2", "transition2",
                "stage3", "transition3", "stage4", "final_layer");
        long p = 0;
        long m = 0;
        for (Map.Entry<String, long[]> g : c.groups().entrySet()) {
            p += g.getValue()[0];
            m += g.getValue()[1];
        }
        assertThat(p).isEqualTo(c.params());
        assertThat(m).isEqualTo(c.macs());
    }

    @Test
    void inconsistentConfigsAreRejectedWithTheField() {
        assertThatThrownBy(() -> new StageConfig(1, 2, BlockType.BASIC, new int[] {4}, new int[] {32, 64}))
                .isInstanceOf(InvalidConfigException.class).hasMessage("NUM_BLOCKS has 1 entries but NUM_BRANCHES is 2");
        HRNetConfig ok = HRNetConfig.standard(32, 17, 256, 192);
        assertThatThrownBy(() -> ok.withInputSize(250, 192)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("input size 250x192");
        List<StageConfig> bad = List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {4, 4}, new int[] {32, 64}),
                new StageConfig(1, 3, BlockType.BASIC, new int[] {4, 4, 4}, new int[] {32, 96, 128}));
        assertThatThrownBy(() -> new HRNetConfig(17, 256, 192, 64, 4, 64, bad, 1, null))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("STAGE3.NUM_CHANNELS[1] = 96");
    }
}
