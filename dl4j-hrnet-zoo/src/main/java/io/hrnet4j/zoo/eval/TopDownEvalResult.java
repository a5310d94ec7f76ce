package io.hrnet4j.zoo.eval;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.metrics.CocoResults;
import io.hrnet4j.metrics.CocoStats;
import io.hrnet4j.metrics.KeypointResult;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.MpiiPckh;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a top-down evaluation, the one result type of {@link TopDownEvaluator} ({@code hrnet eval}), of
 * validation during training ({@link io.hrnet4j.zoo.train.PoseValidator}, kept by the trainer as its last and best
 * validation) and of the architecture search's score: the metric a best model is chosen by, the statistics, the
 * per-joint breakdown, the decoded predictions (what the results file holds) and the timings.
 *
 * <p>A validation that is not a top-down evaluation (e.g. the search's validation loss) is a {@link #ofScore scalar
 * score}: {@code kind} null, only the metric and its statistics, no predictions.
 *
 * @param metricName the metric a best model is chosen by, higher is better: {@code AP} (COCO), {@code PCKh} (MPII),
 *     or a scalar score's name
 * @param metric its value: COCO AP @ OKS .50:.95 in [0, 1] (-1 without GT), MPII PCKh@0.5 mean in percent, or the
 *     scalar score
 * @param kind COCO or MPII; null for a scalar score
 * @param numSamples person crops pushed through the network (boxes after the score threshold)
 * @param numImages distinct images
 * @param stats the headline numbers in their standard order: COCO {@code AP, AP50, AP75, APm, APl, AR, AR50, AR75,
 *     ARm, ARl} (fractions, -1 where no GT falls in the setting); MPII {@code Head, Shoulder, Elbow, Wrist, Hip,
 *     Knee, Ankle, Mean, Mean@0.1, Mean@0.1(true)} (percent; Mean@0.1 is the official value at threshold 0.11)
 * @param cocoStats the COCO statistics, or null for MPII
 * @param pckh the full MPII result (per joint, curve), or null for COCO
 * @param perJoint the per-joint breakdown, in dataset joint order (see {@link JointAccuracy})
 * @param headBoxesApproximated MPII: true when the head boxes were derived from the joints (not official PCKh)
 * @param summary the printable report: pycocotools' summary table (COCO) or the PCKh table (MPII)
 * @param predictions COCO: the results kept after rescoring and OKS-NMS, in the results file's order; MPII: one per
 *     person, in annotation order
 * @param resultsFile the results file written (COCO results JSON, or MPII {@code {"preds": ...}}), or null
 * @param timings wall-clock seconds of each phase, or null when not measured
 */
