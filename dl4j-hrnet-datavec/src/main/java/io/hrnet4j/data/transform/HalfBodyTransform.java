package io.hrnet4j.data.transform;

import io.hrnet4j.data.keypoints.KeypointSchema;
import java.util.Random;

/**
 * DataVec {@code ImageTransform} of the half-body crop ({@link KeypointTransforms#halfBody}): changes the crop
 * center and scale of a {@link PoseImageWritable}; the pixels and {@link #query} coordinates are unchanged.
 */
public class HalfBodyTransform extends StateTransform {
    private final KeypointSchema schema;
    private final int minJoints;
    private final double probability;
    private final double aspectRatio;
    private final double scaleMultiplier;

    /**
     * @param recipe the half-body settings (probability, min joints, scale x1.5) and input aspect ratio
     */
    public HalfBodyTransform(TopDownRecipe recipe) {
        this(null, recipe.schema(), recipe.halfBodyMinJoints(), recipe.halfBodyProbability(), recipe.aspectRatio(),
                recipe.halfBodyScale());
    }

    /**
     * @param random default random source when none is passed to {@code transform}, may be null
     * @param schema upper/lower body joints
     * @param minJoints eligibility: more than this many visible joints (8)
     * @param probability probability of the crop (0.3)
     * @param aspectRatio input width / height
     * @param scaleMultiplier 1.5
     */
    public HalfBodyTransform(Random random, KeypointSchema schema, int minJoints, double probability,
                             double aspectRatio, double scaleMultiplier) {
        super(random);
        this.schema = schema;
        this.minJoints = minJoints;
        this.probability = probability;
        this.aspectRatio = aspectRatio;
        this.scaleMultiplier = scaleMultiplier;
    }

    @Override
    CropState apply(CropState state, Random random) {
        return KeypointTransforms.halfBody(state, schema, minJoints, probability, aspectRatio, scaleMultiplier, random);
    }
}
