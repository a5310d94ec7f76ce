package io.hrnet4j.data.keypoints;

import io.hrnet4j.data.transform.ImageDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result of loading an annotation or detection file: the samples in file order and the summary of what was kept
 * and skipped.
 *
 * @param schema the dataset's joints (COCO or MPII)
 * @param samples the samples, unmodifiable, in file order
 * @param summary kept and skipped counts
 */
public record LoadedSamples(KeypointSchema schema, List<PoseSample> samples, LoadSummary summary) {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedSamples.class);

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

    /**
     * The samples whose image passes {@link ImageDecoder#problem} (present, complete, no libjpeg warning), with the
     * others counted as {@link LoadSummary.SkipReason#BAD_IMAGE} in the summary and each bad file logged once at
     * WARN with its problem. Each distinct image file is read and checked once here (about one more JPEG decode per
     * image); without this call a bad image fails the run with a {@link io.hrnet4j.data.io.DataFormatException}
     * when it is decoded.
     *
     * @return this when every image is sound, else the filtered samples and the updated summary
     * @throws IOException if an image file exists but cannot be read at all (permissions, I/O error)
     */
    public LoadedSamples withoutBadImages() throws IOException {
        Map<Path, String> problems = new HashMap<>();
        List<PoseSample> kept = new ArrayList<>(samples.size());
        int bad = 0;
        for (PoseSample s : samples) {
            Path p = s.imagePath();
            if (!problems.containsKey(p)) {
                String problem = ImageDecoder.problem(p);
                problems.put(p, problem);
                if (problem != null) {
                    LOG.warn("{}: skipping image id={}: {}", p, s.imageId(), problem);
                }
            }
            if (problems.get(p) == null) {
                kept.add(s);
            } else {
                bad++;
            }
        }
        if (bad == 0) {
            return this;
        }
        Map<LoadSummary.SkipReason, Integer> skipped = new EnumMap<>(LoadSummary.SkipReason.class);
        skipped.putAll(summary.skipped());
        skipped.merge(LoadSummary.SkipReason.BAD_IMAGE, bad, Integer::sum);
        LoadSummary s = new LoadSummary(summary.source(), summary.read(), kept.size(), skipped);
        LOG.info("{}", s);
        return new LoadedSamples(schema, kept, s);
    }
}
