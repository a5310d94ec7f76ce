package io.hrnet4j.data.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;
import org.datavec.image.transform.ImageTransform;

/**
 * Builds the DataVec transform chain of the official training recipe: half-body, random scale, random rotation,
 * flip, then the affine crop (official {@code lib/dataset/JointsDataset.py} {@code __getitem__}). Feed it a {@link PoseImageWritable}; the result is a
 * {@link PoseImageWritable} holding the {@code W x H} crop and the joints in crop pixels.
 */
public final class TopDownTransforms {
    private TopDownTransforms() {
    }

    /**
     * @param recipe sizes, probabilities and factors
     * @param train true for the random augmentations then the crop; false for the crop alone (evaluation)
     * @return the individual transforms in application order
     */
    public static List<ImageTransform> transforms(TopDownRecipe recipe, boolean train) {
        List<ImageTransform> list = new ArrayList<>();
        if (train) {
            list.add(new HalfBodyTransform(recipe));
            list.add(new RandomScaleTransform(recipe.scaleFactor()));
            list.add(new RandomRotationTransform(recipe.rotationFactor(), recipe.rotationProbability()));
            list.add(new KeypointFlipTransform(recipe.schema(), recipe.flipProbability()));
        }
        list.add(new TopDownAffineTransform(recipe.inputWidth(), recipe.inputHeight()));
        return list;
    }

    /**
     * @param recipe sizes, probabilities and factors
     * @param train with or without the random augmentations
     * @param random the random source every transform draws from (seed it for reproducible crops), may be null
     *        (then each call must pass one to {@code transform(image, random)})
     * @return one transform that runs {@link #transforms} in order; its {@code query} chains theirs
     */
    public static ImageTransform pipeline(TopDownRecipe recipe, boolean train, Random random) {
        return new Chain(transforms(recipe, train), random);
    }

    /**
     * A sequential chain. DataVec's {@code PipelineImageTransform} would do, but its constructor reseeds ND4J's global
     * random generator ({@code Nd4j.getRandom().setSeed}), which would disturb training.
     */
    private static final class Chain extends BaseImageTransform<Mat> {
        private final List<ImageTransform> steps;

        Chain(List<ImageTransform> steps, Random random) {
            super(random);
            this.steps = List.copyOf(steps);
        }

        @Override
        protected ImageWritable doTransform(ImageWritable image, Random random) {
            ImageWritable out = image;
            for (ImageTransform t : steps) {
                out = random != null ? t.transform(out, random) : t.transform(out);
            }
            return out;
        }

        @Override
        public float[] query(float... coordinates) {
            float[] c = coordinates;
            for (ImageTransform t : steps) {
                c = t.query(c);
            }
            return c;
        }
    }
}
