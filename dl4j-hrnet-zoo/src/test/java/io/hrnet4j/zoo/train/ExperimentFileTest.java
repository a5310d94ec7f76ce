package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentFileTest {
    /** The MODEL and TRAIN sections of the official experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml. */
    static final String W32_256X192 = """
            GPUS: (0,1,2,3)
            WORKERS: 24
            MODEL:
              NAME: pose_hrnet
              NUM_JOINTS: 17
              PRETRAINED: 'models/pytorch/imagenet/hrnet_w32-36af842e.pth'
              TARGET_TYPE: gaussian
              IMAGE_SIZE:
              - 192
              - 256
              HEATMAP_SIZE:
              - 48
              - 64
              SIGMA: 2
              EXTRA:
                PRETRAINED_LAYERS: ['conv1', 'bn1', 'conv2', 'bn2', 'layer1', 'transition1', 'stage2']
                FINAL_CONV_KERNEL: 1
                STAGE2:
                  NUM_MODULES: 1
                  NUM_BRANCHES: 2
                  BLOCK: BASIC
                  NUM_BLOCKS: [4, 4]
                  NUM_CHANNELS: [32, 64]
                  FUSE_METHOD: SUM
                STAGE3:
                  NUM_MODULES: 4
                  NUM_BRANCHES: 3
                  BLOCK: BASIC
                  NUM_BLOCKS: [4, 4, 4]
                  NUM_CHANNELS: [32, 64, 128]
                  FUSE_METHOD: SUM
                STAGE4:
                  NUM_MODULES: 3
                  NUM_BRANCHES: 4
                  BLOCK: BASIC
                  NUM_BLOCKS: [4, 4, 4, 4]
                  NUM_CHANNELS: [32, 64, 128, 256]
                  FUSE_METHOD: SUM
            TRAIN:
              BATCH_SIZE_PER_GPU: 32
              SHUFFLE: true
              BEGIN_EPOCH: 0
              END_EPOCH: 210
              OPTIMIZER: adam
              LR: 0.001
              LR_FACTOR: 0.1
              LR_STEP:
              - 170
              - 200
              WD: 0.0001
            """;

    @Test
    void readsTheOfficialW32File(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("w32_256x192_adam_lr1e-3.yaml"), W32_256X192);
        ExperimentFile e = ExperimentFile.read(f);
        assertThat(e.config()).isEqualTo(HRNetConfig.standard(32, 17, 256, 192));
        assertThat(e.sigma()).isEqualTo(2.0);
        assertThat(e.recipe()).isEqualTo(TrainingRecipe.published());
    }

    @Test
    void badFilesNameTheKey(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), W32_256X192.replace("BLOCK: BASIC\n      NUM_BLOCKS: [4, 4]\n",
                "BLOCK: RESNEXT\n      NUM_BLOCKS: [4, 4]\n"));
        assertThatThrownBy(() -> ExperimentFile.read(f)).isInstanceOf(InvalidConfigException.class)
                .hasMessage(f + ": MODEL.EXTRA.STAGE2.BLOCK must be BASIC or BOTTLENECK, got RESNEXT");
        Path sgd = Files.writeString(dir.resolve("sgd.yaml"), W32_256X192.replace("OPTIMIZER: adam", "OPTIMIZER: sgd"));
        assertThatThrownBy(() -> ExperimentFile.read(sgd)).hasMessage(sgd
                + ": TRAIN.OPTIMIZER sgd is not supported (adam only, as the published recipe)");
        Path none = Files.writeString(dir.resolve("none.yaml"), "TRAIN:\n  LR: 0.1\n");
        assertThatThrownBy(() -> ExperimentFile.read(none)).hasMessage(none
                + ": no MODEL section (not an HRNet experiment file)");
    }
}
