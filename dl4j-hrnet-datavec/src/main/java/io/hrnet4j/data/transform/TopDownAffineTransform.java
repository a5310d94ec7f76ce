package io.hrnet4j.data.transform;

import io.hrnet4j.data.geometry.AffineTransforms;
import java.util.Random;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;

/**
 * DataVec {@code ImageTransform} of the top-down affine crop: warps the image of a {@link PoseImageWritable} to the
 * {@code W x H} input with {@code get_affine_transform(center, scale, rotation, (W, H))}, bilinear
 * ({@code INTER_LINEAR}) with a constant-0 border ({@link TopDownWarp}), and moves its visible joints into crop pixels
 * ({@link KeypointTransforms#jointsInCrop}). Deterministic: the random source is not used. {@link #query} maps
 * coordinates of the last input image into crop pixels.
 */
public class TopDownAffineTransform extends BaseImageTransform<Mat> {
    private final int width;
    private final int height;
    private double[][] lastMatrix;
    private boolean lastPreFlip;
    private int lastWidth;

    /**
     * @param width crop width W, pixels (e.g. 192)
     * @param height crop height H, pixels (e.g. 256)
     */
    public TopDownAffineTransform(int width, int height) {
        super(null);
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.converter = new OpenCVFrameConverter.ToMat();
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        if (image == null) {
            return null;
        }
        PoseImageWritable p = PoseImageWritable.require(image, "TopDownAffineTransform");
        CropState s = p.state();
        Mat src = converter.convert(p.getFrame());
        lastPreFlip = s.flipped() && !p.mirrored();
        lastWidth = src.cols();
        lastMatrix = KeypointTransforms.cropMatrix(s, width, height);
        Mat crop = TopDownWarp.warp(src, lastMatrix, lastPreFlip, width, height);
        return new PoseImageWritable(converter.convert(crop), s, false, KeypointTransforms.jointsInCrop(s, width,
                height));
    }

    /**
     * @param coordinates x1, y1, x2, y2, ... in pixels of the last input image
     * @return the coordinates in crop pixels
     * @throws IllegalStateException if no image was transformed yet
     */
    @Override
    public float[] query(float... coordinates) {
        if (lastMatrix == null) {
            throw new IllegalStateException("query before any transform");
        }
        float[] out = new float[coordinates.length];
        for (int i = 0; i + 1 < coordinates.length; i += 2) {
            double x = lastPreFlip ? lastWidth - coordinates[i] - 1 : coordinates[i];
            double[] t = AffineTransforms.apply(lastMatrix, x, coordinates[i + 1]);
            out[i] = (float) t[0];
            out[i + 1] = (float) t[1];
        }
        return out;
    }
}
