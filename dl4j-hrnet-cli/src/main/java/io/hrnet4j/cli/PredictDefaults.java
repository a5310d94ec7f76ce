package io.hrnet4j.cli;

import io.hrnet4j.zoo.estimate.PoseEstimator;
import io.hrnet4j.zoo.estimate.YoloPersonDetector;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code hrnet predict}'s drawing, detector and estimator options, read from the library's own
 * defaults instead of typed again: {@link PoseRenderer.Style#defaults()} (joint score threshold 0.3, limb thickness
 * 2 px, dot radius 3 px, no heatmap overlay), {@link YoloPersonDetector.Options#defaults()} (Darknet's score 0.5 and
 * NMS IoU 0.45) and {@link PoseEstimator.Options#defaults()} (OKS-NMS 0.9, {@code TEST.OKS_THRE} of the official
 * experiment files; 16 crops per forward pass). picocli shows them as {@code ${DEFAULT-VALUE}} in the help.
 */
public final class PredictDefaults implements CommandLine.IDefaultValueProvider {
    private static final PoseRenderer.Style STYLE = PoseRenderer.Style.defaults();
    private static final YoloPersonDetector.Options YOLO = YoloPersonDetector.Options.defaults();
    private static final PoseEstimator.Options ESTIMATOR = PoseEstimator.Options.defaults();

    /** Option name to default. */
    private static final Map<String, Object> DEFAULTS = Map.of(
            "--threshold", STYLE.threshold(),
            "--thickness", STYLE.thickness(),
            "--radius", STYLE.radius(),
            "--heatmaps", STYLE.heatmapAlpha(),
            "--detector-threshold", YOLO.scoreThreshold(),
            "--detector-nms", YOLO.nmsThreshold(),
            "--oks-nms", ESTIMATOR.oksThreshold(),
            "--batch", ESTIMATOR.batchSize());

    /** Used by picocli ({@code @Command(defaultValueProvider = ...)}). */
    public PredictDefaults() {
    }

    /**
     * @param argSpec an option or parameter of {@code predict}
     * @return the library's default of that option as text, or null for the others
     */
    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec o) {
            for (String name : o.names()) {
                Object v = DEFAULTS.get(name);
                if (v != null) {
                    return v.toString();
                }
            }
        }
        return null;
    }
}
