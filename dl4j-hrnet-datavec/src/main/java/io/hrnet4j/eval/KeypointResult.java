package io.hrnet4j.eval;

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
 */
public record KeypointResult(long imageId, int categoryId, double[] keypoints, double score, double[] bbox) {

    /**
     * A result without a box (the form HRNet writes).
     *
     * @param imageId the image id
     * @param categoryId the category id (1 = person)
     * @param keypoints flat {@code [x, y, score] * K}
     * @param score the detection score
     */
    public KeypointResult(long imageId, int categoryId, double[] keypoints, double score) {
        this(imageId, categoryId, keypoints, score, null);
    }

    /** @return the number of joints, {@code keypoints.length / 3} */
    public int numJoints() {
        return keypoints.length / 3;
    }
}
