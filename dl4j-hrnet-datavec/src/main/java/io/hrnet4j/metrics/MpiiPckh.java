package io.hrnet4j.metrics;

import io.hrnet4j.data.io.DataFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MPII PCKh, exactly as the official {@code MPIIDataset.evaluate()} ({@code lib/dataset/mpii.py} of
 * deep-high-resolution-net.pytorch).
 *
 * <p>Definition: predictions are 0-based and get +1 to compare with the 1-based ground truth; head size =
 * 0.6 ({@code SC_BIAS}) x the diagonal of the head box; a joint is correct when it is annotated and
 * {@code ||pred + 1 - gt|| / headsize <= threshold} (inclusive). PCKh per joint = 100 x correct / annotated.
 * Groups are the plain average of the left and right joints (Head = head top alone). {@code Mean} weights the 14
 * joints other than pelvis (6) and thorax (7) by their annotated counts. The official {@code "Mean@0.1"} reads row
 * 11 of the curve over {@code np.arange(0, 0.51, 0.01)}, i.e. threshold <b>0.11</b>; it is reported as
 * {@link PckhResult#meanAt01Official()}, next to the true threshold 0.1 ({@link PckhResult#meanAt01()}).
 *
 * <p>A joint never annotated in the whole set gives 0/0 = NaN for that joint (and NaN means), as in the reference.
 */
public final class MpiiPckh {
    /** The head-size factor {@code SC_BIAS}. */
    public static final double SC_BIAS = 0.6;
    /** The PCKh threshold (fraction of the head size). */
    public static final double THRESHOLD = 0.5;
    /** Number of points of the PCK curve, thresholds {@code i * 0.01} for i = 0..50. */
    public static final int CURVE_POINTS = 51;
    /** Group names in the official order. */
    public static final List<String> GROUPS = List.of("Head", "Shoulder", "Elbow", "Wrist", "Hip", "Knee", "Ankle");

    private MpiiPckh() {
    }

    /**
     * The result of one evaluation.
     *
     * @param jointNames the 16 joint names (dataset order)
     * @param perJoint PCKh@0.5 per joint, percent
     * @param counts annotated joints per joint
     * @param groups PCKh@0.5 per group ({@link #GROUPS} order), percent
     * @param mean the official {@code Mean} (14 joints, weighted by counts), percent
     * @param meanAt01Official the official {@code "Mean@0.1"}, computed at threshold 0.11, percent
     * @param meanAt01 the same mean at the true threshold 0.1, percent
     * @param curveThresholds the 51 thresholds {@code i * 0.01}
     * @param curve {@code [51][16]} PCKh per threshold and joint, percent
     */
    public record PckhResult(List<String> jointNames, double[] perJoint, int[] counts, double[] groups, double mean,
                             double meanAt01Official, double meanAt01, double[] curveThresholds, double[][] curve) {
        /**
         * @return the official {@code name_value}: Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, Mean, Mean@0.1
         *     (the 0.11 value), then this project's {@code Mean@0.1(true)}
         */
        public Map<String, Double> nameValue() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int g = 0; g < GROUPS.size(); g++) {
                m.put(GROUPS.get(g), groups[g]);
            }
            m.put("Mean", mean);
            m.put("Mean@0.1", meanAt01Official);
            m.put("Mean@0.1(true)", meanAt01);
            return m;
        }
    }

    /**
     * Evaluates predictions.
     *
     * @param gt the ground truth (1-based coordinates)
     * @param preds {@code [N][16][>= 2]} predictions, 0-based pixels (x, y, optional score, ignored)
     * @param predSource a name for the predictions in messages
     * @return the PCKh values
     * @throws IllegalArgumentException if the number of persons differs, a person has not 16 joints, a value is
     *     not finite, or the ground truth lacks one of the joint names head, lsho, rsho, lelb, relb, lwri, rwri,
     *     lhip, rhip, lkne, rkne, lank, rank
     */
    public static PckhResult evaluate(MpiiGroundTruth gt, double[][][] preds, String predSource) {
        int n = gt.size();
        int k = MpiiGroundTruth.NUM_JOINTS;
        if (preds.length != n) {
            throw new IllegalArgumentException(DataFormatException.describe(predSource, "", "preds", "has "
                    + preds.length + " persons but the ground truth has " + n));
        }
        double[][] scaled = new double[k][n];
        int[] count = new int[k];
        for (int p = 0; p < n; p++) {
            if (preds[p].length != k) {
                throw new IllegalArgumentException(DataFormatException.describe(predSource, "preds[" + p + "]", "",
                        "expected 16 joints, got " + preds[p].length));
            }
            double hx = gt.headBoxes()[p][1][0] - gt.headBoxes()[p][0][0];
            double hy = gt.headBoxes()[p][1][1] - gt.headBoxes()[p][0][1];
            double headSize = Math.sqrt(hx * hx + hy * hy) * SC_BIAS;
            for (int j = 0; j < k; j++) {
                double[] pr = preds[p][j];
                if (pr.length < 2 || !Double.isFinite(pr[0]) || !Double.isFinite(pr[1])) {
                    throw new IllegalArgumentException(DataFormatException.describe(predSource,
                            "preds[" + p + "][" + j + "]", "", "expected finite [x, y, ...]"));
                }
                double dx = (pr[0] + 1.0) - gt.joints()[p][j][0];
                double dy = (pr[1] + 1.0) - gt.joints()[p][j][1];
                double err = Math.sqrt(dx * dx + dy * dy);
                int vis = gt.visible()[p][j] ? 1 : 0;
                scaled[j][p] = err / headSize * vis;
                count[j] += vis;
            }
        }
        double[] thresholds = new double[CURVE_POINTS];
        double[][] curve = new double[CURVE_POINTS][];
        for (int r = 0; r < CURVE_POINTS; r++) {
            thresholds[r] = r * 0.01; // np.arange(0, 0.5 + 0.01, 0.01)
            curve[r] = pck(scaled, gt.visible(), count, thresholds[r]);
        }
        double[] perJoint = pck(scaled, gt.visible(), count, THRESHOLD);

        List<String> names = gt.jointNames();
        int head = index(names, "head");
        int[][] pairs = {
            {index(names, "lsho"), index(names, "rsho")}, {index(names, "lelb"), index(names, "relb")},
            {index(names, "lwri"), index(names, "rwri")}, {index(names, "lhip"), index(names, "rhip")},
            {index(names, "lkne"), index(names, "rkne")}, {index(names, "lank"), index(names, "rank")}};
        double[] groups = new double[GROUPS.size()];
        groups[0] = perJoint[head];
        for (int g = 0; g < pairs.length; g++) {
            groups[g + 1] = 0.5 * (perJoint[pairs[g][0]] + perJoint[pairs[g][1]]);
        }
        // jnt_ratio = jnt_count / sum(jnt_count) with entries 6 and 7 masked (np.ma: masked entries count as 0)
        long total = 0;
        for (int j = 0; j < k; j++) {
            if (j != 6 && j != 7) {
                total += count[j];
            }
        }
        double[] ratio = new double[k];
        for (int j = 0; j < k; j++) {
            ratio[j] = j == 6 || j == 7 ? 0 : count[j] / (double) total;
        }
        return new PckhResult(names, perJoint, count, groups, weighted(perJoint, ratio), weighted(curve[11], ratio),
                weighted(curve[10], ratio), thresholds, curve);
    }

    private static double[] pck(double[][] scaled, boolean[][] visible, int[] count, double threshold) {
        int k = scaled.length;
        double[] out = new double[k];
        for (int j = 0; j < k; j++) {
            long correct = 0;
            for (int p = 0; p < scaled[j].length; p++) {
                if (scaled[j][p] <= threshold && visible[p][j]) {
                    correct++;
                }
            }
            out[j] = 100. * correct / count[j];
        }
        return out;
    }

    /** {@code np.sum(PCKh * jnt_ratio)} over a masked array: masked entries filled with 0, NumPy pairwise sum. */
    private static double weighted(double[] pck, double[] ratio) {
        double[] prod = new double[pck.length];
        for (int j = 0; j < pck.length; j++) {
            prod[j] = (j == 6 || j == 7) ? 0 : pck[j] * ratio[j];
        }
        return NumpySum.sum(prod);
    }

    private static int index(List<String> names, String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(DataFormatException.describe("<ground truth>", "dataset_joints", "",
                    "no joint named '" + name + "' in " + names));
        }
        return i;
    }
}
