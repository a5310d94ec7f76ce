package io.hrnet4j.zoo.train;

import java.util.Map;

/**
 * The outcome of one validation, as the trainer keeps, logs and draws it: the metric the best model is chosen by,
 * the statistics and the predictions. For top-down validation it is the trainer's view of the evaluation path's
 * {@link io.hrnet4j.zoo.eval.TopDownEvalResult} ({@link TopDownValidator#toValidationResult}); other validators
 * (e.g. a validation loss) fill it directly.
 *
 * @param metricName the metric the best model is chosen by ({@code AP} for COCO, {@code PCKh} for MPII); higher is
 *     better
 * @param metric its value (AP in [0, 1]; PCKh@0.5 mean in percent, as the official MPII code prints it)
 * @param stats every statistic by name (the 10 COCO stats, or PCKh per joint group and mean)
 * @param predictions the decoded predictions, one per evaluated person, image pixels
 */
public record ValidationResult(String metricName, double metric, Map<String, Double> stats,
                               java.util.List<Prediction> predictions) {
    /** Copies the map and list. */
    public ValidationResult {
        stats = Map.copyOf(stats);
        predictions = java.util.List.copyOf(predictions);
    }

    /**
     * One decoded person.
     *
     * @param imagePath the image
     * @param imageId its id
     * @param keypoints {@code [K][3]} (x, y, score), image pixels (0-based)
     * @param score person score after rescoring (box score x mean keypoint score above 0.2)
     */
    public record Prediction(String imagePath, long imageId, double[][] keypoints, double score) {
    }
}
