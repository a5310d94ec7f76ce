package io.hrnet4j.data.iterator;

import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Test utility: throughput of the full training pipeline (JPEG decode, half-body/scale/rotation/flip, affine warp, normalisation,
 * Gaussian targets, minibatch assembly) through {@link PoseDataSetIterator}, in samples per second, for a given
 * number of worker threads. The samples are cycled until the requested count is reached; a warm-up of one batch is
 * not timed.
 */
final class PipelineBenchmark {
    private PipelineBenchmark() {
    }

    /**
     * One measurement.
     *
     * @param workers worker threads
     * @param samples samples timed
     * @param seconds wall time, seconds
     * @param samplesPerSecond samples / seconds
     */
    public record Result(int workers, int samples, double seconds, double samplesPerSecond) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d worker(s): %d samples in %.2f s = %.1f samples/s", workers, samples,
                    seconds, samplesPerSecond);
        }
    }

    /**
     * @param samples the dataset samples (cycled)
     * @param recipe sizes and augmentation (training mode)
     * @param workers worker threads, &gt;= 1
     * @param numSamples samples to time, &gt;= 1
     * @param batchSize minibatch size
     * @return the measurement
     */
    public static Result run(List<PoseSample> samples, TopDownRecipe recipe, int workers, int numSamples,
                             int batchSize) {
        if (numSamples < 1 || samples.isEmpty()) {
            throw new IllegalArgumentException("need samples and numSamples >= 1");
        }
        List<PoseSample> cycled = new ArrayList<>(numSamples + batchSize);
        while (cycled.size() < numSamples + batchSize) {
            cycled.addAll(samples.subList(0, Math.min(samples.size(), numSamples + batchSize - cycled.size())));
        }
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(cycled, new TopDownSampleProcessor(recipe, true))
                .batchSize(batchSize).workers(workers).prefetchBatches(Math.max(2, workers)).seed(1).build()) {
            it.next();
            long t0 = System.nanoTime();
            int n = 0;
            while (it.hasNext() && n < numSamples) {
                DataSet ds = it.next();
                n += ds.numExamples();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return new Result(workers, n, s, n / s);
        }
    }
}
