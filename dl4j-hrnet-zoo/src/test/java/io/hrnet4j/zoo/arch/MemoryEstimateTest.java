package io.hrnet4j.zoo.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes are validated against a closed-form memory estimate before anything is allocated. */
class MemoryEstimateTest {

    /** The closed form agrees with the exact count of the emitted topology (Complexity) within 2%. */
    @Test
    void parameterEstimateMatchesTheTopology() {
        for (HRNetConfig cfg : List.of(HRNetConfig.standard(32, 17, 256, 192), HRNetConfig.standard(48, 17, 384, 288),
                TinyConfigs.tiny())) {
            Complexity c = Complexity.of(cfg);
            double exact = c.params() + 2.0 * c.bnStatistics();
            assertThat(cfg.memoryEstimate().parameters()).as("%s", cfg).isCloseTo(exact, within(0.02 * exact));
        }
    }

    /** The case: NUM_MODULES 1000000 in a YAML, refused at once with the stage, the estimate and the budget. */
    @Test
    void millionModulesAreRefusedWithTheEstimate(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.yaml");
        String yaml = Files.readString(Path.of("src/test/resources/configs/w32_256x192_adam_lr1e-3.yaml"));
        int stage3 = yaml.indexOf("STAGE3");
        int modules = yaml.indexOf("NUM_MODULES: 4", stage3);
        assertThat(modules).isPositive();
        Files.writeString(f, yaml.substring(0, modules) + "NUM_MODULES: 1000000" + yaml.substring(modules + 14));
        assertThatThrownBy(() -> ExperimentConfig.read(f)).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(f + ": STAGE3 (NUM_MODULES 1000000): ")
                .hasMessageContaining("parameters: inference needs at least ")
                .hasMessageContaining("GiB, more than the memory budget ");
    }

    @Test
    void hugeInputsAreRefusedBeforeAllocation() {
        HRNetConfig w32 = HRNetConfig.standard(32, 17, 256, 192);
        assertThatThrownBy(() -> w32.withInputSize(20000, 20000)).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("IMAGE_SIZE 20000x20000 (HxW): inference needs at least 28.4 GiB, more "
                        + "than the memory budget ");
        assertThatThrownBy(() -> w32.withInputSize(100000, 100000)).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("IMAGE_SIZE 100000x100000 (HxW): inference needs at least 707.9 GiB");
        assertThatThrownBy(() -> new StageConfig(1, 2, BlockType.BASIC, new int[] {4, 4},
                new int[] {Integer.MAX_VALUE, 64})).isInstanceOf(InvalidConfigException.class)
                .hasMessage("NUM_CHANNELS[0] must be <= 1048576, got 2147483647");
    }

    /** A small stated budget refuses what a large one accepts; training needs more than inference. */
    @Test
    void aSmallBudgetRefusesWithTheEstimateInTheMessage() {
        MemoryEstimate e = HRNetConfig.standard(32, 17, 256, 192).memoryEstimate();
        assertThat(e.inferenceBytes(1)).isBetween(110e6, 130e6); // 28.5 M parameters + BN statistics, float32
        assertThat(e.trainingBytes(32)).isGreaterThan(e.inferenceBytes(32));
        e.check(1, false, 1L << 30, "1.0 GiB (test)");
        assertThatThrownBy(() -> e.check(1, false, 64L << 20, "0.1 GiB (test)"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("STAGE4 (NUM_MODULES 3): 2.07e+07 of 2.86e+07 parameters: inference needs at least 0.1 GiB,"
                        + " more than the memory budget 0.1 GiB (test)");
        assertThatThrownBy(() -> e.check(64, true, 8L << 30, "8.0 GiB (test)"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("IMAGE_SIZE 256x192 (HxW) at batch 64: training needs about ");
    }

    /**
     * The calibration points of the training estimate (measured peak RSS of {@code hrnet train}, see
     * {@link MemoryEstimate#TRAINING_ARRAYS_PER_ACTIVATION}): W32 256x192 at batch 2 trains under a 2 GiB budget and
     * is admitted there, refused under 1.5 GiB; the embedded network's estimates lie below its measured peaks.
     */
    @Test
    void trainingEstimateMeetsTheCalibrationPoints() {
        double gib = 1L << 30;
        MemoryEstimate w32 = HRNetConfig.standard(32, 17, 256, 192).memoryEstimate();
        assertThat(w32.trainingBytes(2) / gib).isBetween(1.8, 2.0);
        w32.check(2, true, 2L << 30, "2.0 GiB (test)");
        assertThatThrownBy(() -> w32.check(2, true, 3L << 29, "1.5 GiB (test)"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("IMAGE_SIZE 256x192 (HxW) at batch 2: training needs about 1.9 GiB, more than the memory "
                        + "budget 1.5 GiB (test)");
        MemoryEstimate small = Presets.embedded().memoryEstimate();
        assertThat(small.trainingBytes(8) / gib).isBetween(0.7, 0.89);
        assertThat(small.trainingBytes(32) / gib).isBetween(0.8, 1.26);
    }

    @Test
    void budgetSizesParse() {
        assertThat(MemoryBudget.parseSize("12g", "HRNET_MEMORY")).isEqualTo(12L << 30);
        assertThat(MemoryBudget.parseSize(" 1.5GiB", "HRNET_MEMORY")).isEqualTo(3L << 29);
        assertThat(MemoryBudget.parseSize("6000m", "HRNET_MEMORY")).isEqualTo(6000L << 20);
        assertThatThrownBy(() -> MemoryBudget.parseSize("lots", "HRNET_MEMORY"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("HRNET_MEMORY must be a memory size of at least 1m, e.g. 12g, got 'lots'");
        assertThat(MemoryBudget.bytes()).isGreaterThanOrEqualTo(1L << 30);
    }
}
