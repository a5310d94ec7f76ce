package io.hrnet4j.data.target;

/**
 * Gaussian heatmap targets and target weights, exactly as the official {@code JointsDataset.generate_target}
 * ({@code TARGET_TYPE: gaussian}; official {@code lib/dataset/JointsDataset.py} {@code generate_target}):
 * <ul>
 *   <li>stride = input size / heatmap size per axis; centre {@code mu = int(joint / stride + 0.5)} with Python's
 *       {@code int()} (truncation towards zero, so -0.25 gives 0);</li>
 *   <li>window radius {@code tmp = 3 sigma}: {@code ul = int(mu - tmp)}, {@code br = int(mu + tmp + 1)};</li>
 *   <li>weight = visibility, set to 0 when {@code ul >= heatmap size} or {@code br < 0} on either axis (note: the test
 *       is {@code br < 0}, so {@code br == 0} keeps weight 1 with an empty map);</li>
 *   <li>the unnormalised Gaussian {@code exp(-((x - x0)² + (y - y0)²) / (2 sigma²))} (peak 1, computed in float32)
 *       is copied onto the clipped window only when the weight is &gt; 0.5.</li>
 * </ul>
 */
public final class GaussianTargets {
    private GaussianTargets() {
    }

    /**
     * The targets of one sample.
     *
     * @param heatmaps {@code [K, H_hm, W_hm]} row-major (C order), float32
     * @param weights {@code [K]} target weights
     * @param numJoints K
     * @param height H_hm, heatmap cells
     * @param width W_hm, heatmap cells
     */
    public record Targets(float[] heatmaps, float[] weights, int numJoints, int height, int width) {
        /**
         * @param k joint index
         * @param y row, heatmap cells
         * @param x column, heatmap cells
         * @return the heatmap value
         */
        public float at(int k, int y, int x) {
            return heatmaps[(k * height + y) * width + x];
        }
    }

    /**
     * @param joints {@code [K][>=3]} (x, y, vis) in input-crop pixels
     * @param inputWidth input crop width, pixels (e.g. 192)
     * @param inputHeight input crop height, pixels (e.g. 256)
     * @param heatmapWidth heatmap width, cells (e.g. 48)
     * @param heatmapHeight heatmap height, cells (e.g. 64)
     * @param sigma Gaussian sigma, heatmap cells (2, or 3 at 384x288)
     * @return heatmaps {@code [K, H_hm, W_hm]} and weights {@code [K]}
     * @throws IllegalArgumentException if a size or sigma is not positive, or a joint is not finite while visible
     */
    public static Targets generate(double[][] joints, int inputWidth, int inputHeight, int heatmapWidth,
                                   int heatmapHeight, double sigma) {
        float[] hm = new float[joints.length * heatmapHeight * heatmapWidth];
        float[] w = new float[joints.length];
        generate(joints, inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma, hm, 0, w, 0);
        return new Targets(hm, w, joints.length, heatmapHeight, heatmapWidth);
    }

    /**
     * Writes the targets into existing arrays (for batch assembly without copies). The heatmap region must be zero.
     *
     * @param joints {@code [K][>=3]} (x, y, vis) in input-crop pixels
     * @param inputWidth input crop width, pixels
     * @param inputHeight input crop height, pixels
     * @param heatmapWidth heatmap width, cells
     * @param heatmapHeight heatmap height, cells
     * @param sigma Gaussian sigma, heatmap cells
     * @param heatmaps destination, {@code K * H_hm * W_hm} values from {@code hmOffset}, zero on entry
     * @param hmOffset first index in {@code heatmaps}
     * @param weights destination, K values from {@code wOffset}
     * @param wOffset first index in {@code weights}
     * @throws IllegalArgumentException if a size or sigma is not positive, or a visible joint is not finite
     */
    public static void generate(double[][] joints, int inputWidth, int inputHeight, int heatmapWidth,
                                int heatmapHeight, double sigma, float[] heatmaps, int hmOffset, float[] weights,
                                int wOffset) {
        if (inputWidth <= 0 || inputHeight <= 0 || heatmapWidth <= 0 || heatmapHeight <= 0 || !(sigma > 0)) {
            throw new IllegalArgumentException("invalid target settings: input " + inputWidth + "x" + inputHeight
                    + ", heatmap " + heatmapWidth + "x" + heatmapHeight + ", sigma " + sigma);
        }
        double strideX = (double) inputWidth / heatmapWidth;
        double strideY = (double) inputHeight / heatmapHeight;
        double tmp = sigma * 3;
        int size = (int) Math.ceil(2 * tmp + 1);
        float x0 = (float) Math.floor((2 * tmp + 1) / 2);
        float twoSigma2 = (float) (2 * sigma * sigma);
        float[] g1 = new float[size];
        for (int i = 0; i < size; i++) {
            float d = i - x0;
            g1[i] = d * d;
        }
        int plane = heatmapHeight * heatmapWidth;
        for (int k = 0; k < joints.length; k++) {
            double vis = joints[k][2];
            weights[wOffset + k] = (float) vis;
            double jx = joints[k][0];
            double jy = joints[k][1];
            if (!Double.isFinite(jx) || !Double.isFinite(jy)) {
                if (vis > 0) {
                    throw new IllegalArgumentException("joint " + k + " is not finite: (" + jx + ", " + jy + ")");
                }
                weights[wOffset + k] = 0;
                continue;
            }
            int muX = (int) (jx / strideX + 0.5);
            int muY = (int) (jy / strideY + 0.5);
            int ulX = (int) (muX - tmp);
            int ulY = (int) (muY - tmp);
            int brX = (int) (muX + tmp + 1);
            int brY = (int) (muY + tmp + 1);
            if (ulX >= heatmapWidth || ulY >= heatmapHeight || brX < 0 || brY < 0) {
                weights[wOffset + k] = 0;
                continue;
            }
            if (!(weights[wOffset + k] > 0.5)) {
                continue;
            }
            int gx0 = Math.max(0, -ulX);
            int gx1 = Math.min(brX, heatmapWidth) - ulX;
            int gy0 = Math.max(0, -ulY);
            int gy1 = Math.min(brY, heatmapHeight) - ulY;
            int ix0 = Math.max(0, ulX);
            int iy0 = Math.max(0, ulY);
            int base = hmOffset + k * plane;
            for (int gy = gy0, iy = iy0; gy < gy1 && gy < size; gy++, iy++) {
                for (int gx = gx0, ix = ix0; gx < gx1 && gx < size; gx++, ix++) {
                    heatmaps[base + iy * heatmapWidth + ix] = (float) Math.exp(-(g1[gx] + g1[gy]) / twoSigma2);
                }
            }
        }
    }
}
