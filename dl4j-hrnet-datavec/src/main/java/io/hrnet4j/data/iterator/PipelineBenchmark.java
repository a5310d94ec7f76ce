package io.hrnet4j.data.iterator;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Throughput of the full training pipeline (JPEG decode, half-body/scale/rotation/flip, affine warp, normalisation,
 * Gaussian targets, minibatch assembly) through {@link PoseDataSetIterator}, in samples per second, for a given
 * number of worker threads. The samples are cycled until the requested count is reached; a warm-up of one batch is
 * not timed.
 */
public final class PipelineBenchmark {
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

    /**
     * @param samples the dataset samples
     * @param recipe sizes and augmentation
     * @param numSamples samples per measurement
     * @return measurements with 1 and 2 workers
     */
    public static List<Result> runOneAndTwoWorkers(List<PoseSample> samples, TopDownRecipe recipe, int numSamples) {
        return List.of(run(samples, recipe, 1, numSamples, 32), run(samples, recipe, 2, numSamples, 32));
    }

    /**
     * Command line: {@code coco|mpii IMAGE_DIR ANNOTATION_FILE [SAMPLES]}; prints the 1- and 2-worker figures.
     *
     * @param args the arguments
     * @throws IOException if the annotations or images cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: PipelineBenchmark coco|mpii IMAGE_DIR ANNOTATION_FILE [SAMPLES]");
            System.exit(2);
        }
        KeypointSchema schema = KeypointSchema.byName(args[0]);
        TopDownRecipe recipe = TopDownRecipe.defaults(schema);
        Path images = Paths.get(args[1]);
        Path ann = Paths.get(args[2]);
        LoadedSamples loaded = schema == KeypointSchema.MPII ? MpiiAnnotations.load(ann, images)
                : CocoKeypoints.groundTruth(ann, images, recipe.aspectRatio());
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        for (Result r : runOneAndTwoWorkers(loaded.samples(), recipe, n)) {
            System.out.println(r);
        }
    }
}
