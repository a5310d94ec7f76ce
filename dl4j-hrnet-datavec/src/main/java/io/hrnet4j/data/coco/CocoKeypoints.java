package io.hrnet4j.data.coco;

import static io.hrnet4j.data.io.JsonFields.finite;
import static io.hrnet4j.data.io.JsonFields.required;
import static io.hrnet4j.data.io.JsonFields.requiredFinite;
import static io.hrnet4j.data.io.JsonFields.requiredLong;
import static io.hrnet4j.data.io.JsonFields.requiredNumbers;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadSummary;
import io.hrnet4j.data.keypoints.LoadSummary.SkipReason;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads COCO person keypoints ({@code person_keypoints_*.json}) into {@link PoseSample}s with the two box sources
 * of the official {@code lib/dataset/coco.py}:
 * <ul>
 *   <li>{@link #groundTruth}: ground-truth boxes ({@code _load_coco_keypoint_annotations}): crowd annotations are
 *       skipped ({@code getAnnIds(iscrowd=False)}); boxes are clipped to the image
 *       ({@code x2 = min(W-1, x1 + max(0, w-1))}) and kept only when {@code area > 0} and the clipped box is not
 *       empty; non-person objects and objects with no labelled keypoint are skipped; visibility 2 becomes 1.</li>
 *   <li>{@link #detections}: person detector results ({@code COCO_val2017_detections_AP_H_56_person.json} format, a
 *       list of {@code {image_id, category_id, bbox [x, y, w, h], score}}), {@code _load_coco_person_detection_results}:
 *       category 1 only, score {@code >=} the image-score threshold ({@code TEST.IMAGE_THRE}, 0.0 in the official
 *       configs), boxes used unclipped.</li>
 * </ul>
 * Center and scale come from {@link CenterScale#fromBox} (the official {@code _xywh2cs}: aspect fix, /200, x1.25).
 * Skips are counted in the {@link LoadSummary} and logged at INFO; malformed records throw a
 * {@link DataFormatException} naming the file, the record and the field.
 *
 * <p>Samples are ordered as the reference orders them: images in file order, then each image's annotations in file
 * order (ground truth); detections in file order. Image files are {@code imageDir/file_name} and must exist.
 */
public final class CocoKeypoints {
    /** The COCO category id of person. */
    public static final long PERSON_CATEGORY = 1;
    /** The official image-score threshold for detection boxes ({@code TEST.IMAGE_THRE} in the HRNet configs). */
    public static final double DEFAULT_IMAGE_THRESHOLD = 0.0;

    private static final Logger LOG = LoggerFactory.getLogger(CocoKeypoints.class);

    private CocoKeypoints() {
    }

    /** One entry of the {@code images} table. */
    private record ImageInfo(long id, String fileName, int width, int height) {
    }

    /**
     * Samples from the ground-truth boxes and keypoints of a COCO keypoints file.
     *
     * @param annotationFile {@code person_keypoints_*.json}
     * @param imageDir folder holding the images ({@code file_name} of each image is resolved against it)
     * @param aspectRatio input width / height, e.g. 192/256
     * @return the samples ({@link KeypointSchema#COCO}, 17 joints) and the summary
     * @throws DataFormatException on malformed JSON, a missing or invalid field, a keypoint array of the wrong length,
     *         a negative box size, a NaN, an unknown category or a missing image file
     * @throws IOException if a file cannot be read
     */
    public static LoadedSamples groundTruth(Path annotationFile, Path imageDir, double aspectRatio) throws IOException {
        checkAspect(aspectRatio);
        JsonNode root = JsonFields.readTree(annotationFile);
        Map<Long, ImageInfo> images = readImages(annotationFile, root);
        Set<Long> categories = readCategories(annotationFile, root);
        JsonNode anns = required(annotationFile, "-", root, "annotations");
        if (!anns.isArray()) {
            throw new DataFormatException(annotationFile, "-", "annotations", "expected an array");
        }
        int k = KeypointSchema.COCO.numJoints();
        Map<Long, List<Integer>> byImage = new LinkedHashMap<>();
        for (long id : images.keySet()) {
            byImage.put(id, new ArrayList<>());
        }
        for (int i = 0; i < anns.size(); i++) {
            String rec = "annotation #" + i;
            JsonNode a = JsonFields.object(annotationFile, rec, anns.get(i));
            rec = "annotation id=" + requiredLong(annotationFile, rec, a, "id") + " (#" + i + ")";
            long imageId = requiredLong(annotationFile, rec, a, "image_id");
            List<Integer> list = byImage.get(imageId);
            if (list == null) {
                throw new DataFormatException(annotationFile, rec, "image_id", "image " + imageId
                        + " is not in the images list");
            }
            list.add(i);
        }
        Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
        Set<Long> checkedImages = new HashSet<>();
        List<PoseSample> out = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> e : byImage.entrySet()) {
            ImageInfo img = images.get(e.getKey());
            for (int i : e.getValue()) {
                JsonNode a = anns.get(i);
                long annId = a.get("id").asLong();
                String rec = "annotation id=" + annId + " (#" + i + ")";
                long cat = requiredLong(annotationFile, rec, a, "category_id");
                if (!categories.contains(cat)) {
                    throw new DataFormatException(annotationFile, rec, "category_id", "unknown category " + cat
                            + " (categories in the file: " + categories + ")");
                }
                double[] bbox = requiredNumbers(annotationFile, rec, a, "bbox", 4);
                if (bbox[2] < 0 || bbox[3] < 0) {
                    throw new DataFormatException(annotationFile, rec, "bbox", "negative box size w=" + bbox[2]
                            + " h=" + bbox[3]);
                }
                double area = requiredFinite(annotationFile, rec, a, "area");
                double[] kp = requiredNumbers(annotationFile, rec, a, "keypoints", 3 * k);
                for (int j = 0; j < k; j++) {
                    double v = kp[3 * j + 2];
                    if (v != 0 && v != 1 && v != 2) {
                        throw new DataFormatException(annotationFile, rec, "keypoints[" + (3 * j + 2) + "]",
                                "visibility of joint " + j + " must be 0, 1 or 2, got " + v);
                    }
                }
                JsonNode crowd = a.get("iscrowd");
                if (crowd != null && !crowd.isNull() && finite(annotationFile, rec, "iscrowd", crowd) != 0) {
                    count(skipped, SkipReason.CROWD);
                    continue;
                }
                // coco.py: sanitize bboxes
                double x1 = Math.max(0, bbox[0]);
                double y1 = Math.max(0, bbox[1]);
                double x2 = Math.min(img.width() - 1, x1 + Math.max(0, bbox[2] - 1));
                double y2 = Math.min(img.height() - 1, y1 + Math.max(0, bbox[3] - 1));
                if (!(area > 0 && x2 >= x1 && y2 >= y1)) {
                    count(skipped, SkipReason.EMPTY_BOX);
                    continue;
                }
                if (cat != PERSON_CATEGORY) {
                    count(skipped, SkipReason.NOT_PERSON);
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (double v : kp) {
                    max = Math.max(max, v);
                }
                if (max == 0) {
                    count(skipped, SkipReason.NO_KEYPOINTS);
                    continue;
                }
                double[][] joints = new double[k][3];
                for (int j = 0; j < k; j++) {
                    joints[j][0] = kp[3 * j];
                    joints[j][1] = kp[3 * j + 1];
                    joints[j][2] = Math.min(1, kp[3 * j + 2]);
                }
                CenterScale cs = CenterScale.fromBox(x1, y1, x2 - x1, y2 - y1, aspectRatio);
                if (cs.sw() == 0 || cs.sh() == 0) {
                    // a box of at most 1x1 pixel: coco.py keeps it (x2 >= x1) and crops a single pixel's colour
                    // through a singular affine matrix; it is counted as empty instead
                    count(skipped, SkipReason.EMPTY_BOX);
                    continue;
                }
                checkScale(annotationFile, rec, cs);
                Path image = imagePath(annotationFile, imageDir, img, checkedImages);
                out.add(new PoseSample(image, img.id(), annId, joints, cs, 1.0, area));
            }
        }
        LoadSummary summary = new LoadSummary(annotationFile.toString(), anns.size(), out.size(), skipped);
        LOG.info("COCO ground truth {}", summary);
        return new LoadedSamples(KeypointSchema.COCO, out, summary);
    }

    /**
     * Samples from person detection results, with image file names from the COCO annotation file.
     *
     * @param detectionsFile detection results: a JSON list of {@code {image_id, category_id, bbox, score}}
     * @param annotationFile the COCO file whose {@code images} table names the image files; null to use the
     *        reference's {@code %012d.jpg} naming
     * @param imageDir folder holding the images
     * @param aspectRatio input width / height, e.g. 192/256
     * @param imageThreshold minimum detection score (kept when {@code score >= imageThreshold})
     * @return the samples (no keypoints: joints (0, 0, 0); score = detector score; area = box w x h) and the summary
     * @throws DataFormatException on malformed JSON, a missing field, a NaN, a box with zero or negative size, or a
     *         missing image file
     * @throws IOException if a file cannot be read
     */
    public static LoadedSamples detections(Path detectionsFile, Path annotationFile, Path imageDir, double aspectRatio,
                                           double imageThreshold) throws IOException {
        checkAspect(aspectRatio);
        if (!Double.isFinite(imageThreshold)) {
            throw new IllegalArgumentException("image threshold must be finite, got " + imageThreshold);
        }
        Map<Long, ImageInfo> images = annotationFile == null ? null
                : readImages(annotationFile, JsonFields.readTree(annotationFile));
        List<Detection> dets = readDetections(detectionsFile);
        int k = KeypointSchema.COCO.numJoints();
        Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
        Set<Long> checkedImages = new HashSet<>();
        List<PoseSample> out = new ArrayList<>();
        for (Detection d : dets) {
            if (!d.isPerson()) {
                count(skipped, SkipReason.NOT_PERSON);
                continue;
            }
            int i = d.index();
            long imageId = d.imageId();
            double[] box = d.bbox();
            double score = d.score();
            if (score < imageThreshold) {
                count(skipped, SkipReason.LOW_SCORE);
                continue;
            }
            ImageInfo img;
            if (images == null) {
                img = new ImageInfo(imageId, String.format(Locale.ROOT, "%012d.jpg", imageId), -1, -1);
            } else {
                img = images.get(imageId);
                if (img == null) {
                    count(skipped, SkipReason.UNKNOWN_IMAGE);
                    continue;
                }
            }
            Path image = imagePath(detectionsFile, imageDir, img, checkedImages);
            CenterScale cs = CenterScale.fromBox(box[0], box[1], box[2], box[3], aspectRatio);
            checkScale(detectionsFile, d.record(), cs);
            out.add(new PoseSample(image, imageId, i, new double[k][3], cs, score, box[2] * box[3]));
        }
        LoadSummary summary = new LoadSummary(detectionsFile.toString(), dets.size(), out.size(), skipped);
        LOG.info("COCO detections (score >= {}) {}", imageThreshold, summary);
        if (summary.skipped(SkipReason.UNKNOWN_IMAGE) > 0) {
            LOG.warn("{} detections refer to images absent from {}", summary.skipped(SkipReason.UNKNOWN_IMAGE),
                    annotationFile);
        }
        return new LoadedSamples(KeypointSchema.COCO, out, summary);
    }

    /**
     * One record of a COCO detection-results file.
     *
     * @param index its position in the file (0-based)
     * @param imageId {@code image_id}
     * @param categoryId {@code category_id} (1 = person)
     * @param bbox {@code [x, y, w, h]}, image pixels
     * @param score {@code score}, the detector's confidence
     */
    public record Detection(int index, long imageId, long categoryId, double[] bbox, double score) {
        /** @return whether it is a person box (category 1) */
        public boolean isPerson() {
            return categoryId == PERSON_CATEGORY;
        }

        /** @return the record's name in messages, {@code detection #i (image_id=N)} */
        public String record() {
            return record(index, imageId);
        }

        private static String record(int index, long imageId) {
            return "detection #" + index + " (image_id=" + imageId + ")";
        }
    }

    /**
     * Reads and checks a COCO detection-results file (the official {@code COCO_val2017_detections_AP_H_56_person.json}
     * format: a JSON list of {@code {image_id, category_id, bbox [x, y, w, h], score}}), every record in file order.
     * As the official {@code _load_coco_person_detection_results} looks at person boxes only, the positive box size
     * is required of person boxes.
     *
     * @param file the detections file
     * @return its records, in file order
     * @throws DataFormatException if the file is not a JSON list, or a record is not an object or lacks
     *     {@code image_id}, {@code category_id}, {@code bbox} (4 numbers; positive size for a person) or a finite
     *     {@code score} (names the file, the record and the field)
     * @throws IOException if the file cannot be read
     */
    public static List<Detection> readDetections(Path file) throws IOException {
        JsonNode dets = JsonFields.readList(file, "detections");
        List<Detection> out = new ArrayList<>(dets.size());
        for (int i = 0; i < dets.size(); i++) {
            JsonNode d = JsonFields.object(file, "detection #" + i, dets.get(i));
            long imageId = requiredLong(file, "detection #" + i, d, "image_id");
            String rec = Detection.record(i, imageId);
            Detection det = new Detection(i, imageId, requiredLong(file, rec, d, "category_id"),
                    requiredNumbers(file, rec, d, "bbox", 4), requiredFinite(file, rec, d, "score"));
            double[] box = det.bbox();
            if (det.isPerson() && !(box[2] > 0 && box[3] > 0)) {
                throw new DataFormatException(file, rec, "bbox", "box size must be positive, got w=" + box[2]
                        + " h=" + box[3]);
            }
            out.add(det);
        }
        return out;
    }

    private static void checkAspect(double aspectRatio) {
        if (!(aspectRatio > 0) || Double.isInfinite(aspectRatio)) {
            throw new IllegalArgumentException("aspect ratio must be positive and finite, got " + aspectRatio);
        }
    }

    /** Center and scale must be finite and positive for the affine crop (float32 overflow of a huge box). */
    private static void checkScale(Path file, String rec, CenterScale cs) throws DataFormatException {
        if (!(cs.sw() > 0 && cs.sh() > 0 && Float.isFinite((float) (cs.sw() * 200)) && Float.isFinite((float) cs.cx())
                && Float.isFinite((float) cs.cy()))) {
            throw new DataFormatException(file, rec, "bbox", "box gives center (" + cs.cx() + ", " + cs.cy()
                    + ") and scale (" + cs.sw() + ", " + cs.sh() + "), outside float32 range");
        }
    }

    private static void count(Map<SkipReason, Integer> skipped, SkipReason r) {
        skipped.merge(r, 1, Integer::sum);
    }

    private static Path imagePath(Path file, Path imageDir, ImageInfo img, Set<Long> checked)
            throws DataFormatException {
        Path p = imageDir.resolve(img.fileName());
        if (checked.add(img.id()) && !Files.isRegularFile(p)) {
            throw new DataFormatException(file, "image id=" + img.id(), "file_name", "image file not found: " + p);
        }
        return p;
    }

    private static Map<Long, ImageInfo> readImages(Path file, JsonNode root) throws DataFormatException {
        if (!root.isObject()) {
            throw new DataFormatException(file, "-", "-", "expected a COCO annotation object with 'images'");
        }
        JsonNode arr = required(file, "-", root, "images");
        if (!arr.isArray()) {
            throw new DataFormatException(file, "-", "images", "expected an array");
        }
        Map<Long, ImageInfo> images = new LinkedHashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode im = arr.get(i);
            String rec = "image #" + i;
            long id = requiredLong(file, rec, im, "id");
            rec = "image id=" + id + " (#" + i + ")";
            JsonNode name = required(file, rec, im, "file_name");
            if (!name.isTextual() || name.asText().isBlank()) {
                throw new DataFormatException(file, rec, "file_name", "expected a file name, got " + name);
            }
            long w = requiredLong(file, rec, im, "width");
            long h = requiredLong(file, rec, im, "height");
            if (w <= 0 || h <= 0) {
                throw new DataFormatException(file, rec, w <= 0 ? "width" : "height", "image size must be positive, got "
                        + w + "x" + h);
            }
            if (images.put(id, new ImageInfo(id, name.asText(), (int) w, (int) h)) != null) {
                throw new DataFormatException(file, rec, "id", "duplicate image id " + id);
            }
        }
        return images;
    }

    private static Set<Long> readCategories(Path file, JsonNode root) throws DataFormatException {
        JsonNode arr = required(file, "-", root, "categories");
        if (!arr.isArray()) {
            throw new DataFormatException(file, "-", "categories", "expected an array");
        }
        Set<Long> ids = new java.util.TreeSet<>();
        for (int i = 0; i < arr.size(); i++) {
            ids.add(requiredLong(file, "category #" + i, arr.get(i), "id"));
        }
        return ids;
    }
}
