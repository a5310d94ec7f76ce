package io.hrnet4j.data.transform;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;

/**
 * Base of the pose transforms that change only the crop parameters (center, scale, rotation), not the pixels: the
 * image passes through unchanged and {@link #query} is the identity.
 */
abstract class StateTransform extends BaseImageTransform<Mat> {

    StateTransform(Random random) {
        super(random);
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        if (image == null) {
            return null;
        }
        PoseImageWritable p = PoseImageWritable.require(image, getClass().getSimpleName());
        Random r = random != null ? random : this.random != null ? this.random : new Random();
        return new PoseImageWritable(p.getFrame(), apply(p.state(), r), p.mirrored(), p.jointsInCrop());
    }

    /**
     * @param state the state
     * @param random the random source
     * @return the new state
     */
    abstract CropState apply(CropState state, Random random);

    /** @return the coordinates unchanged: these transforms do not move pixels */
    @Override
    public float[] query(float... coordinates) {
        return coordinates.clone();
    }
}
