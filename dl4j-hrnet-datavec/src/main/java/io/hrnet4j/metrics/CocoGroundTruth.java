package io.hrnet4j.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts of a COCO keypoint ground-truth file ({@code person_keypoints_*.json} layout) that keypoint
 * evaluation reads: image ids, category ids and the annotations' {@code keypoints}, {@code num_keypoints},
 * {@code area}, {@code bbox} and {@code iscrowd}.
 *
 * <p>As in pycocotools ({@code COCO.getAnnIds(imgIds=...)}), annotations whose {@code image_id} is not in
 * {@code images} are never evaluated; they are kept here but skipped by {@link CocoKeypointEval}.
 */
public final class CocoGroundTruth {
    /**
     * One ground-truth person.
     *
     * @param id annotation id (COCO {@code id})
     * @param imageId image id
     * @param categoryId category id (1 = person)
     * @param keypoints flat {@code [x1, y1, v1, ..., xK, yK, vK]}, image pixels, v in {0, 1, 2} (v > 0 = labelled)
     * @param numKeypoints COCO {@code num_keypoints}; 0 makes the person ignored
     * @param area COCO {@code area} (segment area, pixels²): the OKS scale s² and the area-range key
     * @param bbox {@code [x, y, w, h]} in pixels, used by OKS when no joint is labelled
     * @param crowd COCO {@code iscrowd}: a crowd region is ignored and may match any number of detections
     */
    public record Annotation(long id, long imageId, int categoryId, double[] keypoints, int numKeypoints,
                             double area, double[] bbox, boolean crowd) {
        /** @return true when pycocotools ignores it: crowd, or {@code num_keypoints == 0} */
        public boolean ignored() {
            return crowd || numKeypoints == 0;
        }
    }

    private final String source;
    private final List<Long> imageIds;
    private final Set<Long> imageIdSet;
    private final List<Integer> categoryIds;
    private final List<Annotation> annotations;

    /**
     * @param source a name for messages (the file name, or {@code "<memory>"})
     * @param imageIds ids of the {@code images} entries, in any order (duplicates are merged)
     * @param categoryIds ids of the {@code categories} entries
     * @param annotations the annotations, in file order
     * @throws IllegalArgumentException if there is no image or no category (message as {@link
     *     DataFormatException#describe})
     */
    public CocoGroundTruth(String source, List<Long> imageIds, List<Integer> categoryIds,
                           List<Annotation> annotations) {
        this.source = source == null ? "<memory>" : source;
        if (imageIds.isEmpty()) {
            throw new IllegalArgumentException(DataFormatException.describe(this.source, "", "images",
                    "no images"));
        }
        if (categoryIds.isEmpty()) {
            throw new IllegalArgumentException(DataFormatException.describe(this.source, "", "categories",
                    "no categories (pycocotools would evaluate nothing)"));
        }
        this.imageIds = List.copyOf(new TreeSet<>(imageIds));
        this.imageIdSet = Collections.unmodifiableSet(new LinkedHashSet<>(this.imageIds));
        this.categoryIds = List.copyOf(new TreeSet<>(categoryIds));
        this.annotations = List.copyOf(annotations);
    }

    /**
     * Reads a COCO keypoint ground-truth JSON file.
     *
     * @param file the file ({@code images}, {@code categories}, {@code annotations})
     * @return the ground truth
     * @throws DataFormatException if the file is missing, empty, not JSON, or a required field is missing or malformed,
     *     or it has no image or no category
     *     (the message names the file, the record such as {@code annotations[12]} and the field)
     * @throws IOException if the file cannot be read
     */
    public static CocoGroundTruth read(Path file) throws IOException {
        return fromJson(JsonFields.readTree(file), file);
    }

    /**
     * Builds the ground truth from a parsed COCO JSON tree.
     *
     * @param root the root object
     * @param file the file it was read from, for messages
     * @return the ground truth
     * @throws DataFormatException on a missing or malformed field (naming the file, the record and the field)
     */
    public static CocoGroundTruth fromJson(JsonNode root, Path file) throws DataFormatException {
        String source = file.toString();
        if (!root.isObject()) {
            throw new DataFormatException(file, "-", "-", "expected a JSON object with images, categories, "
                    + "annotations");
        }
        JsonNode images = JsonFields.requiredArray(file, "-", root, "images");
        List<Long> imageIds = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            imageIds.add(JsonFields.requiredLong(file, "images[" + i + "]", images.get(i), "id"));
        }
        JsonNode cats = JsonFields.requiredArray(file, "-", root, "categories");
        List<Integer> catIds = new ArrayList<>(cats.size());
        for (int i = 0; i < cats.size(); i++) {
            catIds.add((int) JsonFields.requiredLong(file, "categories[" + i + "]", cats.get(i), "id"));
        }
        JsonNode anns = JsonFields.requiredArray(file, "-", root, "annotations");
        List<Annotation> list = new ArrayList<>(anns.size());
        for (int i = 0; i < anns.size(); i++) {
            JsonNode a = anns.get(i);
            String rec = "annotations[" + i + "]";
            double[] kp = JsonFields.requiredNumbers(file, rec, a, "keypoints", -1);
            if (kp.length % 3 != 0 || kp.length == 0) {
                throw new DataFormatException(file, rec, "keypoints",
                        "length " + kp.length + " is not a positive multiple of 3");
            }
            double[] bbox = JsonFields.requiredNumbers(file, rec, a, "bbox", -1);
            if (bbox.length != 4) {
                throw new DataFormatException(file, rec, "bbox", "expected [x, y, w, h], got " + bbox.length
                        + " values");
            }
            list.add(new Annotation(JsonFields.requiredLong(file, rec, a, "id"),
                    JsonFields.requiredLong(file, rec, a, "image_id"),
                    (int) JsonFields.requiredLong(file, rec, a, "category_id"), kp,
                    (int) JsonFields.requiredLong(file, rec, a, "num_keypoints"),
                    JsonFields.requiredFinite(file, rec, a, "area"), bbox,
                    JsonFields.requiredLong(file, rec, a, "iscrowd") != 0));
        }
        if (imageIds.isEmpty()) {
            throw new DataFormatException(file, "-", "images", "no images");
        }
        if (catIds.isEmpty()) {
            throw new DataFormatException(file, "-", "categories", "no categories (pycocotools would evaluate "
                    + "nothing)");
        }
        return new CocoGroundTruth(source, imageIds, catIds, list);
    }

    /** @return the file name (or {@code "<memory>"}) used in messages */
    public String source() {
        return source;
    }

    /** @return the image ids, sorted ascending and unique (pycocotools {@code params.imgIds}) */
    public List<Long> imageIds() {
        return imageIds;
    }

    /**
     * @param imageId an image id
     * @return whether the {@code images} list holds it
     */
    public boolean hasImage(long imageId) {
        return imageIdSet.contains(imageId);
    }

    /** @return the category ids, sorted ascending and unique (pycocotools {@code params.catIds}) */
    public List<Integer> categoryIds() {
        return categoryIds;
    }

    /** @return the annotations in file order */
    public List<Annotation> annotations() {
        return annotations;
    }
}
