package io.hrnet4j.data.transform;

import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.keypoints.PoseSample;

/**
 * The state of one sample while it is augmented, before the affine warp: joints in (possibly mirrored) image pixels,
 * the crop's center and scale, the rotation and whether the image is mirrored. Immutable.
 *
 * @param joints {@code [K][3]} (x, y, vis) in pixels of the image (of the mirrored image when {@code flipped})
 * @param box crop center (image pixels) and scale (size / 200)
 * @param rotationDeg rotation of the crop, degrees (counter-clockwise positive, as the reference)
 * @param flipped whether the image is mirrored left-right before the warp
 * @param imageWidth width of the source image, pixels
 * @param imageHeight height of the source image, pixels
 */
public record CropState(double[][] joints, CenterScale box, double rotationDeg, boolean flipped, int imageWidth,
                        int imageHeight) {

    /** Copies the joints. */
    public CropState {
        joints = copy(joints);
    }

    /**
     * The unaugmented state of a sample.
     *
     * @param sample the sample
     * @param imageWidth width of its image, pixels
     * @param imageHeight height of its image, pixels
     * @return the state: the sample's joints and box, rotation 0, not flipped
     */
    public static CropState of(PoseSample sample, int imageWidth, int imageHeight) {
        return new CropState(sample.joints(), sample.box(), 0, false, imageWidth, imageHeight);
    }

    /** @return a copy of the joints {@code [K][3]} */
    @Override
    public double[][] joints() {
        return copy(joints);
    }

    /**
     * @param b a new box
     * @return a copy with this box
     */
    public CropState withBox(CenterScale b) {
        return new CropState(joints, b, rotationDeg, flipped, imageWidth, imageHeight);
    }

    /**
     * @param deg a rotation, degrees
     * @return a copy with this rotation
     */
    public CropState withRotation(double deg) {
        return new CropState(joints, box, deg, flipped, imageWidth, imageHeight);
    }

    /** @return the image-to-crop affine matrix (2x3) of this state for an output of the given size */
    double[][] matrix(int outW, int outH) {
        return io.hrnet4j.data.geometry.AffineTransforms.getAffineTransform(box.cx(), box.cy(), box.sw(), rotationDeg,
                outW, outH, false);
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
