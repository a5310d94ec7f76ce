package io.hrnet4j.cli;

import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import picocli.CommandLine.Option;

/**
 * The test-time options of every command that runs a network on person crops ({@code eval}, {@code predict},
 * validation in {@code train}, the AP/PCKh score of {@code search}), with one name and one default each:
 * <ul>
 *   <li>{@code --flip-test} / {@code --no-flip-test}: on by default, as {@code TEST.FLIP_TEST: true} in the official
 *       experiment files ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml},
 *       {@code experiments/mpii/hrnet/w32_256x256_adam_lr1e-3.yaml}; {@code lib/config/default.py} has False, which
 *       every official experiment overrides); always with the one-cell heatmap shift ({@code TEST.SHIFT_HEATMAP});</li>
 *   <li>{@code --dark} / {@code --no-dark}: DARK sub-pixel refinement instead of the official quarter-pixel offset
 *       (the command's default when neither is given, see {@link #refinement(boolean)}).</li>
 * </ul>
 */
public class TestTimeOptions {
    private boolean flipTest = true;

    /** @param on {@code --flip-test}: run the flip test (the default) */
    @Option(names = "--flip-test", description = "Flip test with heatmap shift (TEST.FLIP_TEST; the default, as in "
            + "the official test configs).")
    void flipTestOn(boolean on) {
        this.flipTest = true;
    }

    /** @param on {@code --no-flip-test}: skip the flip test */
    @Option(names = "--no-flip-test", description = "Skip the flip test.")
    void flipTestOff(boolean on) {
        this.flipTest = false;
    }

    @Option(names = "--dark", negatable = true,
            description = "DARK sub-pixel refinement instead of the official quarter-pixel offset (--no-dark for the "
                    + "offset).")
    Boolean dark;

    /** @return whether to run the flip test */
    public boolean flipTest() {
        return flipTest;
    }

    /**
     * @param darkByDefault the command's default when neither {@code --dark} nor {@code --no-dark} is given
     * @return DARK or the official quarter-pixel offset
     */
    public HeatmapDecoder.Refinement refinement(boolean darkByDefault) {
        boolean on = dark != null ? dark : darkByDefault;
        return on ? HeatmapDecoder.Refinement.DARK : HeatmapDecoder.Refinement.QUARTER_OFFSET;
    }

    /**
     * @param darkByDefault the command's DARK default
     * @return the test-time options of {@link TopDownPredictor} (heatmap shift on)
     */
    public TopDownPredictor.Options predictorOptions(boolean darkByDefault) {
        return new TopDownPredictor.Options(flipTest, true, refinement(darkByDefault),
                HeatmapDecoder.DEFAULT_DARK_KERNEL);
    }
}
