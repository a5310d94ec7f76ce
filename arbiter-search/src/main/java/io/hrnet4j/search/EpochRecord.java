package io.hrnet4j.search;

/**
 * One row of a candidate's training history, written at the end of each epoch and at the end of a budget.
 *
 * @param epoch epochs completed (a budget that ends mid-epoch records the epoch in progress)
 * @param iterations minibatches trained so far, cumulative
 * @param trainLoss mean training loss (JointsMSELoss) over the minibatches since the previous record
 * @param learningRate the learning rate of the last minibatch
 * @param validationScore the validation score at this point
 * @param seconds wall time of the minibatches since the previous record, seconds
 */
public record EpochRecord(int epoch, long iterations, double trainLoss, double learningRate, double validationScore,
                          double seconds) {
}
