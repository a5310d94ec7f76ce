package io.hrnet4j.zoo.train;

import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.eval.CocoScorer;
import io.hrnet4j.zoo.eval.MpiiScorer;
import io.hrnet4j.zoo.eval.PoseScorer;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.util.List;
import java.util.Objects;

/**
 * Validation during training by the evaluation path of {@code hrnet eval} (the official {@code lib/core/function.py
 * validate}): {@link TopDownPredictor#predictSamples} on the validation boxes (flip test with the one-cell heatmap
 * shift as {@code TEST.SHIFT_HEATMAP}, quarter-pixel offset or DARK), then the dataset's {@link PoseScorer}:
 * <ul>
 *   <li>COCO: {@link CocoScorer} (rescoring and OKS-NMS at 0.2 / 0.9, pycocotools' COCOeval); metric {@code AP} in
 *       [0, 1];</li>
 *   <li>MPII: {@link MpiiScorer} against the ground truth's records (prediction of a sample at its annotation id);
 *       metric {@code PCKh} = PCKh@0.5 mean in percent.</li>
 * </ul>
 */
public final class TopDownValidator implements PoseValidator {
    private final List<PoseSample> samples;
    private final TopDownRecipe recipe;
    private final PoseScorer scorer;
    private final int batchSize;
    private final int workers;
    private final boolean flipTest;
    private HeatmapDecoder.Refinement refinement = HeatmapDecoder.Refinement.QUARTER_OFFSET;

    private TopDownValidator(List<PoseSample> samples, TopDownRecipe recipe, PoseScorer scorer, int batchSize,
                             int workers, boolean flipTest) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no validation samples");
        }
        this.samples = List.copyOf(samples);
        this.recipe = recipe.withoutAugmentation();
        this.scorer = scorer;
        this.batchSize = batchSize;
        this.workers = workers;
        this.flipTest = flipTest;
    }

    /**
     * @param samples the person boxes to evaluate (ground-truth boxes, or detections with their scores)
     * @param recipe the input geometry (augmentation is switched off)
     * @param gt the COCO ground truth
     * @param batchSize crops per forward pass
     * @param workers data threads
     * @param flipTest average with the mirrored input
     * @return a COCO OKS AP validator
     */
    public static TopDownValidator coco(List<PoseSample> samples, TopDownRecipe recipe, CocoGroundTruth gt,
                                        int batchSize, int workers, boolean flipTest) {
        return new TopDownValidator(samples, recipe, new CocoScorer(Objects.requireNonNull(gt, "gt"),
                recipe.schema(), OksNms.DEFAULT_IN_VIS_THRESHOLD, OksNms.DEFAULT_OKS_THRESHOLD), batchSize, workers,
                flipTest);
    }

    /**
     * @param samples the MPII records (from {@code MpiiAnnotations.load}; annotation id = record index)
     * @param recipe the input geometry (augmentation is switched off)
     * @param gt the MPII ground truth of the same file
     * @param batchSize crops per forward pass
     * @param workers data threads
     * @param flipTest average with the mirrored input
     * @return an MPII PCKh validator
     */
    public static TopDownValidator mpii(List<PoseSample> samples, TopDownRecipe recipe, MpiiGroundTruth gt,
                                        int batchSize, int workers, boolean flipTest) {
        return new TopDownValidator(samples, recipe, new MpiiScorer(Objects.requireNonNull(gt, "gt"),
                recipe.schema(), false), batchSize, workers, flipTest);
    }

    /**
     * @param r the sub-cell refinement of the decoding: the official quarter-pixel offset (default) or DARK
     * @return this
     */
    public TopDownValidator refinement(HeatmapDecoder.Refinement r) {
        this.refinement = Objects.requireNonNull(r, "refinement");
        return this;
    }

    /**
     * The whole evaluation result (statistics, per-joint breakdown, predictions, timings).
     *
     * @param net the network; its input size must be the recipe's
     * @return the evaluation path's result, as {@code hrnet eval} gives it
     * @throws IllegalArgumentException if the network's input size or joint count differs from the recipe's
     * @throws io.hrnet4j.zoo.inference.NonFiniteOutputException if the network output decodes to NaN or infinity
     * @throws java.io.UncheckedIOException if an image cannot be read (naming it)
     */
    public TopDownEvalResult evaluate(PoseNetwork net) {
        long t0 = System.nanoTime();
        TopDownPredictor predictor = new TopDownPredictor(net, recipe.schema(),
                new TopDownPredictor.Options(flipTest, true, refinement, HeatmapDecoder.DEFAULT_DARK_KERNEL));
        double[][] keypoints = predictor.predictSamples(samples, recipe, batchSize, workers, null);
        long t1 = System.nanoTime();
        TopDownEvalResult r = scorer.score(samples, keypoints);
        long t2 = System.nanoTime();
        return r.withTimings(new TopDownEvalResult.Timings(0, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9));
    }

    /**
     * @param net the network; its input size must be the recipe's
     * @param epoch epochs done (for the caller's log)
     * @return {@link #evaluate}: metric AP (COCO) or PCKh (MPII), all statistics and the decoded predictions
     * @throws IllegalArgumentException if the network's input size or joint count differs from the recipe's
     * @throws io.hrnet4j.zoo.inference.NonFiniteOutputException if the network output decodes to NaN or infinity
     */
    @Override
    public TopDownEvalResult validate(PoseNetwork net, int epoch) {
        return evaluate(net);
    }
}
