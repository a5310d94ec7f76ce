package io.hrnet4j.zoo.inference;

import io.hrnet4j.data.geometry.AffineTransforms;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decodes keypoint heatmaps into image coordinates, as the official {@code lib/core/inference.py}
 * ({@code get_max_preds}, {@code get_final_preds} with {@code TEST.POST_PROCESS}) of deep-high-resolution-net.pytorch,
 * with DARK (Zhang et al., "Distribution-Aware Coordinate Representation for Human Pose Estimation", CVPR 2020) as
 * an option (Zhang et al., "Distribution-Aware Coordinate Representation for Human Pose Estimation", CVPR 2020).
 *
 * <p>Tensors: heatmaps {@code [N, K, H, W]} NCHW (any floating type, decoded in float32 as the reference);
 * coordinates {@code [N, K, 2]} float32 (x, y); maxima {@code [N, K, 1]} float32. Heatmap coordinates are in heatmap
 * cells (0-based, cell centres at integers); final coordinates are in pixels of the original image.
 * The mapping back uses {@link AffineTransforms#transformPreds} with (center, scale) of each crop (scale = box
 * size / 200; only the width matters).
 */
public final class HeatmapDecoder {
    /** Default Gaussian blur kernel of DARK for sigma-2 heatmaps (DarkPose {@code TEST.BLUR_KERNEL = 11}). */
    public static final int DEFAULT_DARK_KERNEL = 11;

    private HeatmapDecoder() {
    }

    /** Sub-pixel refinement of the argmax. */
    public enum Refinement {
        /** Plain argmax (the reference with {@code POST_PROCESS} false). */
        NONE,
        /** The reference quarter-pixel shift towards the higher neighbour ({@code POST_PROCESS} true, the default). */
        QUARTER_OFFSET,
        /** DARK: Gaussian blur, log, second-order Taylor expansion around the argmax. */
        DARK
    }

    /**
     * Decoded keypoints.
     *
     * @param coords {@code [N, K, 2]} float32 (x, y): heatmap cells for {@link #getMaxPreds}, image pixels for
     *     {@link #getFinalPreds}
     * @param maxvals {@code [N, K, 1]} float32 heatmap maxima (the keypoint scores)
     */
    public record Predictions(INDArray coords, INDArray maxvals) {
    }

    /**
     * The reference {@code get_max_preds}: per heatmap, the first maximum in row-major order, as (x, y) = (idx % W,
     * floor(idx / W)); coordinates are set to (0, 0) where the maximum is not &gt; 0 (NaN included).
     *
     * @param heatmaps {@code [N, K, H, W]}
     * @return coords {@code [N, K, 2]} in heatmap cells and maxvals {@code [N, K, 1]}
     * @throws IllegalArgumentException if {@code heatmaps} is not rank 4 or is empty
     */
    public static Predictions getMaxPreds(INDArray heatmaps) {
        Hm h = Hm.of(heatmaps);
        float[] coords = new float[h.n * h.k * 2];
        float[] maxvals = new float[h.n * h.k];
        maxPreds(h, coords, maxvals);
        return new Predictions(Nd4j.create(coords, new long[] {h.n, h.k, 2}, 'c'),
                Nd4j.create(maxvals, new long[] {h.n, h.k, 1}, 'c'));
    }

    /**
     * The reference {@code get_final_preds} with the quarter-pixel refinement ({@code POST_PROCESS} true).
     *
     * @param heatmaps {@code [N, K, H, W]}
     * @param centers {@code [N][2]} crop centers (x, y), image pixels
     * @param scales {@code [N][2]} crop scales (w, h) / 200; only {@code scales[i][0]} is used
     * @return coords {@code [N, K, 2]} in image pixels (float32) and maxvals {@code [N, K, 1]}
     * @throws IllegalArgumentException if the shapes disagree or a scale is not positive
     */
    public static Predictions getFinalPreds(INDArray heatmaps, double[][] centers, double[][] scales) {
        return getFinalPreds(heatmaps, centers, scales, Refinement.QUARTER_OFFSET, DEFAULT_DARK_KERNEL);
    }

