package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.PoseNetwork;

/**
 * Evaluates a network on a held-out set during training ({@link TopDownValidator} for COCO-format and MPII data).
 */
@FunctionalInterface
public interface PoseValidator {
    /**
     * @param net the network in inference mode
     * @param epoch epochs done so far (1-based), for logging
     * @return the metric and statistics
     * @throws java.io.UncheckedIOException if an image cannot be read (naming it)
     */
    ValidationResult validate(PoseNetwork net, int epoch);
}
