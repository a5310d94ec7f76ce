package io.hrnet4j.zoo.train;

/**
 * Training cannot start or continue: an unwritable output folder, a checkpoint that cannot be written or read, a
 * checkpoint of another model, or a diverged (NaN / infinite) loss. The message names the folder or file, the epoch
 * and iteration where known, and what was kept.
 */
public class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file / epoch / iteration */
    public TrainingException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying error */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