public record TopDownEvalResult(String metricName, double metric, EvalDataset.Kind kind, int numSamples,
                                int numImages, Map<String, Double> stats, CocoStats cocoStats, MpiiPckh.PckhResult pckh, List<JointAccuracy> perJoint,
                                boolean headBoxesApproximated, String summary, List<Prediction> predictions,
                                Path resultsFile, Timings timings) {

    /**
     * Copies the collections (the statistics keep their order).
     *
     * @throws NullPointerException if {@code metricName} is null
     */
    public TopDownEvalResult {
        java.util.Objects.requireNonNull(metricName, "metricName");
        stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
        perJoint = List.copyOf(perJoint);
        predictions = List.copyOf(predictions);
    }

    /**
     * A top-down evaluation result; its metric is the dataset's: {@code AP} = {@code cocoStats.ap()} (COCO) or
     * {@code PCKh} = {@code pckh.mean()} (MPII). Parameters as the record's.
     *
     * @throws NullPointerException if the statistics of {@code kind} (COCO: {@code cocoStats}; otherwise
     *     {@code pckh}) are null
     */
    public TopDownEvalResult(EvalDataset.Kind kind, int numSamples, int numImages, Map<String, Double> stats,
                             CocoStats cocoStats, MpiiPckh.PckhResult pckh, List<JointAccuracy> perJoint,
                             boolean headBoxesApproximated, String summary, List<Prediction> predictions,
                             Path resultsFile, Timings timings) {
        this(kind == EvalDataset.Kind.COCO ? "AP" : "PCKh",
                kind == EvalDataset.Kind.COCO ? cocoStats.ap() : pckh.mean(), kind, numSamples, numImages, stats,
                cocoStats, pckh, perJoint, headBoxesApproximated, summary, predictions, resultsFile, timings);
    }

    /**
     * A validation that is a single number rather than a top-down evaluation (e.g. the architecture search's
     * validation loss, handed over negated because the trainer keeps the highest metric).
     *
     * @param metricName the metric's name
     * @param metric its value, higher is better
     * @param stats the statistics to record (e.g. the loss itself)
     * @return a result with {@code kind} null, no samples, no per-joint rows and no predictions
     */
    public static TopDownEvalResult ofScore(String metricName, double metric, Map<String, Double> stats) {
        return new TopDownEvalResult(metricName, metric, null, 0, 0, stats, null, null, List.of(), false, "",
                List.of(), null, null);
    }

    /**
     * One decoded person.
     *
     * @param imagePath the image file
     * @param imageId its id
     * @param keypoints {@code [K][3]} (x, y, score): image pixels (0-based) and heatmap maxima
     * @param score COCO: the person score after rescoring (box score x mean keypoint score above
     *     {@code TEST.IN_VIS_THRE}); MPII: the mean keypoint score
     * @param center {@code [x, y]} center of the person box the crop was cut from, image pixels
     * @param scale {@code [w, h]} scale of that box (size / 200, pixel_std 200)
     */
    public record Prediction(String imagePath, long imageId, double[][] keypoints, double score, double[] center,
                             double[] scale) {

        /** @return the keypoints flat, {@code [x1, y1, s1, ..., xK, yK, sK]} */
        public double[] flatKeypoints() {
            double[] f = new double[3 * keypoints.length];
            for (int j = 0; j < keypoints.length; j++) {
                f[3 * j] = keypoints[j][0];
                f[3 * j + 1] = keypoints[j][1];
                f[3 * j + 2] = keypoints[j][2];
            }
            return f;
        }
    }

    /**
     * Per-joint accuracy.
     *
     * <p>COCO: {@link io.hrnet4j.metrics.CocoKeypointEval#perJointOks} (greedy matching of the non-ignored persons,
     * mean OKS term of the joint over its labelled instances, and the fraction with a term {@code >= 0.5}).
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
     * @param evaluationSeconds rescoring, OKS-NMS, COCO eval or PCKh
     * @param totalSeconds everything
     */
    public record Timings(double loadSeconds, double inferenceSeconds, double evaluationSeconds,
                          double totalSeconds) {
    }

    /** @return COCO: the results kept after OKS-NMS (entries of the results file); MPII: persons */
    public int numResults() {
        return predictions.size();
    }

    /**
     * @param t the measured timings
     * @return a copy with them
     */
    public TopDownEvalResult withTimings(Timings t) {
        return new TopDownEvalResult(metricName, metric, kind, numSamples, numImages, stats, cocoStats, pckh,
                perJoint, headBoxesApproximated, summary, predictions, resultsFile, t);
    }

    /**
     * @param file the results file that was written
     * @return a copy naming it
     */
    public TopDownEvalResult withResultsFile(Path file) {
        return new TopDownEvalResult(metricName, metric, kind, numSamples, numImages, stats, cocoStats, pckh,
                perJoint, headBoxesApproximated, summary, predictions, file, timings);
    }

    /** @return crops per second of the inference phase (NaN when not measured) */
    public double cropsPerSecond() {
        return timings != null && timings.inferenceSeconds() > 0 ? numSamples / timings.inferenceSeconds()
                : Double.NaN;
    }

    /**
     * @return the COCO results of {@link #predictions()} (category 1, with the official {@code center} and
     *     {@code scale} fields)
     * @throws IllegalStateException for MPII
     */
    public List<KeypointResult> cocoResults() {
        if (kind != EvalDataset.Kind.COCO) {
            throw new IllegalStateException("COCO results of an MPII evaluation");
        }
        List<KeypointResult> out = new ArrayList<>(predictions.size());
        for (Prediction p : predictions) {
            out.add(new KeypointResult(p.imageId(), 1, p.flatKeypoints(), p.score(), null, p.center().clone(),
                    p.scale().clone()));
        }
        return out;
    }

    /**
     * Writes the results file through {@link AtomicFiles}: COCO the standard keypoint results JSON
     * ({@link CocoResults#write}; fields {@code image_id, category_id, keypoints, score, center, scale} as the official
     * {@code COCODataset._write_coco_keypoint_results}), MPII {@code {"preds": [N][16][x, y, score]}} (0-based, the
     * layout {@link MpiiGroundTruth#readPredictions} reads). The complete temporary file is read back and checked
     * (every value finite, one entry per prediction) before it replaces {@code file}, so an existing file is never
     * replaced by an invalid one.
     *
     * @param file the results file to create or replace
     * @return a copy of this result naming the file
     * @throws IOException if the file cannot be written (the target is then unchanged)
     * @throws DataFormatException if the written content does not read back as valid results (the target is
     *     then unchanged)
     * @throws IllegalStateException for a {@link #ofScore scalar score}
     */
    public TopDownEvalResult writeResults(Path file) throws IOException {
        if (kind == null) {
            throw new IllegalStateException("a scalar score (" + metricName + ") has no results file");
        }
        int n = predictions.size();
        if (kind == EvalDataset.Kind.COCO) {
            List<KeypointResult> results = cocoResults();
            AtomicFiles.write(file, tmp -> CocoResults.write(tmp, results), tmp -> {
                int back = CocoResults.read(tmp).size();
                if (back != n) {
                    throw new DataFormatException(file, "-", "-", "reads back " + back
                            + " results instead of " + n);
                }
            });
        } else {
            AtomicFiles.write(file, this::writeMpiiPreds, tmp -> {
                int back = MpiiGroundTruth.readPredictions(tmp).length;
                if (back != n) {
                    throw new DataFormatException(file, "-", "preds", "reads back " + back
                            + " persons instead of " + n);
                }
            });
        }
        return withResultsFile(file);
    }

    private void writeMpiiPreds(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName("preds");
            g.writeStartArray();
            for (Prediction p : predictions) {
                g.writeStartArray();
                for (double[] j : p.keypoints()) {
                    g.writeArray(j, 0, j.length);
                }
                g.writeEndArray();
                g.writeRaw('\n');
            }
            g.writeEndArray();
            g.writeEndObject();
        }
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
     * @return a JSON-ready map: {@code dataset (null for a scalar score), samples, images, results, stats {...},
     *     per_joint [{joint, labelled, mean_score, accuracy}], head_boxes_approximated (MPII), results_file,
     *     timings {...}, crops_per_second}
     */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", kind == null ? null : kind.name().toLowerCase(Locale.ROOT));
        m.put("samples", numSamples);
        m.put("images", numImages);
        m.put("results", numResults());
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
        if (timings != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("load_s", timings.loadSeconds());
            t.put("inference_s", timings.inferenceSeconds());
            t.put("evaluation_s", timings.evaluationSeconds());
            t.put("total_s", timings.totalSeconds());
            m.put("timings", t);
        }
        m.put("crops_per_second", finiteOrNull(cropsPerSecond()));
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
