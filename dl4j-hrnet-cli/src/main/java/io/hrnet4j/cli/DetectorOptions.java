package io.hrnet4j.cli;

import io.hrnet4j.zoo.estimate.CocoDetectionsFile;
import io.hrnet4j.zoo.estimate.PersonDetector;
import io.hrnet4j.zoo.estimate.WholeImageDetector;
import io.hrnet4j.zoo.estimate.YoloPersonDetector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The person detector of {@code hrnet predict} ({@code --detector}): {@code whole} (the whole image is one person),
 * {@code file} (a COCO detection-results file, {@code --boxes} of {@link BoxOptions}), {@code yolo2} /
 * {@code tinyyolo} (the DL4J zoo detectors, {@link YoloPersonDetector}: weights from {@code --detector-weights FILE},
 * else the zoo's own cached pretrained file; input side {@code --detector-size}; confidence and NMS thresholds as in
 * Darknet's {@code detector test}, {@code examples/detector.c}: 0.5 and 0.45, the defaults of
 * {@link YoloPersonDetector.Options#defaults()} through {@link PredictDefaults}). Without {@code --detector}:
 * {@code file} when {@code --boxes} is given, else {@code whole}.
 */
public final class DetectorOptions {
    /** The person detectors ({@code --detector}). */
    enum Kind {
        /** The whole image is one person. */
        WHOLE,
        /** The boxes of a COCO detection-results file ({@code --boxes}). */
        FILE,
        /** DL4J zoo YOLO2 (608x608). */
        YOLO2,
        /** DL4J zoo TinyYOLO (416x416). */
        TINYYOLO;

        /** @return the name on the command line, e.g. {@code yolo2} */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--detector", paramLabel = "KIND", description = "Person boxes: ${COMPLETION-CANDIDATES} (the "
            + "whole image, a detections file, a DL4J zoo YOLO detector; default: file with --boxes, else whole).")
    Kind detector;

    @Option(names = "--detector-weights", paramLabel = "FILE",
            description = "YOLO model zip saved by DL4J (default: the zoo's pretrained file, DL4J cache).")
    Path weights;

    @Option(names = "--detector-size", paramLabel = "N",
            description = "YOLO input side, a multiple of 32 (default: the model's, 608 for yolo2, 416 for tinyyolo).")
    Integer size;

    @Option(names = "--detector-threshold", paramLabel = "T",
            description = "Keep the YOLO detector's person boxes with confidence >= T (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--detector-nms", paramLabel = "IOU",
            description = "YOLO non-maximum suppression IoU threshold (default ${DEFAULT-VALUE}).")
    double nms;

    @Option(names = "--letterbox", description = "Fit the image into the YOLO input keeping its aspect (Darknet).")
    boolean letterbox;

    /**
     * @param boxes the detections-file options ({@code --boxes}, {@code --image-threshold})
     * @return the detector the options choose
     * @throws ParameterException (exit code 2) for {@code file} without {@code --boxes}, or a
     *     {@code --detector-size} the pretrained YOLO was not built for
     * @throws IOException if the detections file or the YOLO weights cannot be read
     */
    PersonDetector create(BoxOptions boxes) throws IOException {
        Kind kind = detector != null ? detector : boxes.boxes != null ? Kind.FILE : Kind.WHOLE;
        switch (kind) {
            case WHOLE:
                return new WholeImageDetector();
            case FILE:
                if (boxes.boxes == null) {
                    throw new ParameterException(command.commandLine(), "--detector file needs --boxes FILE");
                }
                return CocoDetectionsFile.read(boxes.boxes, boxes.imageThreshold);
            default:
                YoloPersonDetector.Variant v = YoloPersonDetector.Variant.byName(kind.toString());
                YoloPersonDetector.Options opts = new YoloPersonDetector.Options(threshold, nms,
                        letterbox ? YoloPersonDetector.Resize.LETTERBOX : YoloPersonDetector.Resize.STRETCH);
                int side = size != null ? size : v.defaultInput();
                if (weights != null) {
                    return YoloPersonDetector.load(v, weights, side, side, opts);
                }
                if (size != null && size != v.defaultInput()) {
                    throw new ParameterException(command.commandLine(), "--detector-size needs --detector-weights: "
                            + "the zoo's pretrained " + v.label() + " is built for " + v.defaultInput());
                }
                return YoloPersonDetector.pretrained(v, opts);
        }
    }
}
