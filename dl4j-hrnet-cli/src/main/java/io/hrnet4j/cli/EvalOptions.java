package io.hrnet4j.cli;

import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The evaluation options every command that evaluates a network shares ({@code eval}, validation in {@code train},
 * the AP/PCKh score of {@code search}), with one name and one default each:
 * <ul>
 *   <li>{@code --flip-test} / {@code --no-flip-test}: on by default, as {@code TEST.FLIP_TEST: true} in the official
 *       experiment files ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml},
 *       {@code experiments/mpii/hrnet/w32_256x256_adam_lr1e-3.yaml}; {@code lib/config/default.py} has False, which
 *       every official experiment overrides); always with the one-cell heatmap shift ({@code TEST.SHIFT_HEATMAP});</li>
 *   <li>{@code --dark} / {@code --no-dark}: DARK sub-pixel refinement instead of the official quarter-pixel offset
 *       (the command's default when neither is given, see {@link #refinement(boolean)});</li>
 *   <li>{@code --mpii-gt FILE}: the MPII ground truth with head boxes (official {@code annot/gt_valid.mat} or its
 *       JSON) that PCKh needs; the earlier names {@code --val-gt} (train) and {@code --pckh-gt} (eval) are accepted
 *       as hidden aliases.</li>
 * </ul>
 * {@link #IMAGE_THRESHOLD_DEFAULT} is the one default of {@code --image-threshold} (eval and predict, the commands
 * that read detection boxes).
 */
public final class EvalOptions {
    /**
     * Default detection score threshold: {@code TEST.IMAGE_THRE: 0.0} of the official experiment files
     * ({@code experiments/coco/hrnet/*.yaml}); {@code lib/config/default.py} has 0.1, which they override.
     */
    public static final String IMAGE_THRESHOLD_DEFAULT = "0.0";

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

    private Path mpiiGt;

    /**
     * @param file MPII ground truth with head boxes
     */
    @Option(names = "--mpii-gt", paramLabel = "FILE",
            description = "MPII: official gt_valid.mat (or its JSON) with the head boxes PCKh needs.")
    void mpiiGt(Path file) {
        this.mpiiGt = file;
    }

    /**
     * The earlier names of {@code --mpii-gt}, kept so existing scripts run.
     *
     * @param file MPII ground truth with head boxes
     */
    @Option(names = {"--val-gt", "--pckh-gt"}, paramLabel = "FILE", hidden = true)
    void mpiiGtAlias(Path file) {
        this.mpiiGt = file;
    }

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

    /** @return the MPII ground truth with head boxes, or null */
    public Path mpiiGt() {
        return mpiiGt;
    }
}
