package io.hrnet4j.data.transform;

import io.hrnet4j.data.keypoints.KeypointSchema;
import java.util.Objects;

/**
 * Top-down input geometry and augmentation settings: input size, heatmap size, Gaussian sigma and the probability and
 * factor of each random transform. Defaults are the official recipe ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml};
 * {@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}, {@code experiments/mpii/hrnet/w32_256x256_adam_lr1e-3.yaml},
 * {@code lib/dataset/JointsDataset.py}). Immutable; change settings with the {@code with...} methods.
 *
 * @param schema the dataset's joints
 * @param inputWidth input crop width W, pixels
 * @param inputHeight input crop height H, pixels
 * @param heatmapWidth heatmap width, cells (W / 4 in the recipe)
 * @param heatmapHeight heatmap height, cells
 * @param sigma Gaussian sigma in heatmap cells (2; 3 at 384x288)
 * @param halfBodyProbability probability of the half-body crop (0.3 COCO; 0 disables, MPII)
 * @param halfBodyMinJoints the half-body crop is tried only with more than this many visible joints (8)
 * @param halfBodyScale scale multiplier of the half-body box (1.5)
 * @param scaleFactor sf: scale multiplied by {@code clip(randn * sf + 1, 1 - sf, 1 + sf)} (0.35 COCO, 0.25 MPII)
 * @param rotationFactor rf: rotation {@code clip(randn * rf, -2 rf, 2 rf)} degrees (45 COCO, 30 MPII)
 * @param rotationProbability probability that a rotation is drawn (0.6)
 * @param flipProbability probability of the horizontal flip (0.5; 0 disables)
 */
public record TopDownRecipe(KeypointSchema schema, int inputWidth, int inputHeight, int heatmapWidth,
                            int heatmapHeight, double sigma, double halfBodyProbability, int halfBodyMinJoints,
                            double halfBodyScale, double scaleFactor, double rotationFactor,
                            double rotationProbability, double flipProbability) {

    /** @throws IllegalArgumentException if a size, sigma, factor or probability is out of range */
    public TopDownRecipe {
        Objects.requireNonNull(schema, "schema");
        if (inputWidth <= 0 || inputHeight <= 0 || heatmapWidth <= 0 || heatmapHeight <= 0) {
            throw new IllegalArgumentException("sizes must be positive: input " + inputWidth + "x" + inputHeight
                    + ", heatmap " + heatmapWidth + "x" + heatmapHeight);
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be positive, got " + sigma);
        }
        if (!(scaleFactor >= 0 && scaleFactor < 1) || !(rotationFactor >= 0) || Double.isInfinite(rotationFactor)
                || !(halfBodyScale > 0)) {
            throw new IllegalArgumentException("invalid factors: scale " + scaleFactor + ", rotation " + rotationFactor
                    + ", half-body scale " + halfBodyScale);
        }
        for (double p : new double[] {halfBodyProbability, rotationProbability, flipProbability}) {
            if (Double.isNaN(p) || p > 1) {
                throw new IllegalArgumentException("probabilities must be <= 1, got " + p);
            }
        }
    }

    /** @return the official COCO recipe at 256x192 (H x W): heatmap 64x48, sigma 2, half-body 0.3, sf 0.35, rf 45 */
    public static TopDownRecipe coco256x192() {
        return coco(192, 256, 2);
    }

    /** @return the official COCO recipe at 384x288 (H x W): heatmap 96x72, sigma 3 */
    public static TopDownRecipe coco384x288() {
        return coco(288, 384, 3);
    }

    /** @return the official MPII recipe at 256x256: heatmap 64x64, sigma 2, no half-body, sf 0.25, rf 30 */
    public static TopDownRecipe mpii256x256() {
        return new TopDownRecipe(KeypointSchema.MPII, 256, 256, 64, 64, 2, 0, 8, 1.5, 0.25, 30, 0.6, 0.5);
    }

    /**
     * @param schema COCO or MPII
     * @return the dataset's default recipe ({@link #coco256x192()} or {@link #mpii256x256()})
     */
    public static TopDownRecipe defaults(KeypointSchema schema) {
        return schema == KeypointSchema.MPII ? mpii256x256() : coco256x192();
    }

    private static TopDownRecipe coco(int w, int h, double sigma) {
        return new TopDownRecipe(KeypointSchema.COCO, w, h, w / 4, h / 4, sigma, 0.3, 8, 1.5, 0.35, 45, 0.6, 0.5);
    }

    /** @return input width / height, the aspect ratio boxes are fixed to */
    public double aspectRatio() {
        return inputWidth * 1.0 / inputHeight;
    }

    /** @return a copy with no augmentation at all (evaluation): every probability and factor 0 */
    public TopDownRecipe withoutAugmentation() {
        return new TopDownRecipe(schema, inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma, 0,
                halfBodyMinJoints, halfBodyScale, 0, 0, 0, 0);
    }

    /**
     * @param width input width, pixels
     * @param height input height, pixels
     * @return a copy with this input size and a heatmap of a quarter of it
     */
    public TopDownRecipe withInputSize(int width, int height) {
        return new TopDownRecipe(schema, width, height, width / 4, height / 4, sigma, halfBodyProbability,
                halfBodyMinJoints, halfBodyScale, scaleFactor, rotationFactor, rotationProbability, flipProbability);
    }

    /**
     * @param s Gaussian sigma in heatmap cells
     * @return a copy with this sigma
     */
    public TopDownRecipe withSigma(double s) {
        return new TopDownRecipe(schema, inputWidth, inputHeight, heatmapWidth, heatmapHeight, s, halfBodyProbability,
                halfBodyMinJoints, halfBodyScale, scaleFactor, rotationFactor, rotationProbability, flipProbability);
    }

    /**
     * @param probability half-body probability
     * @param scaleFactorSf scale factor sf
     * @param rotationFactorRf rotation factor rf, degrees
     * @param flip flip probability
     * @return a copy with these augmentation settings (rotation probability and half-body joints/scale unchanged)
     */
    public TopDownRecipe withAugmentation(double probability, double scaleFactorSf, double rotationFactorRf,
                                          double flip) {
        return new TopDownRecipe(schema, inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma, probability,
                halfBodyMinJoints, halfBodyScale, scaleFactorSf, rotationFactorRf, rotationProbability, flip);
    }
}
