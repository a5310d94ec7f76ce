package io.hrnet4j.zoo.render;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.hrnet4j.data.geometry.AffineTransforms;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.ImageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Draws poses on images with OpenCV (bytedeco): each limb of the schema's skeleton as an anti-aliased line in its
 * own colour, each joint as a filled dot (left joints in the colour of the left limbs, the rest in the centre/right
 * colours), optionally the person box with its score and a heatmap overlay (JET colours, blended in proportion to the
 * heatmap value, so the image is unchanged where the heatmaps are 0). Joints whose score is below the threshold are
 * hidden, and so is every limb touching one. The one skeleton renderer of {@code hrnet predict} and
 * {@code hrnet inspect}.
 *
 * <p>Coordinates are image pixels (0-based, x right, y down); keypoints are flat {@code [x1, y1, s1, ..., xK, yK,
 * sK]} as in the COCO results format. Images are 8-bit BGR {@link Mat}s ({@code CV_8UC3}), drawn in place.
 * Immutable and thread-safe (each call uses its own OpenCV objects).
 */
public final class PoseRenderer {
    /** Default score below which a joint is hidden (0.3: a heatmap maximum well above background). */
    public static final double DEFAULT_THRESHOLD = 0.3;

    /**
     * How poses are drawn.
     *
     * @param threshold joints with a score {@code < threshold} are hidden (NaN scores always)
     * @param thickness limb line thickness, pixels (&gt;= 1)
     * @param radius joint dot radius, pixels (&gt;= 1)
     * @param heatmapAlpha opacity of the heatmap overlay at heatmap value 1, in [0, 1] (0: no overlay)
     */
    public record Style(double threshold, int thickness, int radius, double heatmapAlpha) {
        /** @throws IllegalArgumentException if the thickness or radius is below 1, the threshold NaN or the alpha outside [0, 1] */
        public Style {
            if (thickness < 1 || radius < 1 || Double.isNaN(threshold) || !(heatmapAlpha >= 0 && heatmapAlpha <= 1)) {
                throw new IllegalArgumentException("thickness and radius must be >= 1, the threshold a number and the "
                        + "heatmap alpha in [0, 1], got " + thickness + ", " + radius + ", " + threshold + ", "
                        + heatmapAlpha);
            }
        }

        /** @return threshold {@value PoseRenderer#DEFAULT_THRESHOLD}, thickness 2, radius 3, no heatmap overlay */
        public static Style defaults() {
            return new Style(DEFAULT_THRESHOLD, 2, 3, 0);
        }
    }

    private final KeypointSchema schema;
    private final Style style;
    private final double[][] limbColours; // BGR per limb

    /**
     * @param schema the joints and skeleton
     * @param threshold joints with a score {@code < threshold} are hidden (NaN scores always)
     * @param thickness limb line thickness, pixels (&gt;= 1)
     * @param radius joint dot radius, pixels (&gt;= 1)
     * @throws IllegalArgumentException if the thickness or radius is below 1 or the threshold is NaN
     */
    public PoseRenderer(KeypointSchema schema, double threshold, int thickness, int radius) {
        this(schema, new Style(threshold, thickness, radius, 0));
    }

