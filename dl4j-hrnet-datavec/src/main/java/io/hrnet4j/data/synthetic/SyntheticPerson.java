package io.hrnet4j.data.synthetic;

import java.util.List;

/**
 * One rendered figure of a synthetic scene with its COCO keypoint annotation.
 *
 * <p>Coordinates follow the COCO / official HRNet convention: pixel {@code (i, j)} has its centre at
 * {@code (x, y) = (i, j)} (the renderer shifts Java2D by half a pixel so that this holds). Values are rounded to
 * two decimals, exactly as written to the JSON file.
 *
 * @param x keypoint x per COCO joint (17 entries, image pixels; 0 when {@code v == 0})
 * @param y keypoint y per COCO joint (17 entries, image pixels; 0 when {@code v == 0})
 * @param v COCO visibility per joint: 2 visible, 1 inside the image but hidden by another figure, an occluding
 *          object or the figure's own head, 0 outside the image (not labelled)
 * @param mask the figure's whole silhouette clipped to the image, row-major {@code [height * width]}, including
 *             the parts hidden by later layers (amodal)
 * @param area number of {@code true} pixels of {@link #mask} (the COCO {@code area} field)
 * @param bbox tight box of {@link #mask}: {@code [x, y, w, h]} in pixels, {@code x + w <= width}
 * @param limbs the eight limb segments as drawn (for checks of the left/right cue)
 */
record SyntheticPerson(double[] x, double[] y, int[] v, boolean[] mask, int area, int[] bbox, List<Limb> limbs) {

    /** @return the number of labelled joints ({@code v > 0}), the COCO {@code num_keypoints} field */
    int numKeypoints() {
        return numLabelled(v);
    }

    /**
     * @param v visibility flags {@code [K]} (0 not labelled, 1 labelled but hidden, 2 visible)
     * @return how many are labelled ({@code v > 0}), the COCO {@code num_keypoints} field
     */
    static int numLabelled(int[] v) {
        int n = 0;
        for (int vi : v) {
            if (vi > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * A limb segment drawn as a capsule of {@code width} pixels in {@code baseRgb} with a band of {@code bandRgb}
     * over the half of the capsule on the side {@code side * n}, where {@code n = (-dy, dx)} is the left-hand
     * normal (in image coordinates, y down) of the direction {@code d} from joint {@code from} to joint
     * {@code to}. Left limbs have {@code side = +1}, right limbs {@code side = -1}: mirroring an image turns one
     * rule into the other, so the cue survives flip augmentation with swapped flip pairs.
     *
     * @param from proximal COCO joint index (shoulder, elbow, hip, knee)
     * @param to distal COCO joint index (elbow, wrist, knee, ankle)
     * @param width capsule width, pixels
     * @param side +1 for a left limb, -1 for a right limb
     * @param baseRgb limb colour, 0xRRGGBB
     * @param bandRgb band colour, 0xRRGGBB
     */
    record Limb(int from, int to, double width, int side, int baseRgb, int bandRgb) {
    }
}
