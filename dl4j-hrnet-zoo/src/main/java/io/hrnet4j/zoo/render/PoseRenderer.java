package io.hrnet4j.zoo.render;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws poses on images with OpenCV (bytedeco): each limb of the schema's skeleton as an anti-aliased line in its
 * own colour, each joint as a filled dot (left joints in the colour of the left limbs, the rest in the centre/right
 * colours), optionally the person box. Joints whose score is below the threshold are hidden, and so is every limb
 * touching one. Used by {@code hrnet predict} and for training overlays.
 *
 * <p>Coordinates are image pixels (0-based, x right, y down); keypoints are flat {@code [x1, y1, s1, ..., xK, yK,
 * sK]} as in the COCO results format. Images are 8-bit BGR {@link Mat}s ({@code CV_8UC3}), drawn in place.
 * Immutable and thread-safe (each call uses its own OpenCV objects).
 */
public final class PoseRenderer {
    /** Default score below which a joint is hidden (0.3: a heatmap maximum well above background). */
    public static final double DEFAULT_THRESHOLD = 0.3;

    private final KeypointSchema schema;
    private final double threshold;
    private final int thickness;
    private final int radius;
    private final double[][] limbColours; // BGR per limb

    /**
     * @param schema the joints and skeleton
     * @param threshold joints with a score {@code < threshold} are hidden (NaN scores always)
     * @param thickness limb line thickness, pixels (&gt;= 1)
     * @param radius joint dot radius, pixels (&gt;= 1)
     * @throws IllegalArgumentException if the thickness or radius is below 1 or the threshold is NaN
     */
    public PoseRenderer(KeypointSchema schema, double threshold, int thickness, int radius) {
        this.schema = Objects.requireNonNull(schema, "schema");
        if (thickness < 1 || radius < 1 || Double.isNaN(threshold)) {
            throw new IllegalArgumentException("thickness and radius must be >= 1 and the threshold a number, got "
                    + thickness + ", " + radius + ", " + threshold);
        }
        this.threshold = threshold;
        this.thickness = thickness;
        this.radius = radius;
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
        return new PoseRenderer(schema, DEFAULT_THRESHOLD, 2, 3);
    }

    /** @return the score threshold below which joints are hidden */
    public double threshold() {
        return threshold;
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
        return s >= threshold && Double.isFinite(x) && Double.isFinite(y);
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
                    opencv_imgproc.line(image, pt(keypoints, a), pt(keypoints, b), scalar(limbColours[i]), thickness,
                            opencv_imgproc.LINE_AA, 0);
                }
            }
            for (int j = 0; j < k; j++) {
                if (isShown(keypoints, j)) {
                    opencv_imgproc.circle(image, pt(keypoints, j), radius, scalar(jointColour(j)), -1,
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
        checkImage(image);
        try (PointerScope scope = new PointerScope()) {
            opencv_imgproc.rectangle(image, new Point((int) Math.round(x), (int) Math.round(y)),
                    new Point((int) Math.round(x + w), (int) Math.round(y + h)), new Scalar(255, 255, 255, 0), 1,
                    opencv_imgproc.LINE_AA, 0);
        }
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
     * Writes an image (creating the parent folder).
     *
     * @param image 8-bit BGR image
     * @param out the file; the extension chooses the format
     * @throws IOException if it cannot be written
     */
    public static void write(Mat image, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!opencv_imgcodecs.imwrite(out.toString(), image)) {
            throw new IOException(out + ": OpenCV could not write the image (unknown extension or unwritable)");
        }
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
