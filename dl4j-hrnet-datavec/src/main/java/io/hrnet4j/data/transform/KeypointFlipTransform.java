package io.hrnet4j.data.transform;

import io.hrnet4j.data.keypoints.KeypointSchema;
import java.util.Random;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;

/**
 * DataVec {@code ImageTransform} of the random horizontal flip ({@link KeypointTransforms#randomFlip}): with the
 * given probability mirrors the image of a {@link PoseImageWritable} left-right (OpenCV {@code flip(..., 1)}), its
 * joints ({@code x -> W - x - 1}, flip pairs swapped) and its crop center. {@link #query} maps coordinates of the last
 * image the same way ({@code x -> W - x - 1}), or leaves them when it was not flipped.
 */
public class KeypointFlipTransform extends BaseImageTransform<Mat> {
    private final KeypointSchema schema;
    private final double probability;
    private int lastWidth = -1;
    private boolean lastFlipped;

    /**
     * @param schema flip pairs
     * @param probability probability of the flip (0.5)
     */
    public KeypointFlipTransform(KeypointSchema schema, double probability) {
        this(null, schema, probability);
    }

    /**
     * @param random default random source, may be null
     * @param schema flip pairs
     * @param probability probability of the flip
     */
    public KeypointFlipTransform(Random random, KeypointSchema schema, double probability) {
        super(random);
        this.schema = schema;
        this.probability = probability;
        this.converter = new OpenCVFrameConverter.ToMat();
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        if (image == null) {
            return null;
        }
        PoseImageWritable p = PoseImageWritable.require(image, "KeypointFlipTransform");
        Random r = random != null ? random : this.random != null ? this.random : new Random();
        CropState s = KeypointTransforms.randomFlip(p.state(), schema, probability, r);
        lastWidth = p.getWidth();
        lastFlipped = s != p.state();
        if (!lastFlipped) {
            return p;
        }
        Mat src = converter.convert(p.getFrame());
        Mat dst = new Mat();
        opencv_core.flip(src, dst, 1);
        return new PoseImageWritable(converter.convert(dst), s, !p.mirrored(), null);
    }

    /**
     * @param coordinates x1, y1, x2, y2, ... in pixels of the last input image
     * @return the coordinates in the output image ({@code x -> W - x - 1} when it was flipped)
     */
    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        if (lastFlipped) {
            for (int i = 0; i + 1 < out.length; i += 2) {
                out[i] = lastWidth - out[i] - 1;
            }
        }
        return out;
    }
}
