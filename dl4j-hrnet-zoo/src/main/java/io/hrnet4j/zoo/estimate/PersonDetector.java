package io.hrnet4j.zoo.estimate;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The first stage of top-down pose estimation: where the people are. Implementations: {@link WholeImageDetector}
 * (the whole image is one person), {@link CocoDetectionsFile} (boxes precomputed by any detector, in the COCO
 * detection-results format) and {@link YoloPersonDetector} (DL4J zoo {@code YOLO2} / {@code TinyYOLO}).
 */
public interface PersonDetector {

    /**
     * Finds the people of one image.
     *
     * @param bgr the image, 8-bit BGR ({@code CV_8UC3}, OpenCV's channel order, {@code rows = H}, {@code cols = W});
     *            not modified
     * @param imageId the image's id where the detector needs one (a COCO image id, or a video frame number), else
     *                empty
     * @return person boxes in image pixels, highest score first where the detector ranks them; possibly empty
     * @throws IOException if the detector's data cannot be read, or the detector needs an image id and none (or an
     *                     unknown one) is given ({@link io.hrnet4j.data.io.DataFormatException} naming the file)
     * @throws IllegalArgumentException if the image is not a non-empty 8-bit 3-channel image
     */
    List<PersonBox> detect(Mat bgr, OptionalLong imageId) throws IOException;

    /** @return a short human-readable description, e.g. {@code YOLO2 (COCO person class 0, 608x608, score >= 0.5)} */
    String describe();

    /**
     * Checks a detector input.
     *
     * @param bgr the image
     * @throws IllegalArgumentException if it is null, empty or not 8-bit 3-channel
     */
    static void checkImage(Mat bgr) {
        if (bgr == null || bgr.empty() || bgr.channels() != 3 || bgr.depth() != 0) {
            throw new IllegalArgumentException("expected a non-empty 8-bit BGR image (CV_8UC3)");
        }
    }
}
