package io.hrnet4j.zoo.train.parallel;

/**
 * The training loss became NaN or infinite. Training stops at once; nothing is checkpointed after the last finite
 * loss, so the newest checkpoint on disk is the last good state. The message gives the epoch, the iteration and the
 * loss, e.g. {@code "training loss is NaN at epoch 0, iteration 3: stopped; the last good checkpoint is kept"}.
 */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final long iteration;

    /**
     * @param epoch the epoch in progress
     * @param iteration minibatches trained before the failing round
     * @param loss the non-finite loss
     */
    public TrainingDivergedException(int epoch, long iteration, double loss) {
        super("training loss is " + loss + " at epoch " + epoch + ", iteration " + iteration
                + ": stopped; the last good checkpoint is kept");
        this.epoch = epoch;
        this.iteration = iteration;
    }

    /** @return the epoch in progress */
    public int epoch() {
        return epoch;
    }

    /** @return minibatches trained before the failing round */
    public long iteration() {
        return iteration;
    }
}
