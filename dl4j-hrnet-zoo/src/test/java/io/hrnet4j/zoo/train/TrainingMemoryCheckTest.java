package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.MemoryBudget;
import io.hrnet4j.zoo.arch.Presets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

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

    /** Training data whose samples must not be touched: any read fails the test. */
    private static final TrainingData UNTOUCHABLE = new TrainingData() {
        @Override
        public DataSetIterator epoch(int epoch) {
            throw new AssertionError("training data read before the memory check");
        }

        @Override
        public int batchesPerEpoch() {
            throw new AssertionError("training data read before the memory check");
        }

        @Override
        public int examplesPerEpoch() {
            throw new AssertionError("training data read before the memory check");
        }

        @Override
        public List<PoseSample> samples() {
            throw new AssertionError("training data read before the memory check");
        }

        @Override
        public TopDownSampleProcessor processor() {
            throw new UnsupportedOperationException("no processor");
        }

        @Override
        public int batchSize() {
            return 2;
        }

        @Override
        public long seed() {
            return 0;
        }
    };

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
