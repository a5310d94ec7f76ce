package io.hrnet4j.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference top-down post-processing: keypoint rescoring and OKS non-maximum suppression, ported from the
 * official HRNet code ({@code lib/nms/nms.py}: {@code oks_iou}, {@code oks_nms}; {@code lib/dataset/coco.py}:
 * {@code COCODataset.evaluate}): "Rescore: box score x mean of keypoint scores above 0.2;
 * OKS-NMS at 0.9".
 *
 * <p>Keypoints are flat {@code [x1, y1, s1, ..., xK, yK, sK]} in image pixels with per-joint scores (the heatmap
 * maxima); areas are in pixels² (the reference uses the box area {@code (scale_w * 200) * (scale_h * 200)}).
 */
public final class OksNms {
    /** OKS-NMS threshold of the official configs ({@code TEST.OKS_THRE = 0.9}): a candidate with OKS &gt; 0.9 to a kept one is dropped. */
    public static final double DEFAULT_OKS_THRESHOLD = 0.9;
    /** Keypoint score threshold of the official configs ({@code TEST.IN_VIS_THRE = 0.2}). */
    public static final double DEFAULT_IN_VIS_THRESHOLD = 0.2;

    private static final double EPS = Math.ulp(1.0);

    private OksNms() {
    }

    /**
     * One top-down prediction: a person box pushed through the network and decoded.
     *
     * @param imageId the image id
     * @param keypoints flat {@code [x, y, score] * K}, image pixels
     * @param centerX box center x, pixels
     * @param centerY box center y, pixels
     * @param scaleW box width / 200 (after the aspect fix and x1.25 padding)
     * @param scaleH box height / 200
     * @param boxScore the detector's score (1 for ground-truth boxes)
     */
    public record PosePrediction(long imageId, double[] keypoints, double centerX, double centerY, double scaleW,
                                 double scaleH, double boxScore) {
        /** @return the reference's area: {@code np.prod(s * 200)} = (scaleW * 200) * (scaleH * 200), pixels² */
        public double area() {
            return (scaleW * 200) * (scaleH * 200);
        }
    }

    /**
     * The reference rescoring: box score x the mean of the keypoint scores strictly above {@code inVisThreshold};
     * when no keypoint score passes, the mean is 0 (so is the new score).
     *
     * @param boxScore the detector's score
     * @param keypoints flat {@code [x, y, score] * K}
     * @param inVisThreshold the keypoint score threshold (0.2)
     * @return the new person score
     */
    public static double rescore(double boxScore, double[] keypoints, double inVisThreshold) {
        double kptScore = 0;
        int valid = 0;
        for (int j = 2; j < keypoints.length; j += 3) {
            if (keypoints[j] > inVisThreshold) {
                kptScore = kptScore + keypoints[j];
                valid++;
            }
        }
        if (valid != 0) {
            kptScore = kptScore / valid;
        }
        return kptScore * boxScore;
    }

    /**
     * The reference {@code oks_iou(g, d, a_g, a_d, sigmas, in_vis_thre)}: OKS of one person against several, with
     * the mean area {@code (a_g + a_d) / 2} as scale: {@code e = (dx² + dy²) / (2σ)² / ((a_g + a_d) / 2 + eps) / 2}.
     *
     * <p>With a visibility threshold, the reference's mask is {@code list(vg > t) and list(vd > t)}, which in Python
     * evaluates to the second list only: joints are selected by the <em>other</em> person's score {@code vd > t}
     * alone. This is reproduced. An empty selection gives OKS 0.
     *
     * @param g flat keypoints of the reference person
     * @param d flat keypoints of the others
     * @param areaG area of g, pixels²
     * @param areasD areas of the others
     * @param sigmas per-joint sigmas (K)
     * @param inVisThreshold the score threshold, or null for none (the official evaluate() passes none)
     * @return OKS per row of {@code d}
     * @throws IllegalArgumentException if a keypoint array is not 3K long
     */
    public static double[] oksIou(double[] g, double[][] d, double areaG, double[] areasD, double[] sigmas,
                                  Double inVisThreshold) {
        int k = sigmas.length;
        check(g, k, "g");
        double[] out = new double[d.length];
        double[] e = new double[k];
        for (int n = 0; n < d.length; n++) {
            check(d[n], k, "d[" + n + "]");
            int m = 0;
            double denom = (areaG + areasD[n]) / 2 + EPS;
            for (int j = 0; j < k; j++) {
                if (inVisThreshold != null && !(d[n][3 * j + 2] > inVisThreshold)) {
                    continue;
                }
                double s2 = sigmas[j] * 2;
                double dx = d[n][3 * j] - g[3 * j];
                double dy = d[n][3 * j + 1] - g[3 * j + 1];
                e[m++] = Math.exp(-((dx * dx + dy * dy) / (s2 * s2) / denom / 2));
            }
            out[n] = m != 0 ? NumpySum.sum(e, 0, m) / m : 0.0;
        }
        return out;
    }

