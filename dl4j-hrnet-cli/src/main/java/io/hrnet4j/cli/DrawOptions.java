package io.hrnet4j.cli;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.render.PoseRenderer;
import picocli.CommandLine.Option;

/**
 * How {@code hrnet predict} draws the poses ({@link PoseRenderer}): the keypoint score below which a joint is hidden
 * ({@code --threshold}), dot radius and limb thickness in pixels, the opacity of a heatmap overlay, and whether the
 * person boxes are drawn. The defaults are the renderer's ({@link PoseRenderer.Style#defaults()}, through
 * {@link PredictDefaults}).
 */
public final class DrawOptions {
    @Option(names = {"--threshold", "--keypoint-threshold"}, paramLabel = "S",
            description = "Hide joints whose score (heatmap maximum) is below S (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--radius", paramLabel = "PX",
            description = "Joint dot radius (default ${DEFAULT-VALUE}).")
    int radius;

    @Option(names = "--thickness", paramLabel = "PX",
            description = "Limb line thickness (default ${DEFAULT-VALUE}).")
    int thickness;

    @Option(names = "--heatmaps", paramLabel = "ALPHA",
            description = "Overlay the heatmaps with this opacity in [0, 1] (default ${DEFAULT-VALUE}: off).")
    double heatmapAlpha;

    @Option(names = "--no-boxes", description = "Do not draw the person boxes.")
    boolean noBoxes;

    /**
     * @param schema the joint set (skeleton and colours)
     * @return the renderer with these options
     */
    PoseRenderer renderer(KeypointSchema schema) {
        return new PoseRenderer(schema, new PoseRenderer.Style(threshold, thickness, radius, heatmapAlpha));
    }

    /** @return whether the heatmaps are drawn (and so must be kept by the estimator) */
    boolean heatmaps() {
        return heatmapAlpha > 0;
    }
}
