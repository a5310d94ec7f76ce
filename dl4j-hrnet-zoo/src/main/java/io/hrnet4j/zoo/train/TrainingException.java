package io.hrnet4j.zoo.train;

import io.hrnet4j.data.io.HrnetException;

/**
 * Training cannot start or continue: a diverged (NaN / infinite) loss ({@link #diverged()}), an unwritable output
 * folder, a checkpoint that cannot be written or read, or a checkpoint of another model. The message names the folder
 * or file, the epoch and iteration where known, and what was kept. One of the project's typed exceptions
 * ({@link HrnetException}).
 */
public class TrainingException extends RuntimeException implements HrnetException {
    private static final long serialVersionUID = 1L;

    private final boolean diverged;

    /** @param message what went wrong, naming the file / epoch / iteration */
    public TrainingException(String message) {
        this(message, null, false);
    }

    /** @param message what went wrong @param cause the underlying error */
    public TrainingException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private TrainingException(String message, Throwable cause, boolean diverged) {
        super(message, cause);
        this.diverged = diverged;
    }

    /**
     * @param message the non-finite loss, where it appeared (epoch, iteration, batch) and the last good checkpoint
     * @return an exception whose {@link #diverged()} is true
     */
    public static TrainingException diverged(String message) {
        return new TrainingException(message, null, true);
    }

    /**
     * @return true when training stopped because the loss became NaN or infinite (the run may be retried with other
     *     hyper-parameters), false for a failure of files or checkpoints
     */
    public boolean diverged() {
        return diverged;
    }
}
