package io.hrnet4j.data.transform;

import java.util.Random;

/**
 * DataVec {@code ImageTransform} of the random scale ({@link KeypointTransforms#randomScale}): the crop scale of a
 * {@link PoseImageWritable} is multiplied by {@code clip(randn * sf + 1, 1 - sf, 1 + sf)}; pixels unchanged.
 */
public class RandomScaleTransform extends StateTransform {
    private final double scaleFactor;

    /** @param scaleFactor sf (0.35 COCO, 0.25 MPII) */
    public RandomScaleTransform(double scaleFactor) {
        this(null, scaleFactor);
    }

    /**
     * @param random default random source, may be null
     * @param scaleFactor sf
     */
    public RandomScaleTransform(Random random, double scaleFactor) {
        super(random);
        this.scaleFactor = scaleFactor;
    }

    @Override
    CropState apply(CropState state, Random random) {
        return KeypointTransforms.randomScale(state, scaleFactor, random);
    }
}
