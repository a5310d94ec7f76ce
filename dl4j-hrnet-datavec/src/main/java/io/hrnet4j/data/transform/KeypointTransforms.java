package io.hrnet4j.data.transform;

import io.hrnet4j.data.geometry.AffineTransforms;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.keypoints.KeypointSchema;
import java.util.Random;

/**
 * The random top-down augmentations of the official {@code JointsDataset.__getitem__} as plain functions on a
 * {@link CropState}, in the reference's order: {@link #halfBody}, {@link #randomScale}, {@link #randomRotation},
 * {@link #randomFlip}, then {@link #jointsInCrop} (the affine warp of the keypoints). Each draws from the given
 * {@link Random} in a fixed order, so a seeded generator reproduces the same crop: the probability draw comes first,
 * then any Gaussian draw (as the reference's short-circuit and conditional expressions do).
 */
public final class KeypointTransforms {
    private KeypointTransforms() {
    }

    /**
     * Applies the whole recipe: half-body, scale, rotation, flip (official {@code lib/dataset/JointsDataset.py} {@code __getitem__}, in that order).
     *
     * @param state the unaugmented state
     * @param recipe probabilities and factors
     * @param rng the random source
     * @return the augmented state
     */
    public static CropState augment(CropState state, TopDownRecipe recipe, Random rng) {
        CropState s = halfBody(state, recipe.schema(), recipe.halfBodyMinJoints(), recipe.halfBodyProbability(),
                recipe.aspectRatio(), recipe.halfBodyScale(), rng);
        s = randomScale(s, recipe.scaleFactor(), rng);
        s = randomRotation(s, recipe.rotationFactor(), recipe.rotationProbability(), rng);
        return randomFlip(s, recipe.schema(), recipe.flipProbability(), rng);
    }

    /**
     * Half-body crop ({@code half_body_transform}): when more than {@code minJoints} joints are visible and
     * {@code rng.nextDouble() < probability}, the box becomes that of the upper body (when {@code randn < 0.5} and
     * more than 2 upper joints are visible) or else of the lower body (when more than 2 lower joints are visible,
     * otherwise the upper); with fewer than 2 chosen joints nothing changes. Center = mean of the chosen joints,
     * size = their bounding box with the aspect fix, scale = size / 200 x {@code scaleMultiplier}; float32 as the
     * reference. Uses 1 uniform draw when eligible, then 1 Gaussian draw.
     *
     * @param s the state
     * @param schema which joints are upper body
     * @param minJoints the eligibility threshold on visible joints (8)
     * @param probability the probability (0.3 COCO; 0 or less disables)
     * @param aspectRatio input width / height
     * @param scaleMultiplier 1.5 in the recipe
     * @param rng the random source
     * @return the new state, or {@code s} itself when not applied
     */
    public static CropState halfBody(CropState s, KeypointSchema schema, int minJoints, double probability,
                                     double aspectRatio, double scaleMultiplier, Random rng) {
        double[][] joints = s.joints();
        int visible = 0;
        for (double[] j : joints) {
            if (j[2] > 0) {
                visible++;
            }
        }
        if (!(visible > minJoints && rng.nextDouble() < probability)) {
            return s;
        }
        CenterScale box = halfBodyBox(joints, schema, aspectRatio, scaleMultiplier, rng.nextGaussian());
        return box == null ? s : s.withBox(box);
    }

