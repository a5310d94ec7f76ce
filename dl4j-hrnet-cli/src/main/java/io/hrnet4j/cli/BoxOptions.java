package io.hrnet4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The person-box options of the commands that crop people from images ({@code eval}, {@code predict},
 * {@code inspect}), with one name and one default each: {@code --boxes FILE} (a COCO person detection results file,
 * {@code [{image_id, category_id, bbox [x, y, w, h], score}]}; {@code --detections} is the same option) and
 * {@code --image-threshold T}, the detection score a box needs ({@link #IMAGE_THRESHOLD_DEFAULT}).
 */
public final class BoxOptions {
    /**
     * Default detection score threshold: {@code TEST.IMAGE_THRE: 0.0} of the official experiment files
     * ({@code experiments/coco/hrnet/*.yaml}); {@code lib/config/default.py} has 0.1, which they override.
     */
    public static final String IMAGE_THRESHOLD_DEFAULT = "0.0";

    @Option(names = {"--boxes", "--detections"}, paramLabel = "FILE",
            description = "COCO person detection results (instead of the ground-truth boxes or the whole image).")
    Path boxes;

    @Option(names = "--image-threshold", defaultValue = IMAGE_THRESHOLD_DEFAULT, paramLabel = "T",
            description = "Use the detections with score >= T (TEST.IMAGE_THRE, default ${DEFAULT-VALUE}).")
    double imageThreshold;
}
