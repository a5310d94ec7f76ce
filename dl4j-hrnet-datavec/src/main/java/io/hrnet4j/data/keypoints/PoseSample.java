package io.hrnet4j.data.keypoints;

import io.hrnet4j.data.geometry.CenterScale;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One person instance for top-down pose estimation, shared by the COCO and MPII readers. Immutable: the joints are
 * copied in and out.
 *
 * <p>Joints are {@code [K][3]} = (x, y, visibility) in pixels of the original image, 0-based. Visibility is the
 * reference's {@code joints_3d_vis[:, 0]}: 0 (not labelled) or 1 (labelled; COCO's 1 "occluded" and 2 "visible"
 * both become 1, as {@code coco.py} clips {@code t_vis > 1} to 1). Samples built from detector boxes carry no
 * keypoints: all joints are (0, 0, 0).
 *
 * @param imagePath the image file
 * @param imageId the COCO image id; for MPII the index of the image among the distinct image names of the file,
 *        in order of first appearance
 * @param annotationId the COCO annotation id; for detections and MPII the record index in its file
 * @param joints {@code [K][3]} (x, y, vis), image pixels
 * @param box center and scale (scale = padded box size / 200), see {@link CenterScale}
 * @param score box score: detector confidence, 1 for ground-truth boxes
 * @param area object area in image pixels² (COCO {@code area}; detections: box w x h; MPII: (200 s)² with the
 *        file's {@code scale})
 */
public record PoseSample(Path imagePath, long imageId, long annotationId, double[][] joints, CenterScale box,
                         double score, double area) {

    /**
     * @throws NullPointerException if the path, joints or box is null
     * @throws IllegalArgumentException if a joint row does not have 3 values
     */
    public PoseSample {
        Objects.requireNonNull(imagePath, "imagePath");
        Objects.requireNonNull(box, "box");
        joints = copy(Objects.requireNonNull(joints, "joints"));
    }

    /** @return a copy of the joints {@code [K][3]} */
    @Override
    public double[][] joints() {
        return copy(joints);
    }

    /** @return K, the number of joints */
    public int numJoints() {
        return joints.length;
    }

    /** @return how many joints have visibility &gt; 0 */
    public int numVisible() {
        int n = 0;
        for (double[] j : joints) {
            if (j[2] > 0) {
                n++;
            }
        }
        return n;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length != 3) {
                throw new IllegalArgumentException("joint " + i + " must be (x, y, vis)");
            }
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public String toString() {
        return "PoseSample[image " + imageId + ", annotation " + annotationId + ", " + imagePath.getFileName() + ", "
                + box + ", score " + score + ", " + numVisible() + "/" + joints.length + " joints visible]";
    }
}
