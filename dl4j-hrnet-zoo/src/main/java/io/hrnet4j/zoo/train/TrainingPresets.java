package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import java.util.List;

/**
 * Ready-made configurations for CPU training, chiefly the embedded default run ({@code ./hrnet train} with no
 * arguments) on the synthetic dataset.
 */
public final class TrainingPresets {
    /** Input height of the embedded default, pixels. */
    public static final int EMBEDDED_INPUT_HEIGHT = 128;
    /** Input width of the embedded default, pixels. */
    public static final int EMBEDDED_INPUT_WIDTH = 96;
    /** Width W of the embedded default (branch widths W, 2W, 4W). */
    public static final int EMBEDDED_WIDTH = 16;

    private TrainingPresets() {
    }

    /**
     * A small HRNet for CPU training: stem of {@code width} channels (two 3x3 stride-2 convs), layer1 one Bottleneck
     * of {@code width} planes ({@code 4 * width} out), stage2 (W, 2W) and stage3 (W, 2W, 4W) with one module and one
     * BasicBlock per branch, no stage4; heatmaps at stride 4. At W16, 17 joints, 128x96: 181,585 parameters and
     * 37.2 M multiply-adds per crop (vs 7.6 G for W32 at 256x192), i.e. about 200x cheaper.
     *
     * @param width W
     * @param numJoints K
     * @param inputHeight input height, a multiple of 16
     * @param inputWidth input width, a multiple of 16
     * @return the configuration
     * @throws io.hrnet4j.zoo.arch.InvalidConfigException if the sizes do not divide by 16 or a count is not positive
     */
    public static HRNetConfig small(int width, int numJoints, int inputHeight, int inputWidth) {
        int w = width;
        return new HRNetConfig(numJoints, inputHeight, inputWidth, w, 1, w, List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {w, 2 * w}),
                new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {w, 2 * w, 4 * w})), 1, null);
    }

    /** @return the embedded default model: {@link #small} W16, 17 COCO joints, input 128x96 (HxW), heatmaps 32x24 */
    public static HRNetConfig embeddedConfig() {
        return small(EMBEDDED_WIDTH, 17, EMBEDDED_INPUT_HEIGHT, EMBEDDED_INPUT_WIDTH);
    }

    /**
     * The embedded default's recipe: the published one (Adam, no weight decay, step x0.1) shortened to
     * {@code epochs} with the drop at 80% of them (rounded, at least epoch 1), lr 5e-3 (the small model from the
     * official N(0, 0.001) initialisation leaves the all-zero-heatmap plateau several times sooner than at 1e-3),
     * batch 32, 2 data workers, validation every 2 epochs and after the last, a checkpoint every 100 iterations and
     * at epoch ends, progress every 10 iterations.
     *
     * @param epochs number of epochs
     * @return the recipe
     */
    public static TrainingRecipe embeddedRecipe(int epochs) {
        return TrainingRecipe.builder().epochs(epochs).milestones(Math.max(1, (int) Math.round(epochs * 0.8)))
                .learningRate(5e-3).batchSize(32).workers(2).seed(0).checkpointEveryIterations(100)
                .keepCheckpoints(3).validateEveryEpochs(2).logEveryIterations(10).flipTest(true).build();
    }
}
