package io.hrnet4j.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 10 COCO keypoint summary statistics, in pycocotools' {@code stats} order ({@code cocoeval.py
 * _summarizeKps}). Each is a mean of interpolated precision (AP) or of maximum recall (AR) over the OKS thresholds
 * .50:.05:.95 (or the single one named), at maxDets 20; -1 when no ground truth falls in the setting (e.g. APl
 * without a large person).
 *
 * @param ap AP @ OKS .50:.95, all areas
 * @param ap50 AP @ OKS .50
 * @param ap75 AP @ OKS .75
 * @param apMedium AP, medium persons (32² ≤ area ≤ 96²)
 * @param apLarge AP, large persons (area ≥ 96²)
 * @param ar AR @ OKS .50:.95, all areas
 * @param ar50 AR @ OKS .50
 * @param ar75 AR @ OKS .75
 * @param arMedium AR, medium
 * @param arLarge AR, large
 */
public record CocoStats(double ap, double ap50, double ap75, double apMedium, double apLarge,
                        double ar, double ar50, double ar75, double arMedium, double arLarge) {

    /** The JSON keys of the 10 values, in order: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl. */
    public static final List<String> KEYS = List.of("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50", "AR75", "ARm", "ARl");

    /**
     * @param v the 10 values in {@link #KEYS} order
     * @return the stats
     * @throws IllegalArgumentException if {@code v.length != 10}
     */
    public static CocoStats of(double[] v) {
        if (v.length != 10) {
            throw new IllegalArgumentException("expected 10 stats, got " + v.length);
        }
        return new CocoStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    /** @return the 10 values in pycocotools' {@code stats} order */
    public double[] toArray() {
        return new double[] {ap, ap50, ap75, apMedium, apLarge, ar, ar50, ar75, arMedium, arLarge};
    }

    /** @return an insertion-ordered map from {@link #KEYS} to the values */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] v = toArray();
        for (int i = 0; i < v.length; i++) {
            m.put(KEYS.get(i), v[i]);
        }
        return m;
    }
}