    /**
     * {@code get_final_preds} with a choice of refinement.
     *
     * <p>{@link Refinement#QUARTER_OFFSET}: at the argmax (px, py) = floor(coord + 0.5), when {@code 1 < px < W-1}
     * and {@code 1 < py < H-1} (strict), add {@code 0.25 * sign(hm[py][px+1] - hm[py][px-1])} to x and likewise to y
     * (sign(0) = 0: no shift).
     *
     * <p>{@link Refinement#DARK} (DarkPose {@code lib/core/inference.py}): each heatmap is zero-padded by
     * {@code (kernel-1)/2}, blurred with an OpenCV-style Gaussian ({@code sigma = 0.3((kernel-1)/2 - 1) + 0.8},
     * reflect-101 border), cropped and rescaled to its original maximum; then {@code log(max(hm, 1e-10))}; at the
     * argmax (px, py), when {@code 1 < px < W-2} and {@code 1 < py < H-2}, the offset {@code -H⁻¹ ∇} from the first
     * and second central differences (step 1 for the gradient, step 2 for the Hessian diagonal) is added, unless the
     * Hessian is singular. Masked (maximum ≤ 0) keypoints keep (0, 0) and are not refined by DARK.
     *
     * @param heatmaps {@code [N, K, H, W]}
     * @param centers {@code [N][2]} crop centers, image pixels
     * @param scales {@code [N][2]} crop scales / 200
     * @param refinement the sub-pixel refinement
     * @param darkKernel odd Gaussian kernel size for DARK (11 for sigma 2); ignored otherwise
     * @return coords {@code [N, K, 2]} in image pixels (float32, as the reference writes into a float32 array) and
     *     maxvals {@code [N, K, 1]}
     * @throws IllegalArgumentException if the shapes disagree, a scale is not positive or the kernel is not odd
     */
    public static Predictions getFinalPreds(INDArray heatmaps, double[][] centers, double[][] scales,
                                            Refinement refinement, int darkKernel) {
        Hm h = Hm.of(heatmaps);
        if (centers.length != h.n || scales.length != h.n) {
            throw new IllegalArgumentException("heatmaps hold " + h.n + " crops but " + centers.length + " centers and "
                    + scales.length + " scales were given");
        }
        float[] coords = new float[h.n * h.k * 2];
        float[] maxvals = new float[h.n * h.k];
        maxPreds(h, coords, maxvals);
        if (refinement == Refinement.QUARTER_OFFSET) {
            quarterOffset(h, coords);
        } else if (refinement == Refinement.DARK) {
            dark(h, coords, maxvals, darkKernel);
        }
        float[] out = new float[coords.length];
        double[][] c = new double[h.k][2];
        for (int n = 0; n < h.n; n++) {
            if (centers[n].length < 2 || scales[n].length < 1) {
                throw new IllegalArgumentException("center and scale of crop " + n + " need (x, y) and (w, h)");
            }
            for (int k = 0; k < h.k; k++) {
                c[k][0] = coords[(n * h.k + k) * 2];
                c[k][1] = coords[(n * h.k + k) * 2 + 1];
            }
            double[][] img = AffineTransforms.transformPreds(c, centers[n][0], centers[n][1], scales[n][0], h.w, h.h);
            for (int k = 0; k < h.k; k++) {
                out[(n * h.k + k) * 2] = (float) img[k][0];
                out[(n * h.k + k) * 2 + 1] = (float) img[k][1];
            }
        }
        return new Predictions(Nd4j.create(out, new long[] {h.n, h.k, 2}, 'c'),
                Nd4j.create(maxvals, new long[] {h.n, h.k, 1}, 'c'));
    }

    /** A heatmap tensor as a float32 C-order array. */
    static final class Hm {
        final int n;
        final int k;
        final int h;
        final int w;
        final float[] v;

        private Hm(int n, int k, int h, int w, float[] v) {
            this.n = n;
            this.k = k;
            this.h = h;
            this.w = w;
            this.v = v;
        }

        static Hm of(INDArray a) {
            if (a == null || a.rank() != 4) {
                throw new IllegalArgumentException("heatmaps must be [N, K, H, W], got "
                        + (a == null ? "null" : java.util.Arrays.toString(a.shape())));
            }
            long[] s = a.shape();
            if (s[0] < 1 || s[1] < 1 || s[2] < 1 || s[3] < 1) {
                throw new IllegalArgumentException("heatmaps are empty: " + java.util.Arrays.toString(s));
            }
            float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
            return new Hm((int) s[0], (int) s[1], (int) s[2], (int) s[3], v);
        }

        int base(int n, int k) {
            return (n * this.k + k) * h * w;
        }
    }

    private static void maxPreds(Hm h, float[] coords, float[] maxvals) {
        int hw = h.h * h.w;
        for (int n = 0; n < h.n; n++) {
            for (int k = 0; k < h.k; k++) {
                int b = h.base(n, k);
                int idx = 0;
                float max = h.v[b];
                for (int i = 1; i < hw && !Float.isNaN(max); i++) { // np.argmax: first maximum, NaN wins
                    float x = h.v[b + i];
                    if (x > max || Float.isNaN(x)) {
                        max = x;
                        idx = i;
                    }
                }
                int o = n * h.k + k;
                maxvals[o] = max;
                float mask = max > 0.0f ? 1f : 0f;
                coords[2 * o] = (float) (idx % h.w) * mask;
                coords[2 * o + 1] = (float) Math.floor((float) idx / h.w) * mask;
            }
        }
    }

