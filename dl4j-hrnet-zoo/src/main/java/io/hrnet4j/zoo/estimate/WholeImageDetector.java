package io.hrnet4j.zoo.estimate;

import java.util.List;
import java.util.OptionalLong;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The whole image is one person box {@code [0, 0, W, H]} with score 1: for photos already cropped around one person
 * (the single-person setting of MPII, or a user's own crop). Stateless and thread-safe.
 */
public final class WholeImageDetector implements PersonDetector {

    /**
     * @param bgr the image, 8-bit BGR
     * @param imageId ignored
     * @return one box covering the image, score 1
     * @throws IllegalArgumentException if the image is empty or not 8-bit 3-channel
     */
    @Override
    public List<PersonBox> detect(Mat bgr, OptionalLong imageId) {
        PersonDetector.checkImage(bgr);
        return List.of(new PersonBox(0, 0, bgr.cols(), bgr.rows(), 1.0));
    }

    @Override
    public String describe() {
        return "whole image";
    }
}
