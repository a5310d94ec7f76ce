package io.hrnet4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
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
     * @throws EvaluationInputException if there is no image or no category
     */
    public CocoGroundTruth(String source, List<Long> imageIds, List<Integer> categoryIds,
                           List<Annotation> annotations) {
        this.source = source == null ? "<memory>" : source;
        if (imageIds.isEmpty()) {
            throw new EvaluationInputException(this.source, "", "images", "no images");
        }
        if (categoryIds.isEmpty()) {
            throw new EvaluationInputException(this.source, "", "categories",
                    "no categories (pycocotools would evaluate nothing)");
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
     * @throws EvaluationInputException if the file is empty, not JSON, or a required field is missing or malformed
     *     (the message names the file, the record such as {@code annotations[12]} and the field)
     * @throws IOException if the file cannot be read
     */
    public static CocoGroundTruth read(Path file) throws IOException {
        return fromJson(JsonFields.readTree(file), file.toString());
    }

    /**
     * Builds the ground truth from a parsed COCO JSON tree.
     *
     * @param root the root object
     * @param source a name for messages
     * @return the ground truth
     * @throws EvaluationInputException on a missing or malformed field
     */
    public static CocoGroundTruth fromJson(JsonNode root, String source) {
        if (!root.isObject()) {
            throw new EvaluationInputException(source, "", "", "expected a JSON object with images, categories, annotations");
        }
        JsonNode images = JsonFields.field(root, "images", source, "");
        List<Long> imageIds = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            imageIds.add(JsonFields.integer(images.get(i), "id", source, "images[" + i + "]"));
        }
        JsonNode cats = JsonFields.field(root, "categories", source, "");
        List<Integer> catIds = new ArrayList<>(cats.size());
        for (int i = 0; i < cats.size(); i++) {
            catIds.add((int) JsonFields.integer(cats.get(i), "id", source, "categories[" + i + "]"));
        }
        JsonNode anns = JsonFields.field(root, "annotations", source, "");
        List<Annotation> list = new ArrayList<>(anns.size());
        for (int i = 0; i < anns.size(); i++) {
            JsonNode a = anns.get(i);
            String rec = "annotations[" + i + "]";
            double[] kp = JsonFields.finiteArray(a, "keypoints", source, rec);
            if (kp.length % 3 != 0 || kp.length == 0) {
                throw new EvaluationInputException(source, rec, "keypoints",
                        "length " + kp.length + " is not a positive multiple of 3");
            }
            double[] bbox = JsonFields.finiteArray(a, "bbox", source, rec);
            if (bbox.length != 4) {
                throw new EvaluationInputException(source, rec, "bbox", "expected [x, y, w, h], got " + bbox.length + " values");
            }
            list.add(new Annotation(JsonFields.integer(a, "id", source, rec),
                    JsonFields.integer(a, "image_id", source, rec),
                    (int) JsonFields.integer(a, "category_id", source, rec), kp,
                    (int) JsonFields.integer(a, "num_keypoints", source, rec),
                    JsonFields.finite(a, "area", source, rec), bbox,
                    JsonFields.integer(a, "iscrowd", source, rec) != 0));
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