    private static void quarterOffset(Hm h, float[] coords) {
        for (int n = 0; n < h.n; n++) {
            for (int k = 0; k < h.k; k++) {
                int o = n * h.k + k;
                int b = h.base(n, k);
                int px = (int) Math.floor(coords[2 * o] + 0.5);
                int py = (int) Math.floor(coords[2 * o + 1] + 0.5);
                if (1 < px && px < h.w - 1 && 1 < py && py < h.h - 1) {
                    float dx = h.v[b + py * h.w + px + 1] - h.v[b + py * h.w + px - 1];
                    float dy = h.v[b + (py + 1) * h.w + px] - h.v[b + (py - 1) * h.w + px];
                    coords[2 * o] += Math.signum(dx) * .25f;
                    coords[2 * o + 1] += Math.signum(dy) * .25f;
                }
            }
        }
    }

    private static void dark(Hm h, float[] coords, float[] maxvals, int kernel) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("DARK kernel size must be odd and positive, got " + kernel);
        }
        double[] g = gaussianKernel(kernel);
        int border = (kernel - 1) / 2;
        for (int n = 0; n < h.n; n++) {
            for (int k = 0; k < h.k; k++) {
                int o = n * h.k + k;
                if (!(maxvals[o] > 0)) {
                    continue;
                }
                double[] hm = blurLog(h, h.base(n, k), g, border);
                int px = (int) coords[2 * o];
                int py = (int) coords[2 * o + 1];
                if (1 < px && px < h.w - 2 && 1 < py && py < h.h - 2) {
                    int w = h.w;
                    double dx = 0.5 * (hm[py * w + px + 1] - hm[py * w + px - 1]);
                    double dy = 0.5 * (hm[(py + 1) * w + px] - hm[(py - 1) * w + px]);
                    double dxx = 0.25 * (hm[py * w + px + 2] - 2 * hm[py * w + px] + hm[py * w + px - 2]);
                    double dxy = 0.25 * (hm[(py + 1) * w + px + 1] - hm[(py - 1) * w + px + 1]
                            - hm[(py + 1) * w + px - 1] + hm[(py - 1) * w + px - 1]);
                    double dyy = 0.25 * (hm[(py + 2) * w + px] - 2 * hm[py * w + px] + hm[(py - 2) * w + px]);
                    double det = dxx * dyy - dxy * dxy;
                    if (det != 0) {
                        // offset = -inv([[dxx, dxy], [dxy, dyy]]) @ [dx, dy]
                        double ox = -(dyy * dx - dxy * dy) / det;
                        double oy = -(-dxy * dx + dxx * dy) / det;
                        coords[2 * o] = (float) (px + ox);
                        coords[2 * o + 1] = (float) (py + oy);
                    }
                }
            }
        }
    }

    /** OpenCV {@code getGaussianKernel(ksize, 0)} for ksize &gt; 7: sigma = 0.3((ksize-1)/2 - 1) + 0.8, normalised. */
    static double[] gaussianKernel(int ksize) {
        double sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
        double[] g = new double[ksize];
        double sum = 0;
        for (int i = 0; i < ksize; i++) {
            double x = i - (ksize - 1) / 2.0;
            g[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < ksize; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /** DARK's gaussian_blur (zero pad, separable blur with reflect-101 border, crop, rescale to the max), then log. */
    private static double[] blurLog(Hm h, int base, double[] g, int border) {
        int pw = h.w + 2 * border;
        int ph = h.h + 2 * border;
        double[] pad = new double[pw * ph];
        double origMax = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < h.h; y++) {
            for (int x = 0; x < h.w; x++) {
                double v = h.v[base + y * h.w + x];
                pad[(y + border) * pw + x + border] = v;
                origMax = Math.max(origMax, v);
            }
        }
        int r = g.length / 2;
        double[] tmp = new double[pw * ph];
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                double s = 0;
                for (int t = -r; t <= r; t++) {
                    s += g[t + r] * pad[y * pw + reflect101(x + t, pw)];
                }
                tmp[y * pw + x] = s;
            }
        }
        double[] out = new double[h.w * h.h];
        double blurMax = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < h.h; y++) {
            for (int x = 0; x < h.w; x++) {
                double s = 0;
                int px = x + border;
                for (int t = -r; t <= r; t++) {
                    s += g[t + r] * tmp[reflect101(y + border + t, ph) * pw + px];
                }
                out[y * h.w + x] = s;
                blurMax = Math.max(blurMax, s);
            }
        }
        double f = origMax / blurMax;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.log(Math.max(out[i] * f, 1e-10));
        }
        return out;
    }

    private static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * n - 2 - i;
        }
        return i;
    }
}
