package io.hrnet4j.zoo.train.parallel;

import java.io.IOException;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Opens the minibatches of one epoch. For pose training this is typically
 * {@code e -> PoseDataSetIterator.builder(samples, processor).batchSize(32).seed(seed).epoch(e).build()}: the order
 * and augmentations of epoch {@code e} then depend only on (seed, e), which is what lets a resumed run continue with
 * exactly the minibatches an uninterrupted one would have seen. An iterator that is {@link AutoCloseable} is closed
 * after its epoch.
 */
@FunctionalInterface
public interface EpochData {
    /**
     * @param epoch the 0-based epoch
     * @return a fresh iterator positioned at the epoch's first minibatch (features {@code [N, 3, H, W]}, labels
     *         {@code [N, K, H/4, W/4]}, labels mask = target weights {@code [N, K, H/4, W/4]})
     * @throws IOException if the data cannot be opened
     */
    DataSetIterator open(int epoch) throws IOException;
}
