package io.hrnet4j.cli;

import io.hrnet4j.data.keypoints.KeypointSchema;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The dataset options of the commands that train a network ({@code train}, {@code search}), with one name and one
 * default each: {@code --dataset synthetic|coco|mpii} (default {@code synthetic}: the embedded synthetic COCO-format
 * dataset, generated into the cache), {@code --images DIR} and {@code --annotations FILE} (the training split;
 * required for coco and mpii), {@code --val-images DIR} and {@code --val-annotations FILE} (the validation split;
 * default: the training files).
 */
public final class TrainingDataOptions {
    /** The name of the embedded synthetic dataset. */
    static final String SYNTHETIC = "synthetic";

    @Option(names = "--dataset", defaultValue = SYNTHETIC, paramLabel = "synthetic|coco|mpii",
            description = "Dataset: the embedded synthetic one, COCO or MPII (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--images", paramLabel = "DIR", description = "Training images folder (coco, mpii).")
    Path images;

    @Option(names = "--annotations", paramLabel = "FILE",
            description = "Training annotations: COCO person_keypoints JSON or MPII JSON (coco, mpii).")
    Path annotations;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Validation images (default: --images).")
    Path valImages;

    @Option(names = "--val-annotations", paramLabel = "FILE",
            description = "Validation annotations (default: --annotations).")
    Path valAnnotations;

    /**
     * @return the dataset name in lower case
     * @throws IllegalArgumentException if it is not synthetic, coco or mpii
     */
    String name() {
        String n = dataset.toLowerCase(Locale.ROOT);
        schemaOf(n);
        return n;
    }

    /** @return whether the dataset is the embedded synthetic one */
    boolean synthetic() {
        return name().equals(SYNTHETIC);
    }

    /**
     * @param name a dataset name (any case)
     * @return its joint set: COCO for synthetic and coco, MPII for mpii
     * @throws IllegalArgumentException for another name
     */
    static KeypointSchema schemaOf(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case SYNTHETIC, "coco" -> KeypointSchema.COCO;
            case "mpii" -> KeypointSchema.MPII;
            default -> throw new IllegalArgumentException("--dataset must be synthetic, coco or mpii, got '" + name
                    + "'");
        };
    }

    /** @return the joint set of {@code --dataset} */
    KeypointSchema schema() {
        return schemaOf(dataset);
    }

    /**
     * Checks that a real dataset names its training files.
     *
     * @throws IllegalArgumentException for coco or mpii without {@code --images} and {@code --annotations}
     */
    void requireTrainingFiles() {
        if (!synthetic() && (images == null || annotations == null)) {
            throw new IllegalArgumentException("--dataset " + dataset + " needs --images DIR and --annotations FILE");
        }
    }

    /** @return {@code --val-images}, else {@code --images} */
    Path validationImages() {
        return valImages != null ? valImages : images;
    }

    /** @return {@code --val-annotations}, else {@code --annotations} */
    Path validationAnnotations() {
        return valAnnotations != null ? valAnnotations : annotations;
    }
}
