package io.hrnet4j.metrics;

/**
 * One entry of the standard COCO keypoint results JSON: {@code {"image_id", "category_id", "keypoints",
 * "score"}} (cocodataset.org "Results Format"; read by pycocotools {@code COCO.loadRes}).
 *
 * @param imageId the image id; must be one of the ground truth's images
 * @param categoryId the category id (1 = person)
 * @param keypoints flat {@code [x1, y1, s1, ..., xK, yK, sK]}: image pixels (0-based) and per-joint scores
 * @param score the detection (person) score; ranks detections in evaluation
 * @param bbox optional {@code [x, y, w, h]}, or null. Beware the pycocotools rule, reproduced by
 *     {@link CocoKeypointEval}: when the <em>first</em> result of a file carries a non-empty {@code bbox}, the area
 *     of every detection becomes {@code w * h} of its box instead of the extent of its keypoints
 * @param center optional {@code [x, y]}: the center of the person box the keypoints were predicted in, image pixels,
 *     or null; the {@code center} field the official {@code COCODataset._coco_keypoint_results_one_category_kernel}
 *     writes (never read by the evaluation)
 * @param scale optional {@code [w, h]}: that box's scale (size / 200, pixel_std 200), or null; the official
 *     {@code scale} field
 */
public record KeypointResult(long imageId, int categoryId, double[] keypoints, double score, double[] bbox,
                             double[] center, double[] scale) {

    /**
     * A result with an optional box and no center/scale.
     *
     * @param imageId the image id
     * @param categoryId the category id (1 = person)
     * @param keypoints flat {@code [x, y, score] * K}
     * @param score the detection score
     * @param bbox {@code [x, y, w, h]}, or null
     */
    public KeypointResult(long imageId, int categoryId, double[] keypoints, double score, double[] bbox) {
        this(imageId, categoryId, keypoints, score, bbox, null, null);
    }

    /**
     * A result without a box (the form HRNet writes).
     *
     * @param imageId the image id
     * @param categoryId the category id (1 = person)
     * @param keypoints flat {@code [x, y, score] * K}
     * @param score the detection score
     */
    public KeypointResult(long imageId, int categoryId, double[] keypoints, double score) {
        this(imageId, categoryId, keypoints, score, null, null, null);
    }

    /** @return the number of joints, {@code keypoints.length / 3} */
    public int numJoints() {
        return keypoints.length / 3;
    }
}
