package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.eval.TopDownEvalResult;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param outputDir the run's output folder
 * @param losses every iteration's training loss (including those before a resume)
 * @param epochs one record per finished epoch
 * @param bestMetric the best validation metric (NaN when never validated)
 * @param bestEpoch the epoch of the best metric (1-based; 0 if none)
 * @param lastValidation the last validation (null when never validated)
 * @param lastCheckpoint the last checkpoint written or resumed from (null if none)
 * @param peakRssBytes the highest resident set size of the training process(es) of the run, bytes
 *     ({@link io.hrnet4j.zoo.bench.MemoryUsage}; across resumes the maximum of the processes), 0 when unknown
 */
public record TrainingResult(Path outputDir, List<Double> losses, List<TrainingState.EpochRecord> epochs,
                             double bestMetric, int bestEpoch, TopDownEvalResult lastValidation, Path lastCheckpoint,
                             long peakRssBytes) {
}