    /**
     * The reference {@code oks_nms}: visit persons by score, descending; keep the best remaining one and drop every
     * remaining person whose OKS to it exceeds {@code threshold} (kept when {@code oks <= threshold}).
     *
     * <p>Order of equal scores: the reference sorts with {@code scores.argsort()[::-1]} (NumPy's default sort,
     * reversed); for up to 16 persons that sort is stable, so among equal scores the later one comes first. This
     * rule is applied for any count.
     *
     * @param keypoints flat keypoints per person
     * @param scores person scores
     * @param areas person areas, pixels²
     * @param threshold OKS threshold (0.9)
     * @param sigmas per-joint sigmas
     * @param inVisThreshold keypoint score threshold for the OKS, or null (the official evaluate() passes none)
     * @return indices of the kept persons, in visiting order (score descending)
     * @throws IllegalArgumentException if the array lengths disagree or a keypoint array is not 3K long
     */
    public static int[] nms(double[][] keypoints, double[] scores, double[] areas, double threshold, double[] sigmas,
                            Double inVisThreshold) {
        int n = keypoints.length;
        if (scores.length != n || areas.length != n) {
            throw new IllegalArgumentException("keypoints, scores and areas differ in length: " + n + ", "
                    + scores.length + ", " + areas.length);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i).reversed());
        List<Integer> remaining = new ArrayList<>(Arrays.asList(order));
        List<Integer> keep = new ArrayList<>();
        while (!remaining.isEmpty()) {
            int i = remaining.get(0);
            keep.add(i);
            int rest = remaining.size() - 1;
            double[][] d = new double[rest][];
            double[] a = new double[rest];
            for (int q = 0; q < rest; q++) {
                d[q] = keypoints[remaining.get(q + 1)];
                a[q] = areas[remaining.get(q + 1)];
            }
            double[] ovr = oksIou(keypoints[i], d, areas[i], a, sigmas, inVisThreshold);
            List<Integer> next = new ArrayList<>(rest);
            for (int q = 0; q < rest; q++) {
                if (ovr[q] <= threshold) {
                    next.add(remaining.get(q + 1));
                }
            }
            remaining = next;
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The whole reference post-processing of {@code COCODataset.evaluate}: group the predictions by image (in order
     * of first appearance), rescore each ({@link #rescore} with {@code inVisThreshold}), run {@link #nms} per image
     * with {@code oksThreshold} and no visibility threshold (as the official code calls it), and emit COCO results
     * (category 1) in that order.
     *
     * @param predictions the decoded predictions
     * @param sigmas per-joint OKS sigmas ({@link CocoKeypointEval#COCO_SIGMAS})
     * @param inVisThreshold keypoint score threshold for rescoring (0.2)
     * @param oksThreshold OKS-NMS threshold (0.9)
     * @return the results to write with {@link CocoResults#write}, each with its box's center and scale (the
     *     official results file's {@code center} and {@code scale} fields)
     */
    public static List<KeypointResult> rescoreAndSuppress(List<PosePrediction> predictions, double[] sigmas,
                                                          double inVisThreshold, double oksThreshold) {
        Map<Long, List<PosePrediction>> byImage = new LinkedHashMap<>();
        for (PosePrediction p : predictions) {
            byImage.computeIfAbsent(p.imageId(), x -> new ArrayList<>()).add(p);
        }
        List<KeypointResult> out = new ArrayList<>(predictions.size());
        for (Map.Entry<Long, List<PosePrediction>> e : byImage.entrySet()) {
            List<PosePrediction> ps = e.getValue();
            int n = ps.size();
            double[][] kp = new double[n][];
            double[] scores = new double[n];
            double[] areas = new double[n];
            for (int i = 0; i < n; i++) {
                kp[i] = ps.get(i).keypoints();
                scores[i] = rescore(ps.get(i).boxScore(), kp[i], inVisThreshold);
                areas[i] = ps.get(i).area();
            }
            for (int i : nms(kp, scores, areas, oksThreshold, sigmas, null)) {
                PosePrediction kept = ps.get(i);
                out.add(new KeypointResult(e.getKey(), 1, kp[i].clone(), scores[i], null,
                        new double[] {kept.centerX(), kept.centerY()}, new double[] {kept.scaleW(), kept.scaleH()}));
            }
        }
        return out;
    }

    private static void check(double[] kp, int k, String what) {
        if (kp.length != 3 * k) {
            throw new IllegalArgumentException(what + ": expected " + 3 * k + " keypoint values, got " + kp.length);
        }
    }
}
