package io.hrnet4j.data.transform;

import java.util.Objects;
import org.bytedeco.javacv.Frame;
import org.datavec.image.data.ImageWritable;

/**
 * An {@link ImageWritable} that carries the keypoints and crop parameters of a pose sample through a chain of the
 * pose {@code ImageTransform}s of this package ({@link HalfBodyTransform}, {@link RandomScaleTransform},
 * {@link RandomRotationTransform}, {@link KeypointFlipTransform}, {@link TopDownAffineTransform}).
 *
 * <p>Before the affine transform the frame is the source image ({@code mirrored} tells whether its pixels were
 * already mirrored by {@link KeypointFlipTransform}) and the state's joints are in its pixels; after it the frame is
 * the {@code W x H} crop and {@link #jointsInCrop()} holds the joints in crop pixels.
 */
public class PoseImageWritable extends ImageWritable {
    private final CropState state;
    private final boolean mirrored;
    private final double[][] jointsInCrop;

    /**
     * @param frame the image
     * @param state the sample's state
     * @param mirrored whether the frame's pixels are already mirrored left-right (so the warp must not mirror again)
     * @param jointsInCrop {@code [K][3]} joints in crop pixels once warped, else null
     */
    public PoseImageWritable(Frame frame, CropState state, boolean mirrored, double[][] jointsInCrop) {
        super(frame);
        this.state = Objects.requireNonNull(state, "state");
        this.mirrored = mirrored;
        this.jointsInCrop = jointsInCrop == null ? null : CropState.copy(jointsInCrop);
    }

    /** @return the sample's state (joints in image pixels, center, scale, rotation, flip) */
    public CropState state() {
        return state;
    }

    /** @return whether the frame pixels are mirrored left-right */
    public boolean mirrored() {
        return mirrored;
    }

    /** @return {@code [K][3]} joints in crop pixels after {@link TopDownAffineTransform}, else null */
    public double[][] jointsInCrop() {
        return jointsInCrop == null ? null : CropState.copy(jointsInCrop);
    }

    /**
     * @param image any image writable handed to a pose transform
     * @param transform the transform's name, for the message
     * @return it as a pose writable
     * @throws IllegalArgumentException if it is not one
     */
    static PoseImageWritable require(ImageWritable image, String transform) {
        if (!(image instanceof PoseImageWritable p)) {
            throw new IllegalArgumentException(transform + " needs a PoseImageWritable (an image with its keypoints and"
                    + " crop state), got " + (image == null ? "null" : image.getClass().getName()));
        }
        return p;
    }
}
