package io.hrnet4j.data.transform;

import java.util.Random;

/**
 * DataVec {@code ImageTransform} of the random rotation ({@link KeypointTransforms#randomRotation}): with the given
 * probability the crop of a {@link PoseImageWritable} is rotated by {@code clip(randn * rf, -2 rf, 2 rf)} degrees
 * (applied by the later {@link TopDownAffineTransform}); pixels unchanged here.
 */
public class RandomRotationTransform extends StateTransform {
    private final double rotationFactor;
    private final double probability;

    /**
     * @param rotationFactor rf, degrees (45 COCO, 30 MPII)
     * @param probability probability of a rotation (0.6)
     */
    public RandomRotationTransform(double rotationFactor, double probability) {
        this(null, rotationFactor, probability);
    }

    /**
     * @param random default random source, may be null
     * @param rotationFactor rf, degrees
     * @param probability probability of a rotation
     */
    public RandomRotationTransform(Random random, double rotationFactor, double probability) {
        super(random);
        this.rotationFactor = rotationFactor;
        this.probability = probability;
    }

    @Override
    CropState apply(CropState state, Random random) {
        return KeypointTransforms.randomRotation(state, rotationFactor, probability, random);
    }
}
