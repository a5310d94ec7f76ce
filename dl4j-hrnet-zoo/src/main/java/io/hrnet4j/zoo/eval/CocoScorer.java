package io.hrnet4j.zoo.eval;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.CocoKeypointEval;
import io.hrnet4j.metrics.CocoStats;
import io.hrnet4j.metrics.KeypointResult;
import io.hrnet4j.metrics.OksNms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The COCO half of the official test ({@code lib/dataset/coco.py COCODataset.evaluate}): every prediction rescored
 * (box score x mean keypoint score above {@code TEST.IN_VIS_THRE}), OKS-NMS per image at {@code TEST.OKS_THRE}
 * ({@link OksNms#rescoreAndSuppress}), then the 10 statistics of pycocotools' COCOeval ({@link CocoKeypointEval}) and
 * its per-joint breakdown ({@link CocoKeypointEval#perJointOks}). The metric is {@code AP} in [0, 1].
 */
public final class CocoScorer implements PoseScorer {
    private final CocoGroundTruth gt;
    private final KeypointSchema schema;
    private final double inVisThreshold;
    private final double oksThreshold;

    /**
     * @param gt the ground truth (the annotation file)
     * @param schema the joints (names, K = its sigmas' count, 17)
     * @param inVisThreshold keypoint score threshold of the rescoring ({@code TEST.IN_VIS_THRE}, 0.2)
     * @param oksThreshold OKS-NMS threshold ({@code TEST.OKS_THRE}, 0.9)
     * @throws IllegalArgumentException if a threshold is not finite or the schema has not 17 joints
     */
    public CocoScorer(CocoGroundTruth gt, KeypointSchema schema, double inVisThreshold, double oksThreshold) {
        this.gt = Objects.requireNonNull(gt, "gt");
        this.schema = Objects.requireNonNull(schema, "schema");
        if (!Double.isFinite(inVisThreshold) || !Double.isFinite(oksThreshold)) {
            throw new IllegalArgumentException("thresholds must be finite");
        }
        if (schema.numJoints() != CocoKeypointEval.COCO_SIGMAS.length) {
            throw new IllegalArgumentException("COCO OKS needs " + CocoKeypointEval.COCO_SIGMAS.length
                    + " joints, the schema " + schema.name() + " has " + schema.numJoints());
        }
        this.inVisThreshold = inVisThreshold;
        this.oksThreshold = oksThreshold;
    }

    /**
     * @param gt the ground truth
     * @return a scorer with the official thresholds (0.2, 0.9)
     */
    public static CocoScorer official(CocoGroundTruth gt) {
        return new CocoScorer(gt, KeypointSchema.COCO, OksNms.DEFAULT_IN_VIS_THRESHOLD, OksNms.DEFAULT_OKS_THRESHOLD);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a prediction names an image absent from the ground truth
     */
    @Override
    public TopDownEvalResult score(List<PoseSample> samples, double[][] keypoints) {
        PoseScorer.checkLengths(samples, keypoints);
        List<OksNms.PosePrediction> preds = new ArrayList<>(samples.size());
        Map<Long, String> paths = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            PoseSample s = samples.get(i);
            preds.add(new OksNms.PosePrediction(s.imageId(), keypoints[i], s.box().cx(), s.box().cy(),
                    s.box().sw(), s.box().sh(), s.score()));
            paths.putIfAbsent(s.imageId(), s.imagePath().toString());
        }
        double[] sigmas = CocoKeypointEval.COCO_SIGMAS;
        List<KeypointResult> results = OksNms.rescoreAndSuppress(preds, sigmas, inVisThreshold, oksThreshold);
        CocoKeypointEval eval = new CocoKeypointEval(gt, results, sigmas, CocoKeypointEval.DEFAULT_MAX_DETS,
                "predictions");
        CocoStats stats = eval.evaluate();
        List<TopDownEvalResult.JointAccuracy> perJoint = new ArrayList<>(schema.numJoints());
        List<CocoKeypointEval.JointOks> oks = eval.perJointOks(1);
        for (int j = 0; j < schema.numJoints(); j++) {
            CocoKeypointEval.JointOks o = oks.get(j);
            perJoint.add(new TopDownEvalResult.JointAccuracy(schema.jointNames().get(j), o.labelled(), o.meanOks(),
                    o.accuracy()));
        }
        List<TopDownEvalResult.Prediction> out = new ArrayList<>(results.size());
        for (KeypointResult r : results) {
            out.add(new TopDownEvalResult.Prediction(paths.get(r.imageId()), r.imageId(),
                    PoseScorer.perJoint(r.keypoints()), r.score(), r.center(), r.scale()));
        }
        return new TopDownEvalResult(EvalDataset.Kind.COCO, samples.size(), PoseScorer.numImages(samples),
                stats.toMap(), stats, null, perJoint, false, eval.summary(), out, null, null);
    }
}
