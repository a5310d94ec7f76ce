package io.hrnet4j.spark;

import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.keypoints.PoseSample;
import java.io.Serializable;
import java.nio.file.Paths;

/**
 * A {@link PoseSample} in a form Spark can ship to executors ({@code java.nio.file.Path} is not serializable): the
 * image path as a string on the shared file system, ids, joints {@code [K][3]} (x, y, vis) in image pixels, box
 * center (pixels) and scale (box size / 200, pixel_std), score and area.
 *
 * @param imagePath image file, readable at the same path on every executor
 * @param imageId COCO image id (MPII: image index)
 * @param annotationId COCO annotation id (MPII: record index)
 * @param joints {@code [K][3]}
 * @param cx box center x, pixels
 * @param cy box center y, pixels
 * @param sw box scale, width / 200
 * @param sh box scale, height / 200
 * @param score box score
 * @param area object area, pixels²
 */
public record SampleRef(String imagePath, long imageId, long annotationId, double[][] joints, double cx, double cy,
                        double sw, double sh, double score, double area) implements Serializable {

    /**
     * @param s a sample
     * @return its serializable form
     */
    public static SampleRef of(PoseSample s) {
        CenterScale b = s.box();
        return new SampleRef(s.imagePath().toAbsolutePath().toString(), s.imageId(), s.annotationId(), s.joints(),
                b.cx(), b.cy(), b.sw(), b.sh(), s.score(), s.area());
    }

    /** @return the sample */
    public PoseSample toPoseSample() {
        return new PoseSample(Paths.get(imagePath), imageId, annotationId, joints, new CenterScale(cx, cy, sw, sh),
                score, area);
    }
}
