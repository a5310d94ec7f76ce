package io.hrnet4j.zoo.eval;

import io.hrnet4j.eval.CocoStats;
import io.hrnet4j.eval.MpiiPckh;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a {@link TopDownEvaluator} run.
 *
 * @param kind COCO or MPII
 * @param numSamples person crops pushed through the network (boxes after the score threshold)
 * @param numImages distinct images
 * @param numResults COCO: results kept after rescoring and OKS-NMS (the entries of the results file); MPII: persons
 * @param stats the headline numbers in their standard order: COCO {@code AP, AP50, AP75, APm, APl, AR, AR50, AR75,
 *     ARm, ARl} (fractions, -1 where no GT falls in the setting); MPII {@code Head, Shoulder, Elbow, Wrist, Hip,
 *     Knee, Ankle, Mean, Mean@0.1, Mean@0.1(true)} (percent; Mean@0.1 is the official value at threshold 0.11)
 * @param cocoStats the COCO statistics, or null for MPII
 * @param pckh the full MPII result (per joint, curve), or null for COCO
 * @param perJoint the per-joint breakdown, in dataset joint order (see {@link JointAccuracy})
 * @param headBoxesApproximated MPII: true when the head boxes were derived from the joints (not official PCKh)
 * @param summary the printable report: pycocotools' summary table (COCO) or the PCKh table (MPII)
 * @param resultsFile the results file written (COCO results JSON, or MPII {@code {"preds": ...}}), or null
 * @param timings wall-clock seconds of each phase
 */
public record TopDownEvalResult(EvalDataset.Kind kind, int numSamples, int numImages, int numResults,
                                Map<String, Double> stats, CocoStats cocoStats, MpiiPckh.PckhResult pckh,
                                List<JointAccuracy> perJoint, boolean headBoxesApproximated, String summary,
                                Path resultsFile, Timings timings) {

    /** Copies the collections. */
    public TopDownEvalResult {
        stats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stats));
        perJoint = List.copyOf(perJoint);
    }

    /**
     * Per-joint accuracy.
     *
     * <p>COCO (no standard per-joint AP exists: OKS is defined per person): each non-ignored ground-truth person
     * (not crowd, {@code num_keypoints > 0}) is matched greedily to a result of its image (results by score,
     * descending; each takes the unmatched person of highest OKS &gt; 0). For every labelled joint the COCO OKS term
     * {@code exp(-d² / (2 (2σ_j)² (area + eps)))} is taken (0 when the person is unmatched); {@code meanScore} is
     * its mean over the labelled instances of the joint and {@code accuracy} the fraction with a term
     * {@code >= 0.5} (a PCK-style hit: the keypoint alone would pass OKS 0.5).
     *
     * <p>MPII: {@code accuracy} = {@code meanScore} = PCKh@0.5 of the joint as a fraction (official
     * {@code evaluate()}, per joint).
     *
     * @param joint the joint name
     * @param labelled labelled instances of the joint in the ground truth
     * @param meanScore COCO: mean OKS term; MPII: PCKh@0.5 (fraction)
     * @param accuracy COCO: fraction with OKS term &gt;= 0.5; MPII: PCKh@0.5 (fraction); NaN when {@code labelled == 0}
     */
    public record JointAccuracy(String joint, int labelled, double meanScore, double accuracy) {
    }

    /**
     * Wall-clock seconds per phase.
     *
     * @param loadSeconds reading annotations/boxes
     * @param inferenceSeconds image decoding, warping, network, flip test and decoding (pipelined)
     * @param evaluationSeconds rescoring, OKS-NMS, writing, COCO eval or PCKh
     * @param totalSeconds everything
     */
    public record Timings(double loadSeconds, double inferenceSeconds, double evaluationSeconds,
                          double totalSeconds) {
    }

    /** @return crops per second of the inference phase */
    public double cropsPerSecond() {
        return timings.inferenceSeconds() > 0 ? numSamples / timings.inferenceSeconds() : Double.NaN;
    }

    /** @return the per-joint table as text (one line per joint) */
    public String perJointTable() {
        StringBuilder sb = new StringBuilder();
        boolean coco = kind == EvalDataset.Kind.COCO;
        sb.append(String.format(Locale.ROOT, "%-16s %8s %10s %10s%n", "joint", "labelled",
                coco ? "mean OKS" : "PCKh@0.5", coco ? "acc@0.5" : ""));
        for (JointAccuracy j : perJoint) {
            if (coco) {
                sb.append(String.format(Locale.ROOT, "%-16s %8d %10.4f %10.4f%n", j.joint(), j.labelled(),
                        j.meanScore(), j.accuracy()));
            } else {
                sb.append(String.format(Locale.ROOT, "%-16s %8d %10.4f%n", j.joint(), j.labelled(), j.accuracy()));
            }
        }
        return sb.toString();
    }

    /**
     * @return a JSON-ready map: {@code dataset, samples, images, results, stats {...}, per_joint [{joint, labelled,
     *     mean_score, accuracy}], head_boxes_approximated (MPII), results_file, timings {...}, crops_per_second}
     */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", kind.name().toLowerCase(Locale.ROOT));
        m.put("samples", numSamples);
        m.put("images", numImages);
        m.put("results", numResults);
        m.put("stats", stats);
        List<Map<String, Object>> pj = new ArrayList<>();
        for (JointAccuracy j : perJoint) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("joint", j.joint());
            e.put("labelled", j.labelled());
            e.put("mean_score", finiteOrNull(j.meanScore()));
            e.put("accuracy", finiteOrNull(j.accuracy()));
            pj.add(e);
        }
        m.put("per_joint", pj);
        if (kind == EvalDataset.Kind.MPII) {
            m.put("head_boxes_approximated", headBoxesApproximated);
        }
        m.put("results_file", resultsFile == null ? null : resultsFile.toString());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("load_s", timings.loadSeconds());
        t.put("inference_s", timings.inferenceSeconds());
        t.put("evaluation_s", timings.evaluationSeconds());
        t.put("total_s", timings.totalSeconds());
        m.put("timings", t);
        m.put("crops_per_second", finiteOrNull(cropsPerSecond()));
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
