package io.hrnet4j.data.iterator;

import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.target.GaussianTargets;
import io.hrnet4j.data.transform.CropState;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.data.transform.KeypointTransforms;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.data.transform.TopDownWarp;
import java.io.IOException;
import java.util.Objects;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The per-sample pipeline of the official {@code JointsDataset.__getitem__}: decode (OpenCV, BGR), augment
 * (half-body, scale, rotation, flip; training only), affine warp to {@code W x H} (bilinear, 0 border), RGB
 * normalisation, joints to crop pixels, Gaussian targets and weights. Thread-safe: it holds no mutable state, and
 * every OpenCV buffer is released when the call returns.
 *
 * <p>Reproducibility: {@link #process(PoseSample, int, long, long)} seeds a fresh {@link Random} from (seed, epoch,
 * sample index) with {@link #sampleSeed}, so a sample's crop does not depend on which thread makes it or in which
 * order.
 */
public final class TopDownSampleProcessor {
    private final TopDownRecipe recipe;
    private final boolean train;

    /**
     * @param recipe sizes and augmentation settings
     * @param train apply the random augmentations (false: the plain center/scale crop, as for evaluation)
     */
    public TopDownSampleProcessor(TopDownRecipe recipe, boolean train) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.train = train;
    }

    /** @return the recipe */
    public TopDownRecipe recipe() {
        return recipe;
    }

    /** @return whether the random augmentations are applied */
    public boolean train() {
        return train;
    }

    /**
     * @param seed the run's seed
     * @param epoch the epoch
     * @param index the sample's index in its dataset list
     * @return the seed of that sample's generator (a SplitMix64 mix of the three)
     */
    public static long sampleSeed(long seed, long epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param sample the sample
     * @param index its index in its dataset list
     * @param seed the run's seed
     * @param epoch the epoch
     * @return the processed sample
     * @throws IOException if the image is missing, truncated or unreadable ({@link io.hrnet4j.data.io.DataFormatException}
     *         naming the image file, the record and the field)
     */
    public ProcessedSample process(PoseSample sample, int index, long seed, long epoch) throws IOException {
        return process(sample, index, new Random(sampleSeed(seed, epoch, index)));
    }

    /**
     * @param sample the sample
     * @param index its index in its dataset list (recorded in the metadata)
     * @param rng the random source of the augmentations (unused when not training)
     * @return the processed sample
     * @throws IOException if the image cannot be read (see {@link ImageDecoder#decodeBgr})
     */
    public ProcessedSample process(PoseSample sample, int index, Random rng) throws IOException {
        int w = recipe.inputWidth();
        int h = recipe.inputHeight();
        int k = sample.numJoints();
        if (k != recipe.schema().numJoints()) {
            throw new IllegalArgumentException("sample has " + k + " joints but the recipe is for "
                    + recipe.schema());
        }
        float[] input = new float[3 * h * w];
        CropState state;
        try (PointerScope scope = new PointerScope()) {
            Mat image = ImageDecoder.decodeBgr(sample.imagePath(), "image id=" + sample.imageId() + " annotation id="
                    + sample.annotationId());
            state = CropState.of(sample, image.cols(), image.rows());
            if (train) {
                state = KeypointTransforms.augment(state, recipe, rng);
            }
            Mat crop = TopDownWarp.warp(image, state, w, h);
            TopDownWarp.normalize(crop, true, input);
        }
        double[][] joints = KeypointTransforms.jointsInCrop(state, w, h);
        GaussianTargets.Targets t = GaussianTargets.generate(joints, w, h, recipe.heatmapWidth(),
                recipe.heatmapHeight(), recipe.sigma());
        PoseRecordMetaData meta = new PoseRecordMetaData(index, sample.imagePath().toString(), sample.imageId(),
                sample.annotationId(), state.box().cx(), state.box().cy(), state.box().sw(), state.box().sh(),
                state.rotationDeg(), state.flipped(), sample.score(), sample.area(), state.imageWidth(),
                state.imageHeight(), t.weights());
        return new ProcessedSample(input, t.heatmaps(), t.weights(), joints, meta);
    }
}
