package io.hrnet4j.zoo.train;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared fixture of the trainer tests: a micro HRNet (W4, 64x48 input, 17 joints), synthetic COCO samples
 * cropped to its input, and trainers on them that print nothing and draw no report figures.
 */
public final class TrainerFixture {
    /** The micro HRNet: W4, input 64x48, 17 joints. */
    public static final HRNetConfig CFG = Presets.small(4, 17, 64, 48);
    /** The COCO top-down recipe at 64x48 (heatmaps 16x12). */
    public static final TopDownRecipe DATA_RECIPE = TopDownRecipe.coco256x192().withInputSize(48, 64);

    private TrainerFixture() {
    }

    /**
     * @param cache folder of the generated images and annotations
     * @param train training images to generate
     * @param val validation images to generate
     * @return the synthetic COCO dataset (one thread, fixed seed)
     * @throws IOException if it cannot be written
     */
    public static SyntheticPoseDataset synthetic(Path cache, int train, int val) throws IOException {
        return SyntheticPoseDataset.builder().counts(train, val).threads(1).generate(cache);
    }

    /**
     * @param synth a synthetic dataset
     * @param n how many
     * @return its first {@code n} training samples (person boxes at the recipe's aspect ratio)
     * @throws IOException if the annotations cannot be read
     */
    public static List<PoseSample> trainSamples(SyntheticPoseDataset synth, int n) throws IOException {
        return CocoKeypoints.groundTruth(synth.train().annotationFile(), synth.train().imageDir(),
                DATA_RECIPE.aspectRatio()).samples().subList(0, n);
    }

    /**
     * @param train the training samples
     * @param r the recipe (batch size, data workers, seed)
     * @return the standard training data of the samples with the training pipeline at {@link #DATA_RECIPE}
     */
    public static TrainingData data(List<PoseSample> train, TrainingRecipe r) {
        return TrainingData.of(train, new TopDownSampleProcessor(DATA_RECIPE, true), r.batchSize(), r.workers(),
                r.seed());
    }

    /**
     * @param train the training samples
     * @param r the recipe
     * @param out the run folder
     * @param progress where the progress lines go
     * @return a trainer of {@link #CFG} on the samples, without report figures
     */
    public static PoseTrainer.Builder trainer(List<PoseSample> train, TrainingRecipe r, Path out,
                                              PrintStream progress) {
        return PoseTrainer.builder(CFG, data(train, r), out).recipe(r).progress(progress)
                .report(new TrainingReport.Options(false, 0, KeypointSchema.COCO));
    }

    /** @return a stream that swallows the progress lines */
    public static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** The trainer's side of the steps of a backend driven directly: epoch 0, every step's loss recorded. */
    public static final class RecordingSteps implements TrainingBackend.Steps {
        private final List<Double> losses = new ArrayList<>();

        /** @return the losses of the steps so far (live list; clear it to start over) */
        public List<Double> losses() {
            return losses;
        }

        @Override
        public int epoch() {
            return 0;
        }

        @Override
        public void beforeStep() {
        }

        @Override
        public void stepDone(int minibatches, double loss, double learningRate) {
            losses.add(loss);
        }
    }
}
