package io.hrnet4j.zoo.train.parallel;

import java.io.IOException;

/**
 * A training checkpoint that cannot be read back: not a zip archive, truncated, without the DL4J model entries or
 * without a valid {@value TrainingCheckpoint#STATE_ENTRY}. The message names the file and the entry or field, e.g.
 * {@code "/run/checkpoint-e0001-i000000016.zip: entry hrnet4j/training-state.json: field 'epoch' missing"}.
 */
public class TrainingCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the file and the problem */
    public TrainingCheckpointException(String message) {
        super(message);
    }

    /**
     * @param message names the file and the problem
     * @param cause the underlying failure
     */
    public TrainingCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
