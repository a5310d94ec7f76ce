package io.hrnet4j.zoo.estimate;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Person boxes precomputed by any detector, in the COCO detection-results format (the official HRNet's
 * {@code COCO_val2017_detections_AP_H_56_person.json}: a JSON list of {@code {image_id, category_id, bbox [x, y, w,
 * h], score}}). Selection as the official {@code lib/dataset/coco.py _load_coco_person_detection_results}: category
 * 1 (person) only, {@code score >= threshold}, boxes unclipped, in file order. The whole file is read and checked
 * once, at construction; immutable and thread-safe afterwards.
 *
 * <p>Images are matched by id: {@link #detect} needs the image id ({@link #imageIdFromName}, e.g. 785 for COCO's
 * {@code 000000000785.jpg}; a video's frame number for a video).
 */
public final class CocoDetectionsFile implements PersonDetector {
    private static final Pattern DIGITS = Pattern.compile("(\\d+)");

    private final Path file;
    private final double threshold;
    private final Map<Long, List<PersonBox>> byImage;

    private CocoDetectionsFile(Path file, double threshold, Map<Long, List<PersonBox>> byImage) {
        this.file = file;
        this.threshold = threshold;
        this.byImage = byImage;
    }

    /**
     * Reads a detections file.
     *
     * @param file the COCO detection results
     * @param threshold keep person boxes with {@code score >= threshold} (the official {@code TEST.IMAGE_THRE} is 0.0)
     * @return the detector
     * @throws DataFormatException as {@link CocoKeypoints#readDetections}: the file is not a JSON list, or a record
     *                             lacks {@code image_id}, {@code category_id}, {@code bbox} (4 numbers, positive size
     *                             for a person) or a finite {@code score} (names the file, the record and the field)
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the threshold is NaN
     */
    public static CocoDetectionsFile read(Path file, double threshold) throws IOException {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("detection score threshold must be a number");
        }
        Map<Long, List<PersonBox>> byImage = new LinkedHashMap<>();
        for (CocoKeypoints.Detection d : CocoKeypoints.readDetections(file)) {
            List<PersonBox> boxes = byImage.computeIfAbsent(d.imageId(), x -> new ArrayList<>());
            double[] b = d.bbox();
            if (d.isPerson() && d.score() >= threshold) {
                boxes.add(new PersonBox(b[0], b[1], b[2], b[3], d.score()));
            }
        }
        return new CocoDetectionsFile(file, threshold, byImage);
    }

    /**
     * The COCO image id in a file name: its first run of digits ({@code 000000000785.jpg} is 785).
     *
     * @param fileName a file name
     * @return the id, or empty when the name holds no digits
     */
    public static OptionalLong imageIdFromName(String fileName) {
        Matcher m = DIGITS.matcher(fileName);
        if (!m.find() || m.group(1).length() > 18) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }

    /**
     * @param imageId an image id
     * @return the person boxes of that image with {@code score >= threshold}, in file order
     * @throws DataFormatException if no detection at all names the image id (lists the ids of the file)
     */
    public List<PersonBox> boxes(long imageId) throws DataFormatException {
        List<PersonBox> b = byImage.get(imageId);
        if (b == null) {
            TreeSet<Long> ids = new TreeSet<>(byImage.keySet());
            String some = ids.size() <= 10 ? ids.toString()
                    : ids.stream().limit(10).toList() + " and " + (ids.size() - 10) + " more";
            throw new DataFormatException(file, "-", "image_id", "no detection for image id " + imageId
                    + " (ids in the file: " + some + ")");
        }
        return List.copyOf(b);
    }

    /**
     * @param bgr the image (only checked)
     * @param imageId the image's id in the file; required
     * @return {@link #boxes(long)} of that id
     * @throws DataFormatException if the id is absent from the file
     * @throws IllegalArgumentException if no id is given or the image is not 8-bit 3-channel
     */
    @Override
    public List<PersonBox> detect(Mat bgr, OptionalLong imageId) throws DataFormatException {
        PersonDetector.checkImage(bgr);
        if (imageId.isEmpty()) {
            throw new IllegalArgumentException(file + ": the detections are matched by image id, but the image has "
                    + "none (no digits in its file name): give the image id");
        }
        return boxes(imageId.getAsLong());
    }

    @Override
    public String describe() {
        return "detections of " + file + " (score >= " + threshold + ")";
    }
}
