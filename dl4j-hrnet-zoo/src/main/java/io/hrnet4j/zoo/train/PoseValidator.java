package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.eval.TopDownEvalResult;

/**
 * Evaluates a network on a held-out set during training ({@link TopDownValidator} for COCO-format and MPII data).
 */
@FunctionalInterface
public interface PoseValidator {
    /**
     * @param net the network in inference mode
     * @param epoch epochs done so far (1-based), for logging
     * @return the metric ({@link TopDownEvalResult#metricName()}, higher is better), statistics and predictions
     * @throws java.io.UncheckedIOException if an image cannot be read (naming it)
     */
    TopDownEvalResult validate(PoseNetwork net, int epoch);
}
