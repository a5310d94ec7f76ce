package io.hrnet4j.zoo.inference;

import io.hrnet4j.data.io.HrnetException;

/**
 * The network's output decodes to a NaN or infinite keypoint or score: typically weights holding NaN/Inf or an image
 * whose crop does, never a valid prediction. The message names the crop (its index, image file, image id and
 * annotation id) and the joint where the first non-finite value appeared; nothing has been written when it is thrown
 * by {@link TopDownPredictor#predictSamples}. One of the project's typed exceptions ({@link HrnetException}): a state of
 * the network (or its input) that no prediction can come from, not a programming error.
 */
public class NonFiniteOutputException extends IllegalStateException implements HrnetException {
    private static final long serialVersionUID = 1L;

    /** @param message where the value appeared and what it was */
    public NonFiniteOutputException(String message) {
        super(message);
    }
}