    /**
     * The box of {@code half_body_transform} for a given Gaussian draw.
     *
     * @param joints {@code [K][3]} joints, image pixels
     * @param schema which joints are upper body
     * @param aspectRatio input width / height
     * @param scaleMultiplier 1.5 in the recipe
     * @param randn the standard-normal draw that chooses upper ({@code < 0.5}) or lower body
     * @return the half-body center and scale, or null when fewer than 2 joints are selected
     */
    public static CenterScale halfBodyBox(double[][] joints, KeypointSchema schema, double aspectRatio,
                                          double scaleMultiplier, double randn) {
        int nu = 0;
        int nl = 0;
        for (int j = 0; j < joints.length; j++) {
            if (joints[j][2] > 0) {
                if (schema.isUpperBody(j)) {
                    nu++;
                } else {
                    nl++;
                }
            }
        }
        boolean upper = (randn < 0.5 && nu > 2) || !(nl > 2);
        int n = upper ? nu : nl;
        if (n < 2) {
            return null;
        }
        float sx = 0;
        float sy = 0;
        float minX = Float.POSITIVE_INFINITY;
        float minY = Float.POSITIVE_INFINITY;
        float maxX = Float.NEGATIVE_INFINITY;
        float maxY = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < joints.length; j++) {
            if (joints[j][2] > 0 && schema.isUpperBody(j) == upper) {
                float x = (float) joints[j][0];
                float y = (float) joints[j][1];
                sx += x;
                sy += y;
                minX = Math.min(minX, x);
                minY = Math.min(minY, y);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, y);
            }
        }
        float cx = sx / n;
        float cy = sy / n;
        double w = maxX - minX;
        double h = maxY - minY;
        if (w > aspectRatio * h) {
            h = w * 1.0 / aspectRatio;
        } else if (w < aspectRatio * h) {
            w = h * aspectRatio;
        }
        float sw = (float) ((float) (w / AffineTransforms.PIXEL_STD) * scaleMultiplier);
        float sh = (float) ((float) (h / AffineTransforms.PIXEL_STD) * scaleMultiplier);
        return new CenterScale(cx, cy, sw, sh);
    }

    /**
     * Random scale: {@code s *= clip(randn * sf + 1, 1 - sf, 1 + sf)}. Always uses 1 Gaussian draw (as the
     * reference, even with {@code sf = 0}).
     *
     * @param s the state
     * @param scaleFactor sf (0.35 COCO, 0.25 MPII)
     * @param rng the random source
     * @return the rescaled state
     */
    public static CropState randomScale(CropState s, double scaleFactor, Random rng) {
        double f = clip(rng.nextGaussian() * scaleFactor + 1, 1 - scaleFactor, 1 + scaleFactor);
        return scale(s, f);
    }

    /**
     * @param s the state
     * @param factor the multiplier of both scale components
     * @return the rescaled state (center unchanged)
     */
    public static CropState scale(CropState s, double factor) {
        CenterScale b = s.box();
        return s.withBox(new CenterScale(b.cx(), b.cy(), b.sw() * factor, b.sh() * factor));
    }

    /**
     * Random rotation: with probability {@code p} ({@code rng.nextDouble() <= p}), {@code clip(randn * rf, -2 rf,
     * 2 rf)} degrees, else 0. One uniform draw, then one Gaussian draw only when rotating.
     *
     * @param s the state
     * @param rotationFactor rf, degrees (45 COCO, 30 MPII)
     * @param probability 0.6 in the recipe
     * @param rng the random source
     * @return the state with its rotation set
     */
    public static CropState randomRotation(CropState s, double rotationFactor, double probability, Random rng) {
        double r = rng.nextDouble() <= probability
                ? clip(rng.nextGaussian() * rotationFactor, -2 * rotationFactor, 2 * rotationFactor) : 0;
        return s.withRotation(r);
    }

    /**
     * Random horizontal flip: {@link #flip} when {@code rng.nextDouble() <= probability} (one uniform draw).
     *
     * @param s the state
     * @param schema flip pairs
     * @param probability 0.5 in the recipe; 0 or less never flips
     * @param rng the random source
     * @return the flipped or unchanged state
     */
    public static CropState randomFlip(CropState s, KeypointSchema schema, double probability, Random rng) {
        double u = rng.nextDouble();
        return probability > 0 && u <= probability ? flip(s, schema) : s;
    }

    /**
     * Mirrors the sample left-right (official {@code fliplr_joints} and the center update of {@code __getitem__}):
     * {@code x -> W - x - 1} for the joints and the center, flip pairs swapped, joints with visibility 0 set to
     * (0, 0) ({@code joints * joints_vis}).
     *
     * @param s the state
     * @param schema flip pairs
     * @return the mirrored state, {@code flipped} toggled
     */
    public static CropState flip(CropState s, KeypointSchema schema) {
        double[][] j = s.joints();
        int w = s.imageWidth();
        double[][] out = new double[j.length][];
        int[] idx = schema.flipIndex();
        for (int i = 0; i < j.length; i++) {
            double[] src = j[idx[i]];
            double vis = src[2];
            out[i] = new double[] {(w - src[0] - 1) * vis, src[1] * vis, vis};
        }
        CenterScale b = s.box();
        return new CropState(out, new CenterScale(w - b.cx() - 1, b.cy(), b.sw(), b.sh()), s.rotationDeg(),
                !s.flipped(), w, s.imageHeight());
    }

    /**
     * The image-to-crop matrix of a state: {@code get_affine_transform(center, scale, rot, (W, H))}.
     *
     * @param s the state
     * @param outW crop width, pixels
     * @param outH crop height, pixels
     * @return the 2x3 matrix
     */
    public static double[][] cropMatrix(CropState s, int outW, int outH) {
        return s.matrix(outW, outH);
    }

    /**
     * The joints in crop pixels: visible joints (vis &gt; 0) go through the affine matrix, the others keep their
     * values (as the reference's {@code affine_transform} loop in {@code __getitem__}), in float64.
     *
     * @param s the augmented state
     * @param outW crop width, pixels
     * @param outH crop height, pixels
     * @return {@code [K][3]} (x, y, vis) in crop pixels
     */
    public static double[][] jointsInCrop(CropState s, int outW, int outH) {
        double[][] m = s.matrix(outW, outH);
        double[][] j = s.joints();
        for (double[] p : j) {
            if (p[2] > 0) {
                double[] t = AffineTransforms.apply(m, p[0], p[1]);
                p[0] = t[0];
                p[1] = t[1];
            }
        }
        return j;
    }

    private static double clip(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