    /**
     * @param schema the joints and skeleton
     * @param style threshold, sizes and heatmap opacity
     */
    public PoseRenderer(KeypointSchema schema, Style style) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.style = Objects.requireNonNull(style, "style");
        int[][] sk = schema.skeleton();
        this.limbColours = new double[sk.length][];
        for (int i = 0; i < sk.length; i++) {
            limbColours[i] = hsvToBgr(360.0 * i / sk.length, 0.9, 1.0);
        }
    }

    /**
     * @param schema the joints and skeleton
     * @return a renderer with threshold {@value #DEFAULT_THRESHOLD}, thickness 2 and radius 3
     */
    public static PoseRenderer of(KeypointSchema schema) {
        return new PoseRenderer(schema, Style.defaults());
    }

    /** @return the style */
    public Style style() {
        return style;
    }

    /** @return the score threshold below which joints are hidden */
    public double threshold() {
        return style.threshold();
    }

    /**
     * @param limb index into {@link KeypointSchema#skeleton()}
     * @return the limb's colour as (B, G, R), 0..255
     */
    public double[] limbColour(int limb) {
        return limbColours[limb].clone();
    }

    /**
     * @param keypoints flat {@code [x, y, score] * K}
     * @param joint a joint index
     * @return whether the joint is drawn (score {@code >= threshold} and finite coordinates)
     */
    public boolean isShown(double[] keypoints, int joint) {
        double x = keypoints[3 * joint];
        double y = keypoints[3 * joint + 1];
        double s = keypoints[3 * joint + 2];
        return s >= style.threshold() && Double.isFinite(x) && Double.isFinite(y);
    }

    /**
     * Draws one pose in place.
     *
     * @param image 8-bit BGR image
     * @param keypoints flat {@code [x, y, score] * K}, image pixels
     * @throws IllegalArgumentException if the keypoint count is not the schema's or the image is not 8-bit 3-channel
     */
    public void draw(Mat image, double[] keypoints) {
        checkImage(image);
        int k = schema.numJoints();
        if (keypoints.length != 3 * k) {
            throw new IllegalArgumentException("expected " + 3 * k + " keypoint values (" + k + " joints of "
                    + schema.name() + "), got " + keypoints.length);
        }
        int[][] sk = schema.skeleton();
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < sk.length; i++) {
                int a = sk[i][0];
                int b = sk[i][1];
                if (isShown(keypoints, a) && isShown(keypoints, b)) {
                    opencv_imgproc.line(image, pt(keypoints, a), pt(keypoints, b), scalar(limbColours[i]), style.thickness(),
                            opencv_imgproc.LINE_AA, 0);
                }
            }
            for (int j = 0; j < k; j++) {
                if (isShown(keypoints, j)) {
                    opencv_imgproc.circle(image, pt(keypoints, j), style.radius(), scalar(jointColour(j)), -1,
                            opencv_imgproc.LINE_AA, 0);
                }
            }
        }
    }

    /**
     * Draws a person box (thin white rectangle) in place.
     *
     * @param image 8-bit BGR image
     * @param x left, pixels
     * @param y top, pixels
     * @param w width, pixels
     * @param h height, pixels
     */
    public void drawBox(Mat image, double x, double y, double w, double h) {
        drawBox(image, x, y, w, h, null);
    }

    /**
     * Draws a person box (1-pixel white rectangle between the rounded corners, not anti-aliased: axis-aligned) with an
     * optional label above its top-left corner, in place.
     *
     * @param image 8-bit BGR image
     * @param x left, pixels
     * @param y top, pixels
     * @param w width, pixels
     * @param h height, pixels
     * @param label text such as the score ({@code "0.93"}), or null
     */
    public void drawBox(Mat image, double x, double y, double w, double h, String label) {
        checkImage(image);
        try (PointerScope scope = new PointerScope()) {
            Scalar white = new Scalar(255, 255, 255, 0);
            opencv_imgproc.rectangle(image, new Point((int) Math.round(x), (int) Math.round(y)),
                    new Point((int) Math.round(x + w), (int) Math.round(y + h)), white, 1,
                    opencv_imgproc.LINE_8, 0);
            if (label != null) {
                opencv_imgproc.putText(image, label, new Point((int) Math.round(x) + 2,
                        Math.max(10, (int) Math.round(y) - 3)), opencv_imgproc.FONT_HERSHEY_SIMPLEX, 0.4, white, 1,
                        opencv_imgproc.LINE_AA, false);
            }
        }
    }

    /**
     * Overlays the heatmaps of one crop on the image, in place: the maximum over joints, warped from heatmap cells to
     * image pixels through the crop's affine transform (the inverse of the official {@code get_affine_transform} to
     * the heatmap size, bilinear), coloured with OpenCV's JET map and blended with opacity {@code alpha x value}
     * (values clipped to [0, 1]); pixels outside the crop are unchanged. Does nothing when the style's alpha is 0.
     *
     * @param image 8-bit BGR image
     * @param heatmaps {@code [K, h, w]} (or {@code [1, K, h, w]}) heatmaps of the crop
     * @param imageToHeatmap the 2x3 matrix taking image pixels to heatmap cells
     * @throws IllegalArgumentException if the heatmaps are not rank 3 (or 4 with N = 1) or the matrix is not 2x3
     */
    public void drawHeatmaps(Mat image, INDArray heatmaps, double[][] imageToHeatmap) {
        checkImage(image);
        INDArray hm = heatmaps.rank() == 4 && heatmaps.size(0) == 1 ? heatmaps.reshape(heatmaps.size(1),
                heatmaps.size(2), heatmaps.size(3)) : heatmaps;
        if (hm.rank() != 3) {
            throw new IllegalArgumentException("expected heatmaps [K, h, w], got " + Arrays.toString(heatmaps.shape()));
        }
        if (imageToHeatmap.length != 2 || imageToHeatmap[0].length != 3 || imageToHeatmap[1].length != 3) {
            throw new IllegalArgumentException("expected a 2x3 affine matrix");
        }
        if (style.heatmapAlpha() == 0) {
            return;
        }
        drawHeatmaps(image, hm.castTo(DataType.FLOAT).dup('c').data().asFloat(), (int) hm.size(0), (int) hm.size(1),
                (int) hm.size(2), imageToHeatmap);
    }

    /**
     * As {@link #drawHeatmaps(Mat, INDArray, double[][])} for heatmaps held in a Java array (no ND4J call: safe inside
     * a JavaCPP {@code PointerScope}, which would free ND4J's cached buffers made within it).
     *
     * @param image 8-bit BGR image
     * @param heatmaps {@code [K, h, w]} C-order values
     * @param k joints K
     * @param hh heatmap height h
     * @param hw heatmap width w
     * @param imageToHeatmap the 2x3 matrix taking image pixels to heatmap cells
     * @throws IllegalArgumentException if the array length is not {@code K h w} or the matrix is not 2x3
     */
    public void drawHeatmaps(Mat image, float[] heatmaps, int k, int hh, int hw, double[][] imageToHeatmap) {
        checkImage(image);
        if (heatmaps.length != k * hh * hw || k < 1) {
            throw new IllegalArgumentException("expected " + k + "x" + hh + "x" + hw + " heatmap values, got "
                    + heatmaps.length);
        }
        if (imageToHeatmap.length != 2 || imageToHeatmap[0].length != 3 || imageToHeatmap[1].length != 3) {
            throw new IllegalArgumentException("expected a 2x3 affine matrix");
        }
        if (style.heatmapAlpha() == 0) {
            return;
        }
        float[] max = new float[hh * hw];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < max.length; i++) {
                max[i] = j == 0 ? heatmaps[i] : Math.max(max[i], heatmaps[j * max.length + i]);
            }
        }
        int w = image.cols();
        int h = image.rows();
        try (PointerScope scope = new PointerScope()) {
            Mat cells = new Mat(hh, hw, CV_32FC1);
            FloatBuffer cb = cells.createBuffer();
            for (int i = 0; i < max.length; i++) {
                cb.put(i, Math.max(0f, Math.min(1f, max[i])));
            }
            Mat m = new Mat(2, 3, CV_64FC1);
            DoubleIndexer mi = m.createIndexer();
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    mi.put(r, c, imageToHeatmap[r][c]);
                }
            }
            mi.release();
            Mat up = new Mat();
            opencv_imgproc.warpAffine(cells, up, m, new Size(w, h),
                    opencv_imgproc.INTER_LINEAR | opencv_imgproc.WARP_INVERSE_MAP, opencv_core.BORDER_CONSTANT,
                    new Scalar(0.0));
            Mat grey = new Mat();
            up.convertTo(grey, CV_8UC1, 255, 0);
            Mat colour = new Mat();
            opencv_imgproc.applyColorMap(grey, colour, opencv_imgproc.COLORMAP_JET);
            FloatBuffer ub = up.createBuffer();
            ByteBuffer cbuf = colour.createBuffer();
            Mat target = image.isContinuous() ? image : image.clone();
            ByteBuffer ib = target.createBuffer();
            double alpha = style.heatmapAlpha();
            for (int p = 0; p < w * h; p++) {
                double a = alpha * ub.get(p);
                if (a <= 0) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    int v = ib.get(3 * p + c) & 0xFF;
                    int col = cbuf.get(3 * p + c) & 0xFF;
                    ib.put(3 * p + c, (byte) Math.round(v * (1 - a) + col * a));
                }
            }
            if (target != image) {
                target.copyTo(image);
            }
        }
    }

    /**
     * Overlays the heatmaps of a top-down crop given by its center/scale (as {@link #drawHeatmaps(Mat, INDArray,
     * double[][])} with the official {@code get_affine_transform(center, scale, 0, heatmap_size)}).
     *
     * @param image 8-bit BGR image
     * @param heatmaps {@code [K, h, w]} heatmaps of the crop
     * @param crop the crop's center (image pixels) and scale (size / 200)
     */
    public void drawHeatmaps(Mat image, INDArray heatmaps, CenterScale crop) {
        long[] s = heatmaps.shape();
        drawHeatmaps(image, heatmaps, AffineTransforms.getAffineTransform(crop.cx(), crop.cy(), crop.sw(), 0,
                s[s.length - 1], s[s.length - 2], false));
    }

    /**
     * Reads an image, draws the poses and writes the result.
     *
     * @param image the source image (any format OpenCV reads)
     * @param poses flat keypoints per person
     * @param out the output file; its extension chooses the format ({@code .png}, {@code .jpg})
     * @throws IOException if the image cannot be read ({@link io.hrnet4j.data.io.DataFormatException} naming it) or
     *     the output cannot be written
     */
    public void render(Path image, List<double[]> poses, Path out) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            Mat m = ImageDecoder.decodeBgr(image, "render");
            for (double[] p : poses) {
                draw(m, p);
            }
            write(m, out);
        }
    }

    /**
     * Writes an image atomically ({@link AtomicFiles}: encoded in memory, then temporary file and rename; the parent
     * folder is created).
     *
     * @param image 8-bit image
     * @param out the file; its extension ({@code .png}, {@code .jpg}, ...) chooses the format
     * @throws IOException if the extension is not an image format OpenCV writes, or the file cannot be written (an
     *     existing file is then unchanged)
     */
    public static void write(Mat image, Path out) throws IOException {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new IOException(out + ": no file extension to choose the image format (.png, .jpg)");
        }
        byte[] bytes;
        try (BytePointer buf = new BytePointer()) {
            boolean ok;
            try {
                ok = opencv_imgcodecs.imencode(name.substring(dot), image, buf);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                throw new IOException(out + ": OpenCV cannot write images of type '" + name.substring(dot) + "'");
            }
            bytes = new byte[(int) buf.limit()];
            buf.get(bytes);
        }
        AtomicFiles.writeBytes(out, bytes);
    }

    private double[] jointColour(int j) {
        String name = schema.jointNames().get(j);
        if (name.startsWith("left") || name.startsWith("l_")) {
            return new double[] {0, 200, 255}; // orange-yellow
        }
        if (name.startsWith("right") || name.startsWith("r_")) {
            return new double[] {255, 128, 0}; // blue
        }
        return new double[] {80, 255, 80}; // green: centre joints
    }

    private static void checkImage(Mat image) {
        if (image == null || image.empty() || image.channels() != 3 || image.depth() != 0) {
            throw new IllegalArgumentException("expected a non-empty 8-bit BGR image (CV_8UC3)");
        }
    }

    private static Point pt(double[] kp, int j) {
        return new Point((int) Math.round(kp[3 * j]), (int) Math.round(kp[3 * j + 1]));
    }

    private static Scalar scalar(double[] bgr) {
        return new Scalar(bgr[0], bgr[1], bgr[2], 0);
    }

    /** @return (B, G, R) 0..255 of an HSV colour (h in degrees, s and v in [0, 1]) */
    static double[] hsvToBgr(double h, double s, double v) {
        double c = v * s;
        double hp = (h % 360) / 60.0;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double r;
        double g;
        double b;
        if (hp < 1) {
            r = c; g = x; b = 0;
        } else if (hp < 2) {
            r = x; g = c; b = 0;
        } else if (hp < 3) {
            r = 0; g = c; b = x;
        } else if (hp < 4) {
            r = 0; g = x; b = c;
        } else if (hp < 5) {
            r = x; g = 0; b = c;
        } else {
            r = c; g = 0; b = x;
        }
        double m = v - c;
        return new double[] {Math.round((b + m) * 255), Math.round((g + m) * 255), Math.round((r + m) * 255)};
    }
}
