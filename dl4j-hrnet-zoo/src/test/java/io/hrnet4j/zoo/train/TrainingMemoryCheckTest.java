package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.MemoryBudget;
import io.hrnet4j.zoo.arch.Presets;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run beyond the memory budget is refused by the trainer's builder, before any data is read. */
class TrainingMemoryCheckTest {
    private String saved;

    @BeforeEach
    void smallBudget() {
        saved = System.getProperty(MemoryBudget.PROPERTY);
        System.setProperty(MemoryBudget.PROPERTY, "2g");
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(MemoryBudget.PROPERTY);
        } else {
            System.setProperty(MemoryBudget.PROPERTY, saved);
        }
    }

    /**
     * Training data whose samples must not be touched: any method but {@code batchSize()} (2), {@code seed()} (0)
     * and {@code processor()} (none, as for in-memory data) fails the test.
     */
    private static final TrainingData UNTOUCHABLE = (TrainingData) Proxy.newProxyInstance(
            TrainingData.class.getClassLoader(), new Class<?>[] {TrainingData.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "batchSize" -> 2;
                case "seed" -> 0L;
                case "processor" -> throw new UnsupportedOperationException("no processor");
                case "toString" -> "untouchable training data";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new AssertionError("training data read before the memory check: "
                        + method.getName() + "()");
            });

    /** The case: 4096x4096 at batch 2 under a 2 GiB budget (inference of it fits, training does not). */
    @Test
    void trainingFarBeyondTheBudgetFailsBeforeAnyDataIsRead(@TempDir Path tmp) {
        HRNetConfig huge = Presets.small(16, 17, 4096, 4096);
        huge.memoryEstimate().check(2, false, MemoryBudget.bytes(), MemoryBudget.describe());
        TrainingRecipe r = TrainingRecipe.builder().epochs(1).milestones(1).batchSize(2).workers(1).build();
        Path out = tmp.resolve("run");
        assertThatThrownBy(() -> PoseTrainer.builder(huge, UNTOUCHABLE, out).recipe(r).build())
                .isInstanceOf(TrainingException.class)
                .hasCauseInstanceOf(InvalidConfigException.class)
                .hasMessageMatching("IMAGE_SIZE 4096x4096 \\(HxW\\) at batch 2: training needs about \\d+\\.\\d GiB, "
                        + "more than the memory budget 2\\.0 GiB \\(hrnet\\.memory=2g\\)");
        assertThat(out).doesNotExist();
    }

    /** The preset the CLI trains by default, at its batch, and the test trainer's micro network pass the check. */
    @Test
    void normalSmallTrainingsPassTheCheck(@TempDir Path tmp) {
        PoseTrainer.checkMemory(Presets.embedded(), 32);
        TrainingRecipe r = TrainingRecipe.builder().epochs(1).milestones(1).batchSize(2).workers(1).build();
        PoseTrainer t = PoseTrainer.builder(PoseTrainerTest.CFG, UNTOUCHABLE, tmp.resolve("run")).recipe(r).build();
        assertThat(t.config()).isEqualTo(PoseTrainerTest.CFG);
        assertThatThrownBy(() -> PoseTrainer.checkMemory(HRNetConfig.standard(32, 17, 256, 192), 64))
                .isInstanceOf(TrainingException.class)
                .hasMessageStartingWith("IMAGE_SIZE 256x192 (HxW) at batch 64: training needs about ");
    }
}
