package io.hrnet4j.zoo.train;

import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import java.util.List;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The training set as a function of the epoch: {@link #epoch(int)} gives an iterator over that epoch's minibatches
 * whose order and augmentations depend only on (seed, epoch), so that a resumed run sees exactly the batches an
 * uninterrupted one would.
 */
public interface TrainingData {

    /**
     * @param epoch 0-based epoch
     * @return a fresh iterator over the epoch's minibatches (features {@code [N, 3, H, W]}, labels and labels mask
     *     {@code [N, K, H/4, W/4]}); closed by the caller when it is {@link AutoCloseable}
     */
    DataSetIterator epoch(int epoch);

    /** @return minibatches per epoch (the last may be smaller) */
    int batchesPerEpoch();

    /** @return examples per epoch */
    int examplesPerEpoch();

    /**
     * @return the training samples in their fixed order (index = the sample's position, which seeds its
     *     augmentation), for backends that distribute the data themselves (Spark)
     * @throws UnsupportedOperationException when the data is not a sample list (e.g. in-memory test batches)
     */
    default List<PoseSample> samples() {
        throw new UnsupportedOperationException("this training data is not a list of samples");
    }

    /**
     * @return the per-sample training pipeline (crop size, heatmaps, augmentation)
     * @throws UnsupportedOperationException when the data is not a sample list
     */
    default TopDownSampleProcessor processor() {
        throw new UnsupportedOperationException("this training data has no sample pipeline");
    }

    /** @return examples per minibatch */
    int batchSize();

    /** @return the seed of the data order and augmentation */
    long seed();

    /**
     * The standard top-down training set: a {@link PoseDataSetIterator} shuffled by {@code Random(seed + epoch)}
     * with augmentations seeded from (seed, epoch, sample).
     *
     * @param samples the training samples
     * @param processor the training pipeline ({@code new TopDownSampleProcessor(recipe, true)})
     * @param batchSize examples per minibatch
     * @param workers data threads
     * @param seed the run's seed
     * @return the training data
     * @throws IllegalArgumentException if there are no samples or a count is below 1
     */
    static TrainingData of(List<PoseSample> samples, TopDownSampleProcessor processor, int batchSize, int workers,
                           long seed) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no training samples");
        }
        if (batchSize < 1 || workers < 1) {
            throw new IllegalArgumentException("batch size and workers must be >= 1, got " + batchSize + ", "
                    + workers);
        }
        return new Samples(samples, processor, batchSize, workers, seed, null);
    }

    /**
     * The standard top-down training set of {@link #of}.
     *
     * @param samples the training samples
     * @param processor the training pipeline
     * @param batchSize examples per minibatch
     * @param workers data threads
     * @param seed the run's seed
     * @param preProcessor applied to every minibatch after it is assembled (e.g. an ND4J normalizer), null for none
     */
    record Samples(List<PoseSample> samples, TopDownSampleProcessor processor, int batchSize, int workers, long seed,
                   DataSetPreProcessor preProcessor) implements TrainingData {
        /** Copies the sample list. */
        public Samples {
            samples = List.copyOf(samples);
        }

        @Override
        public DataSetIterator epoch(int epoch) {
            PoseDataSetIterator it = PoseDataSetIterator.builder(samples, processor).batchSize(batchSize)
                    .workers(workers).shuffle(true).seed(seed).epoch(epoch).build();
            it.setPreProcessor(preProcessor);
            return it;
        }

        @Override
        public int batchesPerEpoch() {
            return (samples.size() + batchSize - 1) / batchSize;
        }

        @Override
        public int examplesPerEpoch() {
            return samples.size();
        }
    }
}
