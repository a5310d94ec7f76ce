package io.hrnet4j.data.transform;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The image side of the top-down crop, through OpenCV: the optional left-right mirror of the whole image
 * ({@code data_numpy[:, ::-1, :]}), then {@code cv2.warpAffine(image, trans, (W, H), flags=INTER_LINEAR)} with the
 * default constant-0 border (official {@code JointsDataset.__getitem__}), and the input normalisation of the
 * reference ({@code ToTensor} then {@code Normalize(mean, std)}).
 *
 * <p>Channel order is kept: a BGR image gives a BGR crop. The warp is per channel, so warping BGR and converting the
 * small crop to RGB equals the reference's convert-then-warp.
 */
public final class TopDownWarp {
    /** ImageNet mean of the RGB channels (official {@code tools/train.py} {@code transforms.Normalize}). */
    public static final float[] MEAN_RGB = {0.485f, 0.456f, 0.406f};
    /** ImageNet standard deviation of the RGB channels (official {@code tools/train.py} {@code transforms.Normalize}). */
    public static final float[] STD_RGB = {0.229f, 0.224f, 0.225f};

    private TopDownWarp() {
    }

    /**
     * Warps the crop of a state out of its image.
     *
     * @param image 8-bit image ({@code rows = H_img, cols = W_img}, any channel count), not modified
     * @param state the augmented state; when {@code flipped} the image is mirrored first
     * @param outW crop width W, pixels
     * @param outH crop height H, pixels
     * @return the crop, {@code outH x outW}, same type and channel order as the image; the caller owns it
     * @throws IllegalArgumentException if the state's image size differs from the image
     */
    public static Mat warp(Mat image, CropState state, int outW, int outH) {
        if (image.cols() != state.imageWidth() || image.rows() != state.imageHeight()) {
            throw new IllegalArgumentException("image is " + image.cols() + "x" + image.rows() + " but the crop state "
                    + "was made for " + state.imageWidth() + "x" + state.imageHeight());
        }
        return warp(image, KeypointTransforms.cropMatrix(state, outW, outH), state.flipped(), outW, outH);
    }

    /**
     * @param image 8-bit image, not modified
     * @param matrix the 2x3 image-to-crop matrix (of the mirrored image when {@code flipFirst})
     * @param flipFirst mirror the image left-right before warping (the training flip)
     * @param outW crop width, pixels
     * @param outH crop height, pixels
     * @return the crop, {@code outH x outW}; the caller owns it
     */
    public static Mat warp(Mat image, double[][] matrix, boolean flipFirst, int outW, int outH) {
        Mat src = image;
        Mat flipped = null;
        if (flipFirst) {
            flipped = new Mat();
            opencv_core.flip(image, flipped, 1);
            src = flipped;
        }
        Mat out = new Mat();
        try (Mat m = new Mat(2, 3, CV_64FC1); DoubleIndexer idx = m.createIndexer();
             Size size = new Size(outW, outH); Scalar zero = new Scalar(0.0)) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    idx.put(r, c, matrix[r][c]);
                }
            }
            opencv_imgproc.warpAffine(src, out, m, size, INTER_LINEAR, BORDER_CONSTANT, zero);
        } finally {
            if (flipped != null) {
                flipped.close();
            }
        }
        return out;
    }

    /**
     * Normalises an 8-bit crop to the network input: RGB, {@code (v / 255 - mean) / std}, channels first.
     *
     * @param crop {@code H x W} 8-bit 3-channel image
     * @param bgr whether the crop is in BGR order (OpenCV's); the output is always RGB
     * @param out destination of length {@code 3 * H * W}, filled in CHW order ({@code [3, H, W]})
     * @throws IllegalArgumentException if the crop is not 8-bit 3-channel or the destination has the wrong length
     */
    public static void normalize(Mat crop, boolean bgr, float[] out) {
        int h = crop.rows();
        int w = crop.cols();
        if (crop.type() != CV_8UC3) {
            throw new IllegalArgumentException("expected an 8-bit 3-channel crop, got OpenCV type " + crop.type());
        }
        if (out.length != 3 * h * w) {
            throw new IllegalArgumentException("destination has " + out.length + " values, need 3x" + h + "x" + w);
        }
        Mat c = crop.isContinuous() ? crop : crop.clone();
        try {
            ByteBuffer buf = c.createBuffer();
            float[][] lut = new float[3][256];
            for (int ch = 0; ch < 3; ch++) {
                for (int v = 0; v < 256; v++) {
                    lut[ch][v] = (v / 255.0f - MEAN_RGB[ch]) / STD_RGB[ch];
                }
            }
            int plane = h * w;
            for (int p = 0; p < plane; p++) {
                int b0 = buf.get(3 * p) & 0xFF;
                int b1 = buf.get(3 * p + 1) & 0xFF;
                int b2 = buf.get(3 * p + 2) & 0xFF;
                int r = bgr ? b2 : b0;
                int b = bgr ? b0 : b2;
                out[p] = lut[0][r];
                out[plane + p] = lut[1][b1];
                out[2 * plane + p] = lut[2][b];
            }
        } finally {
            if (c != crop) {
                c.close();
            }
        }
    }
}
