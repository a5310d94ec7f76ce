package io.hrnet4j.data.geometry;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;

/**
 * The top-down affine geometry of the official HRNet code ({@code lib/utils/transforms.py}:
 * {@code get_affine_transform}, {@code affine_transform}, {@code transform_preds}), reproduced to the float32
 * rounding of the reference.
 *
 * <p>Conventions: a box is described by its {@code center} (x, y in image pixels) and {@code scale} (box width
 * and height divided by {@link #PIXEL_STD} = 200). Rotation is in degrees, counter-clockwise positive in the
 * image as the reference defines it. Output sizes are given as (width, height) in pixels of the crop (or heatmap
 * cells). Matrices are 2x3, row-major, mapping a column vector (x, y, 1).
 *
 * <p>As in the reference, only {@code scale[0]} (the width) decides the transform; the output aspect ratio decides
 * the height. The three source and destination points are rounded to float32 (as NumPy's {@code float32} arrays of
 * the reference) and the matrix is solved by OpenCV's {@code getAffineTransform} itself, so forward and inverse
 * matrices are bitwise those of the reference.
 */
public final class AffineTransforms {
    /** The reference's {@code pixel_std}: scale = size in pixels / 200. */
    public static final double PIXEL_STD = 200.0;

    private AffineTransforms() {
    }

    /**
     * The official {@code get_affine_transform(center, scale, rot, output_size, shift=0, inv)}.
     *
     * @param cx center x, image pixels
     * @param cy center y, image pixels
     * @param scaleW box width / 200 (only the width matters)
     * @param rotDeg rotation in degrees
     * @param outW output width (crop pixels or heatmap cells)
     * @param outH output height
     * @param inverse false: image → crop; true: crop → image
     * @return the 2x3 matrix {@code [[a, b, c], [d, e, f]]}
     * @throws IllegalArgumentException if the scale or output size is not positive and finite
     */
    public static double[][] getAffineTransform(double cx, double cy, double scaleW, double rotDeg,
                                                double outW, double outH, boolean inverse) {
        if (!(scaleW > 0) || Double.isInfinite(scaleW) || !(outW > 0) || !(outH > 0)
                || !Double.isFinite(cx) || !Double.isFinite(cy) || !Double.isFinite(rotDeg)) {
            throw new IllegalArgumentException("invalid affine parameters: center (" + cx + ", " + cy + "), scale "
                    + scaleW + ", rotation " + rotDeg + ", output " + outW + "x" + outH);
        }
        // scale_tmp = scale * 200.0: a float32 array stays float32 (COCO's _xywh2cs), a float64 one (MPII) float64
        double srcW = (double) (float) scaleW == scaleW ? (double) (float) (scaleW * PIXEL_STD) : scaleW * PIXEL_STD;
        double rotRad = Math.PI * rotDeg / 180.0;
        double sn = Math.sin(rotRad);
        double cs = Math.cos(rotRad);
        // get_dir([0, -0.5 * src_w], rot)
        double sdx = 0 * cs - (srcW * -0.5) * sn;
        double sdy = 0 * sn + (srcW * -0.5) * cs;
        float[][] src = new float[3][2];
        float[][] dst = new float[3][2];
        src[0][0] = (float) cx;
        src[0][1] = (float) cy;
        src[1][0] = (float) (cx + sdx);
        src[1][1] = (float) (cy + sdy);
        dst[0][0] = (float) (outW * 0.5);
        dst[0][1] = (float) (outH * 0.5);
        float ddy = (float) (outW * -0.5);
        dst[1][0] = (float) (outW * 0.5);
        dst[1][1] = (float) ((double) (float) (outH * 0.5) + ddy);
        third(src);
        third(dst);
        return inverse ? solve(dst, src) : solve(src, dst);
    }

    /** get_3rd_point in float32: b + (-(a-b).y, (a-b).x). */
    private static void third(float[][] p) {
        float dx = p[0][0] - p[1][0];
        float dy = p[0][1] - p[1][1];
        p[2][0] = p[1][0] - dy;
        p[2][1] = p[1][1] + dx;
    }

    /**
     * Solves for M with M * (src_i, 1) = dst_i, i = 0..2, with OpenCV's own {@code cv::getAffineTransform} (the call
     * the official {@code get_affine_transform} makes): its 6x6 LU solve in double precision on the float32 points,
     * so the matrix is bitwise the reference's and {@code warpAffine}'s fixed-point rounding at exact half pixels
     * follows the reference too.
     */
    private static double[][] solve(float[][] s, float[][] d) {
        try (PointerScope scope = new PointerScope(); Point2f src = new Point2f(3); Point2f dst = new Point2f(3)) {
            for (int i = 0; i < 3; i++) {
                src.position(i).x(s[i][0]).y(s[i][1]);
                dst.position(i).x(d[i][0]).y(d[i][1]);
            }
            src.position(0);
            dst.position(0);
            Mat m = opencv_imgproc.getAffineTransform(src, dst);
            if (m.empty() || m.rows() != 2 || m.cols() != 3 || m.type() != opencv_core.CV_64F) {
                throw new IllegalArgumentException("degenerate affine points");
            }
            double[][] out = new double[2][3];
            try (DoubleIndexer ix = m.createIndexer()) {
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 3; c++) {
                        out[r][c] = ix.get(r, c);
                    }
                }
            }
            return out;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("degenerate affine points: " + e.getMessage(), e);
        }
    }

    /**
     * The official {@code affine_transform(pt, t)}: {@code t @ (x, y, 1)}.
     *
     * @param m a 2x3 matrix
     * @param x point x
     * @param y point y
     * @return the transformed point {x', y'}
     */
    public static double[] apply(double[][] m, double x, double y) {
        return new double[] {m[0][0] * x + m[0][1] * y + m[0][2], m[1][0] * x + m[1][1] * y + m[1][2]};
    }

    /**
     * The official {@code transform_preds(coords, center, scale, output_size)}: maps heatmap coordinates back to
     * image pixels through the inverse transform with rotation 0.
     *
     * @param coords {@code [K][2]} heatmap coordinates (cells), not modified
     * @param cx center x, image pixels
     * @param cy center y, image pixels
     * @param scaleW box width / 200
     * @param hmW heatmap width (cells)
     * @param hmH heatmap height (cells)
     * @return {@code [K][2]} image coordinates (pixels)
     */
    public static double[][] transformPreds(double[][] coords, double cx, double cy, double scaleW, int hmW, int hmH) {
        double[][] inv = getAffineTransform(cx, cy, scaleW, 0, hmW, hmH, true);
        double[][] out = new double[coords.length][];
        for (int k = 0; k < coords.length; k++) {
            out[k] = apply(inv, coords[k][0], coords[k][1]);
        }
        return out;
    }
}
