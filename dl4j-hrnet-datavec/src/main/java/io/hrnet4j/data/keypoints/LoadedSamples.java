package io.hrnet4j.data.keypoints;

import java.util.List;
import java.util.Objects;

/**
 * The result of loading an annotation or detection file: the samples in file order and the summary of what was kept
 * and skipped.
 *
 * @param schema the dataset's joints (COCO or MPII)
 * @param samples the samples, unmodifiable, in file order
 * @param summary kept and skipped counts
 */
public record LoadedSamples(KeypointSchema schema, List<PoseSample> samples, LoadSummary summary) {
    /** @throws NullPointerException if an argument is null */
    public LoadedSamples {
        Objects.requireNonNull(schema, "schema");
        samples = List.copyOf(samples);
        Objects.requireNonNull(summary, "summary");
    }

    /** @return the number of samples */
    public int size() {
        return samples.size();
    }
}
