package io.hrnet4j.zoo.eval;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.MpiiPckh;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The MPII half of the official test ({@code lib/dataset/mpii.py MPIIDataset.evaluate}): PCKh against the ground
 * truth's head boxes ({@link MpiiPckh}). Prediction {@code i} is placed at the ground-truth record of its sample's
 * annotation id (the record index MPII samples carry); records without a prediction stay at (0, 0) and count as
 * misses. The metric is {@code PCKh} = PCKh@0.5 mean in percent.
 */
public final class MpiiScorer implements PoseScorer {
    private final MpiiGroundTruth gt;
    private final KeypointSchema schema;
    private final boolean headBoxesApproximated;

    /**
     * @param gt the ground truth with head boxes (official {@code gt_valid.mat} or its JSON)
     * @param schema the joints (names, 16)
     * @param headBoxesApproximated true when the head boxes were derived from the joints (flags the result and its
     *     summary: not the official PCKh)
     */
    public MpiiScorer(MpiiGroundTruth gt, KeypointSchema schema, boolean headBoxesApproximated) {
        this.gt = Objects.requireNonNull(gt, "gt");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.headBoxesApproximated = headBoxesApproximated;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a sample's annotation id is not a record of the ground truth
     */
    @Override
    public TopDownEvalResult score(List<PoseSample> samples, double[][] keypoints) {
        PoseScorer.checkLengths(samples, keypoints);
        int records = gt.size();
        int k = schema.numJoints();
        double[][][] preds = new double[records][k][2];
        List<TopDownEvalResult.Prediction> out = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            PoseSample s = samples.get(i);
            long rec = s.annotationId();
            if (rec < 0 || rec >= records) {
                throw new IllegalArgumentException(s.imagePath() + ": annotation id " + rec
                        + " is not a record of the ground truth (" + records + " records)");
            }
            double[][] kp = PoseScorer.perJoint(keypoints[i]);
            double score = 0;
            for (int j = 0; j < k; j++) {
                preds[(int) rec][j] = kp[j];
                score += kp[j][2] / k;
            }
            out.add(new TopDownEvalResult.Prediction(s.imagePath().toString(), s.imageId(), kp, score,
                    new double[] {s.box().cx(), s.box().cy()}, new double[] {s.box().sw(), s.box().sh()}));
        }
        MpiiPckh.PckhResult pckh = MpiiPckh.evaluate(gt, preds, "predictions");
        List<TopDownEvalResult.JointAccuracy> perJoint = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            double acc = pckh.perJoint()[j] / 100.0;
            perJoint.add(new TopDownEvalResult.JointAccuracy(schema.jointNames().get(j), pckh.counts()[j], acc, acc));
        }
        return new TopDownEvalResult(EvalDataset.Kind.MPII, samples.size(), PoseScorer.numImages(samples),
                pckh.nameValue(), null, pckh, perJoint, headBoxesApproximated,
                summary(pckh, headBoxesApproximated), out, null, null);
    }

    private static String summary(MpiiPckh.PckhResult pckh, boolean approx) {
        StringBuilder sb = new StringBuilder();
        Map<String, Double> nv = pckh.nameValue();
        sb.append(String.join(" | ", nv.keySet())).append('\n');
        List<String> v = new ArrayList<>();
        for (double d : nv.values()) {
            v.add(String.format(Locale.ROOT, "%.3f", d));
        }
        sb.append(String.join(" | ", v)).append('\n');
        if (approx) {
            sb.append("(head boxes approximated from the head-top/upper-neck joints: not the official PCKh)\n");
        }
        return sb.toString();
    }
}
