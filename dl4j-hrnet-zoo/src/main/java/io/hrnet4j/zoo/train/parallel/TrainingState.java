package io.hrnet4j.zoo.train.parallel;

/**
 * Where a training run stands, as saved in a checkpoint: enough to continue exactly where it stopped.
 *
 * <p>Counting: one iteration is one minibatch taken from the epoch's iterator, whatever the number of workers (the
 * same count as single-device {@code ComputationGraph.fit}, which increments the configuration's iteration count per
 * minibatch). The data order and augmentation of an epoch depend only on (seed, epoch) ({@code PoseDataSetIterator},
 * {@code TopDownSampleProcessor.sampleSeed}), so (epoch, batchInEpoch) locates the next minibatch exactly and no
 * random-generator state needs saving.
 *
 * @param epoch the epoch in progress, 0-based (after the last epoch: the number of epochs done)
 * @param batchInEpoch minibatches of {@code epoch} already trained (0 at an epoch boundary)
 * @param iteration minibatches trained since the start of the run
 * @param seed the run's data seed
 * @param lastLoss the last recorded training loss (mean over the workers of the last round; NaN before any)
 */
public record TrainingState(int epoch, int batchInEpoch, long iteration, long seed, double lastLoss) {

    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public TrainingState {
        if (epoch < 0 || batchInEpoch < 0 || iteration < 0) {
            throw new IllegalArgumentException("epoch, batchInEpoch and iteration must be >= 0, got " + epoch + ", "
                    + batchInEpoch + ", " + iteration);
        }
    }

    /**
     * @param seed the run's data seed
     * @return the state of a run that has not started
     */
    public static TrainingState start(long seed) {
        return new TrainingState(0, 0, 0, seed, Double.NaN);
    }

    /**
     * @param batches minibatches just trained in the current epoch
     * @param loss the last round's loss
     * @return the state after them
     */
    public TrainingState advance(int batches, double loss) {
        return new TrainingState(epoch, batchInEpoch + batches, iteration + batches, seed, loss);
    }

    /** @return the state at the start of the next epoch */
    public TrainingState nextEpoch() {
        return new TrainingState(epoch + 1, 0, iteration, seed, lastLoss);
    }
}
