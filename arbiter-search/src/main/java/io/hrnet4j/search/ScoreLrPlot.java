package io.hrnet4j.search;

import io.hrnet4j.zoo.render.Charts;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A scatter plot (PNG, XChart through {@link Charts}) of the validation score against the base learning rate on a
 * log10 axis, one point per completed candidate, one series per optimizer (Adam, AdamW, SGD) with a legend; failed
 * candidates are drawn as red crosses at the bottom of the score range. When every score is equal, the score axis
 * is padded around the value instead of collapsing.
 */
public final class ScoreLrPlot {
    private static final int W = 720;
    private static final int H = 480;

    private ScoreLrPlot() {
    }

    /**
     * @param records the candidates (any order)
     * @param score the metric (axis label)
     * @param file the PNG to write (atomically)
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if there is no record
     */
    public static void write(List<CandidateRecord> records, PoseScore score, Path file) throws IOException {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no candidate");
        }
        XYChart c = Charts.xy(W, H, score.kind().id() + " vs learning rate (" + records.size() + " candidates)",
                "base learning rate (log scale)", score.kind().id());
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(9);
        c.getStyler().setXAxisDecimalPattern("0.0E0");
        Map<Optimizer, List<double[]>> byOpt = new EnumMap<>(Optimizer.class);
        List<Double> failed = new ArrayList<>();
        double sMin = Double.POSITIVE_INFINITY;
        double sMax = Double.NEGATIVE_INFINITY;
        for (CandidateRecord r : records) {
            double lr = r.candidate().baseLearningRate();
            if (r.completed() && Double.isFinite(r.result().score())) {
                byOpt.computeIfAbsent(r.candidate().optimizer(), o -> new ArrayList<>())
                        .add(new double[] {lr, r.result().score()});
                sMin = Math.min(sMin, r.result().score());
                sMax = Math.max(sMax, r.result().score());
            } else {
                failed.add(lr);
            }
        }
        int colour = 0;
        for (Map.Entry<Optimizer, List<double[]>> e : byOpt.entrySet()) {
            XYSeries s = c.addSeries(e.getKey().name().toLowerCase(Locale.ROOT), column(e.getValue(), 0),
                    column(e.getValue(), 1));
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Charts.COLORS[colour++ % Charts.COLORS.length]);
        }
        if (!failed.isEmpty()) {
            double y = Double.isFinite(sMin) ? sMin : 0;
            double[] ys = new double[failed.size()];
            java.util.Arrays.fill(ys, y);
            XYSeries s = c.addSeries("failed", failed.stream().mapToDouble(Double::doubleValue).toArray(), ys);
            s.setMarker(SeriesMarkers.CROSS);
            s.setMarkerColor(Color.RED);
            sMin = Math.min(sMin, y);
            sMax = Math.max(sMax, y);
        }
        Charts.padFlatYAxis(c, sMin, sMax);
        Charts.writePng(c, file);
    }

    private static double[] column(List<double[]> rows, int i) {
        double[] out = new double[rows.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = rows.get(k)[i];
        }
        return out;
    }
}
