package io.hrnet4j.zoo.eval;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.keypoints.KeypointSchema;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a {@link TopDownEvaluator} evaluates: a COCO keypoint file with its ground-truth boxes or with person
 * detection boxes, or an MPII annotation file.
 *
 * @param kind COCO or MPII
 * @param annotations COCO {@code person_keypoints_*.json} (also the evaluation ground truth) or MPII annotation JSON
 *     (HRNet layout: {@code image, center, scale, joints, joints_vis})
 * @param images folder holding the images
 * @param boxes COCO person detection results ({@code [{image_id, category_id, bbox, score}]}), or null for the
 *     ground-truth boxes
 * @param imageThreshold detections are kept when {@code score >= imageThreshold} ({@code TEST.IMAGE_THRE}, 0.0)
 * @param pckhGroundTruth MPII only: the official {@code gt_valid.mat} (or the same content as JSON, see
 *     {@link io.hrnet4j.metrics.MpiiGroundTruth}) holding the head boxes, one person per annotation record in the same
 *     order; null to approximate the head boxes from the annotation's joints (see {@link TopDownEvaluator})
 */
public record EvalDataset(Kind kind, Path annotations, Path images, Path boxes, double imageThreshold,
                          Path pckhGroundTruth) {

    /** The dataset family. */
    public enum Kind {
        /** COCO person keypoints, 17 joints, OKS AP/AR. */
        COCO,
        /** MPII human pose, 16 joints, PCKh. */
        MPII
    }

    /**
     * @throws NullPointerException if the kind, annotations or images are null
     * @throws IllegalArgumentException if boxes are given for MPII, a PCKh ground truth for COCO, or the threshold
     *     is not finite
     */
    public EvalDataset {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(annotations, "annotations");
        Objects.requireNonNull(images, "images");
        if (kind == Kind.MPII && boxes != null) {
            throw new IllegalArgumentException("detection boxes are a COCO option; MPII uses its annotated boxes");
        }
        if (kind == Kind.COCO && pckhGroundTruth != null) {
            throw new IllegalArgumentException("a PCKh ground truth is an MPII option");
        }
        if (!Double.isFinite(imageThreshold)) {
            throw new IllegalArgumentException("image threshold must be finite, got " + imageThreshold);
        }
    }

    /**
     * @param annotations COCO keypoints JSON
     * @param images image folder
     * @return COCO with ground-truth boxes ({@code TEST.USE_GT_BBOX})
     */
    public static EvalDataset coco(Path annotations, Path images) {
        return new EvalDataset(Kind.COCO, annotations, images, null, CocoKeypoints.DEFAULT_IMAGE_THRESHOLD, null);
    }

    /**
     * @param annotations COCO keypoints JSON (image names and evaluation ground truth)
     * @param images image folder
     * @param boxes person detection results JSON
     * @param imageThreshold minimum detection score (0.0 in the official configs)
     * @return COCO with detector boxes
     */
    public static EvalDataset cocoDetections(Path annotations, Path images, Path boxes, double imageThreshold) {
        return new EvalDataset(Kind.COCO, annotations, images, Objects.requireNonNull(boxes, "boxes"),
                imageThreshold, null);
    }

    /**
     * @param annotations MPII annotation JSON
     * @param images image folder
     * @param pckhGroundTruth {@code gt_valid.mat} / JSON with the head boxes, or null to approximate them
     * @return MPII
     */
    public static EvalDataset mpii(Path annotations, Path images, Path pckhGroundTruth) {
        return new EvalDataset(Kind.MPII, annotations, images, null, 0, pckhGroundTruth);
    }

    /** @return the joints: {@link KeypointSchema#COCO} or {@link KeypointSchema#MPII} */
    public KeypointSchema schema() {
        return kind == Kind.MPII ? KeypointSchema.MPII : KeypointSchema.COCO;
    }
}
