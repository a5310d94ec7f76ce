package io.hrnet4j.zoo.train;

import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.PoseRecordMetaData;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.eval.CocoGroundTruth;
import io.hrnet4j.eval.CocoKeypointEval;
import io.hrnet4j.eval.CocoStats;
import io.hrnet4j.eval.KeypointResult;
import io.hrnet4j.eval.MpiiGroundTruth;
import io.hrnet4j.eval.MpiiPckh;
import io.hrnet4j.eval.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.inference.FlipTest;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Validation by the official top-down evaluation, built from the existing pieces: batched
 * {@link PoseNetwork#output} over a {@link PoseDataSetIterator} without augmentation, the flip test
 * ({@link FlipTest#combine}, heatmaps shifted one cell right, as {@code TEST.SHIFT_HEATMAP}), decoding with each
 * crop's center/scale ({@link HeatmapDecoder#getFinalPreds}, quarter-pixel offset), then
 * <ul>
 *   <li>COCO: rescoring and OKS-NMS ({@link OksNms#rescoreAndSuppress}, threshold 0.2 / 0.9) and
 *       {@link CocoKeypointEval} (= pycocotools); metric {@code AP} in [0, 1];</li>
 *   <li>MPII: {@link MpiiPckh} against the annotation file's records (prediction {@code i} is record
 *       {@code annotationId}); metric {@code PCKh} = PCKh@0.5 mean in percent.</li>
 * </ul>
 * Source: the official {@code lib/core/function.py validate} and {@code lib/dataset/coco.py evaluate},
 * {@code lib/dataset/mpii.py evaluate}.
 */
public final class TopDownValidator implements PoseValidator {
    private final List<PoseSample> samples;
    private final TopDownRecipe recipe;
    private final CocoGroundTruth cocoGt;
    private final MpiiGroundTruth mpiiGt;
    private final int batchSize;
    private final int workers;
    private final boolean flipTest;
    private HeatmapDecoder.Refinement refinement = HeatmapDecoder.Refinement.QUARTER_OFFSET;

    private TopDownValidator(List<PoseSample> samples, TopDownRecipe recipe, CocoGroundTruth cocoGt,
                             MpiiGroundTruth mpiiGt, int batchSize, int workers, boolean flipTest) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no validation samples");
        }
        this.samples = List.copyOf(samples);
        this.recipe = recipe.withoutAugmentation();
        this.cocoGt = cocoGt;
        this.mpiiGt = mpiiGt;
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
        return new TopDownValidator(samples, recipe, Objects.requireNonNull(gt, "gt"), null, batchSize, workers,
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
        return new TopDownValidator(samples, recipe, null, Objects.requireNonNull(gt, "gt"), batchSize, workers,
                flipTest);
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
     * @param net the network; its input size must be the recipe's
     * @param epoch epochs done (for the caller's log)
     * @return AP (COCO) or PCKh (MPII) with all statistics and the decoded predictions
     * @throws IllegalArgumentException if the network's input size differs from the recipe's
     */
    @Override
    public ValidationResult validate(PoseNetwork net, int epoch) {
        if (net.config().inputHeight() != recipe.inputHeight() || net.config().inputWidth() != recipe.inputWidth()) {
            throw new IllegalArgumentException("network input " + net.config().inputHeight() + "x"
                    + net.config().inputWidth() + " differs from the validation recipe's " + recipe.inputHeight() + "x"
                    + recipe.inputWidth() + " (HxW)");
        }
        int[][] pairs = recipe.schema().flipPairs();
        List<OksNms.PosePrediction> preds = new ArrayList<>();
        List<PoseRecordMetaData> metas = new ArrayList<>();
        List<double[][]> keypoints = new ArrayList<>();
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(samples, new TopDownSampleProcessor(recipe, false))
                .batchSize(batchSize).workers(workers).shuffle(false).build()) {
            while (it.hasNext()) {
                DataSet ds = it.next();
                INDArray x = ds.getFeatures();
                INDArray hm = net.output(x);
                if (flipTest) {
                    INDArray flipped = net.output(FlipTest.flipBack(x, new int[0][]));
                    hm = FlipTest.combine(hm, flipped, pairs, true);
                }
                int n = (int) x.size(0);
                double[][] c = new double[n][];
                double[][] s = new double[n][];
                List<PoseRecordMetaData> batchMeta = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    PoseRecordMetaData m = (PoseRecordMetaData) ds.getExampleMetaData().get(i);
                    batchMeta.add(m);
                    c[i] = new double[] {m.centerX(), m.centerY()};
                    s[i] = new double[] {m.scaleW(), m.scaleH()};
                }
                HeatmapDecoder.Predictions p = HeatmapDecoder.getFinalPreds(hm, c, s, refinement,
                        HeatmapDecoder.DEFAULT_DARK_KERNEL);
                float[] coords = p.coords().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).data().asFloat();
                float[] maxv = p.maxvals().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).data().asFloat();
                int k = (int) hm.size(1);
                for (int i = 0; i < n; i++) {
                    PoseRecordMetaData m = batchMeta.get(i);
                    double[] flat = new double[3 * k];
                    double[][] kp = new double[k][3];
                    for (int j = 0; j < k; j++) {
                        kp[j][0] = flat[3 * j] = coords[(i * k + j) * 2];
                        kp[j][1] = flat[3 * j + 1] = coords[(i * k + j) * 2 + 1];
                        kp[j][2] = flat[3 * j + 2] = maxv[i * k + j];
                    }
                    preds.add(new OksNms.PosePrediction(m.imageId(), flat, m.centerX(), m.centerY(), m.scaleW(),
                            m.scaleH(), m.score()));
                    metas.add(m);
                    keypoints.add(kp);
                }
            }
        }
        return cocoGt != null ? evaluateCoco(preds, metas) : evaluateMpii(metas, keypoints);
    }

    private ValidationResult evaluateCoco(List<OksNms.PosePrediction> preds, List<PoseRecordMetaData> metas) {
        List<KeypointResult> results = OksNms.rescoreAndSuppress(preds, CocoKeypointEval.COCO_SIGMAS,
                OksNms.DEFAULT_IN_VIS_THRESHOLD, OksNms.DEFAULT_OKS_THRESHOLD);
        CocoStats stats = new CocoKeypointEval(cocoGt, results, CocoKeypointEval.COCO_SIGMAS,
                CocoKeypointEval.DEFAULT_MAX_DETS, "validation").evaluate();
        Map<Long, String> paths = new HashMap<>();
        for (PoseRecordMetaData m : metas) {
            paths.putIfAbsent(m.imageId(), m.imagePath());
        }
        List<ValidationResult.Prediction> out = new ArrayList<>(results.size());
        for (KeypointResult r : results) {
            double[] f = r.keypoints();
            double[][] kp = new double[f.length / 3][];
            for (int j = 0; j < kp.length; j++) {
                kp[j] = new double[] {f[3 * j], f[3 * j + 1], f[3 * j + 2]};
            }
            out.add(new ValidationResult.Prediction(paths.get(r.imageId()), r.imageId(), kp, r.score()));
        }
        return new ValidationResult("AP", stats.ap(), stats.toMap(), out);
    }

    private ValidationResult evaluateMpii(List<PoseRecordMetaData> metas, List<double[][]> keypoints) {
        int records = mpiiGt.size();
        int k = keypoints.get(0).length;
        double[][][] preds = new double[records][k][2];
        List<ValidationResult.Prediction> out = new ArrayList<>(metas.size());
        for (int i = 0; i < metas.size(); i++) {
            PoseRecordMetaData m = metas.get(i);
            long rec = m.annotationId();
            if (rec < 0 || rec >= records) {
                throw new IllegalArgumentException("MPII sample " + m.imagePath() + " has record index " + rec
                        + " outside the ground truth's " + records + " records");
            }
            double[][] kp = keypoints.get(i);
            double score = 0;
            for (int j = 0; j < k; j++) {
                preds[(int) rec][j][0] = kp[j][0];
                preds[(int) rec][j][1] = kp[j][1];
                score += kp[j][2] / k;
            }
            out.add(new ValidationResult.Prediction(m.imagePath(), m.imageId(), kp, score));
        }
        MpiiPckh.PckhResult r = MpiiPckh.evaluate(mpiiGt, preds, "validation");
        Map<String, Double> stats = new LinkedHashMap<>(r.nameValue());
        return new ValidationResult("PCKh", r.mean(), stats, out);
    }
}
