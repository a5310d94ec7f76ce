package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The trainer's position and history, stored as {@code state.json} in every checkpoint. Together with the model
 * and updater arrays it lets a run continue exactly: the data order of epoch {@code e} is a function of
 * (seed, e), the first {@code batchInEpoch} batches of the epoch are skipped, and ND4J's random generator is
 * re-seeded from (seed, iteration) before every iteration, so no generator state needs saving.
 *
 * @param formatVersion checkpoint format version ({@link #FORMAT_VERSION})
 * @param backend {@code graph} or {@code samediff}
 * @param model the architecture's {@code toString()} (a checkpoint only resumes the same architecture)
 * @param recipe the recipe's {@code toString()} (informative)
 * @param seed the run's seed
 * @param epoch the epoch in progress (0-based); equals the epoch count when the checkpoint closes an epoch
 * @param batchInEpoch batches of {@code epoch} already trained
 * @param iteration iterations trained in total (the updater's iteration count)
 * @param learningRate the learning rate of the last iteration
 * @param bestMetric the best validation metric so far (NaN when not validated yet)
 * @param bestEpoch the epoch (1-based count of epochs done) of the best metric, 0 if none
 * @param losses every iteration's loss so far
 * @param epochs one row per finished epoch
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingState(int formatVersion, String backend, String model, String recipe, long seed, int epoch,
                            int batchInEpoch, int iteration, double learningRate, double bestMetric, int bestEpoch,
                            List<Double> losses, List<EpochRecord> epochs) {
    /** Current checkpoint format version. */
    public static final int FORMAT_VERSION = 1;

    /** Copies the lists. */
    public TrainingState {
        losses = List.copyOf(losses);
        epochs = List.copyOf(epochs);
    }

    /**
     * One finished epoch.
     *
     * @param epoch 1-based count of epochs done
     * @param iteration iterations done at its end
     * @param meanLoss mean training loss of the epoch
     * @param learningRate learning rate of its last iteration
     * @param seconds wall time of the epoch, seconds (training and validation)
     * @param metricName validation metric name ({@code AP}, {@code PCKh}), or null when not validated
     * @param metric the validation metric, NaN when not validated
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EpochRecord(int epoch, int iteration, double meanLoss, double learningRate, double seconds,
                              String metricName, double metric) {
    }
}
