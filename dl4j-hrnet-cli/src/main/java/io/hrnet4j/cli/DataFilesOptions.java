package io.hrnet4j.cli;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.zoo.eval.EvalDataset;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The annotated-dataset options of the commands that crop the people of a COCO or MPII dataset ({@code eval},
 * {@code inspect}): {@code --dataset coco|mpii}, {@code --images DIR}, {@code --annotations FILE} and the person-box
 * options of {@link BoxOptions} ({@code --boxes} detections instead of the ground-truth boxes, COCO only). One place
 * turns them into samples ({@link #samples(double)}) or an evaluation dataset ({@link #evalDataset(Path)}).
 */
public final class DataFilesOptions {
    @Option(names = "--dataset", required = true, paramLabel = "coco|mpii", description = "Dataset family.")
    String dataset;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of the images.")
    Path images;

    @Option(names = "--annotations", required = true, paramLabel = "FILE",
            description = "COCO person_keypoints_*.json (also the ground truth) or MPII annotation JSON.")
    Path annotations;

    @Mixin
    BoxOptions boxOptions;

    /**
     * @return the joint set of {@code --dataset}
     * @throws IllegalArgumentException for an unknown dataset, or {@code --boxes} with MPII
     */
    KeypointSchema schema() {
        KeypointSchema schema = KeypointSchema.byName(dataset);
        if (schema == KeypointSchema.MPII && boxOptions.boxes != null) {
            throw new IllegalArgumentException("--boxes is a COCO option");
        }
        return schema;
    }

    /**
     * The people to crop, for the data pipeline: MPII annotations, COCO detections above the image threshold, or
     * the COCO ground-truth boxes.
     *
     * @param aspectRatio width / height of the network input (boxes are extended to it)
     * @return the loaded samples
     * @throws IOException if a file is missing or malformed (the message names file, record and field)
     */
    LoadedSamples samples(double aspectRatio) throws IOException {
        if (schema() == KeypointSchema.MPII) {
            return MpiiAnnotations.load(annotations, images);
        }
        return boxOptions.boxes != null ? CocoKeypoints.detections(boxOptions.boxes, annotations, images, aspectRatio,
                boxOptions.imageThreshold) : CocoKeypoints.groundTruth(annotations, images, aspectRatio);
    }

    /**
     * @param mpiiGt the MPII ground truth with head boxes for PCKh ({@code --mpii-gt}), or null
     * @return the evaluation dataset: MPII, COCO with detections, or COCO with the ground-truth boxes
     * @throws IllegalArgumentException for {@code --mpii-gt} with COCO
     */
    EvalDataset evalDataset(Path mpiiGt) {
        if (schema() == KeypointSchema.MPII) {
            return EvalDataset.mpii(annotations, images, mpiiGt);
        }
        if (mpiiGt != null) {
            throw new IllegalArgumentException("--mpii-gt is an MPII option");
        }
        return boxOptions.boxes != null ? EvalDataset.cocoDetections(annotations, images, boxOptions.boxes,
                boxOptions.imageThreshold) : EvalDataset.coco(annotations, images);
    }
}
