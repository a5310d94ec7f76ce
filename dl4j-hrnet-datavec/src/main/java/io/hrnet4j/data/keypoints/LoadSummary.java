package io.hrnet4j.data.keypoints;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an annotation or detection loader kept and skipped, by reason, so that nothing is dropped silently. Loaders
 * log {@link #toString()} at INFO once per file.
 *
 * @param source the file that was read
 * @param read records read (annotations or detections)
 * @param kept samples produced
 * @param skipped counts per reason (only non-zero reasons)
 */
public record LoadSummary(String source, int read, int kept, Map<SkipReason, Integer> skipped) {

    /** Why a record was skipped. Each follows a rule of the official loaders ({@code coco.py}, {@code mpii.py}). */
    public enum SkipReason {
        /** COCO {@code iscrowd} = 1 (the reference loads {@code getAnnIds(iscrowd=False)}). */
        CROWD("crowd"),
        /** Box empty after clipping to the image, or {@code area <= 0} ({@code coco.py} "sanitize bboxes"). */
        EMPTY_BOX("empty or outside box"),
        /** No labelled keypoint ({@code max(keypoints) == 0}). */
        NO_KEYPOINTS("no labelled keypoints"),
        /** Category other than person (id 1). */
        NOT_PERSON("not a person"),
        /** Detection score below the image-score threshold ({@code TEST.IMAGE_THRE}). */
        LOW_SCORE("score below threshold"),
        /** Detection for an image absent from the annotation file's image list. */
        UNKNOWN_IMAGE("image not in the annotation file"),
        /**
         * The image file is missing, truncated or reported corrupt by the decoder, and the caller chose to skip such
         * images ({@link LoadedSamples#withoutBadImages()}) rather than fail (the reference would train or evaluate
         * on libjpeg's grey fill).
         */
        BAD_IMAGE("unreadable or corrupt image");

        private final String label;

        SkipReason(String label) {
            this.label = label;
        }

        /** @return a short human-readable label */
        public String label() {
            return label;
        }
    }

    /** @throws NullPointerException if an argument is null */
    public LoadSummary {
        skipped = Collections.unmodifiableMap(new EnumMap<>(skipped.isEmpty() ? new EnumMap<>(SkipReason.class)
                : skipped));
    }

    /**
     * @param reason a skip reason
     * @return how many records were skipped for it
     */
    public int skipped(SkipReason reason) {
        return skipped.getOrDefault(reason, 0);
    }

    /** @return the total number of skipped records */
    public int totalSkipped() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
        String reasons = skipped.isEmpty() ? "none" : skipped.entrySet().stream()
                .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", "));
        return source + ": read " + read + ", kept " + kept + ", skipped " + totalSkipped() + " (" + reasons + ")";
    }
}
