package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The files a run leaves in its output folder besides checkpoints:
 * <ul>
 *   <li>{@code metrics.json}: model, recipe, per-epoch records, best metric and the last validation's statistics;
 *   </li>
 *   <li>{@code metrics.csv}: {@code epoch,iteration,mean_loss,lr,seconds,metric_name,metric};</li>
 *   <li>{@code loss.csv}: {@code iteration,loss} for every iteration;</li>
 *   <li>{@code training-curves.png}: training loss per iteration (and its per-epoch mean) with the validation metric
 *       on a second axis (Java2D);</li>
 *   <li>{@code predictions/pred-<i>.png}: the last validation's poses drawn on a few images by
 *       {@link PoseRenderer} (persons and joints whose score is at least 0.2).</li>
 * </ul>
 * Weight files ({@link #writeNpz}) are official state dicts in NumPy {@code .npz} form, read by
 * {@code StateDict.load}.
 */
public final class TrainingReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keypoint score below which a joint is not drawn (the rescoring threshold of the official evaluation). */
    public static final double DRAW_THRESHOLD = 0.2;

    private TrainingReport() {
    }

    /**
     * @param plot write {@code training-curves.png}
     * @param overlays number of validation images drawn with their predicted poses (0: none)
     * @param schema the joints (skeleton) of the predictions
     */
    public record Options(boolean plot, int overlays, KeypointSchema schema) {
        /** Plot, 4 overlays, COCO skeleton. */
        public static final Options DEFAULT = new Options(true, 4, KeypointSchema.COCO);
    }

    /**
     * Writes the metrics, the plot and the overlays of a finished run.
     *
     * @param r the result
     * @param cfg the architecture
     * @param recipe the recipe
     * @param experiment the run's experiment (recorded in {@code metrics.json})
     * @param o what to draw
     * @throws IOException if a file cannot be written or an image read
     */
    public static void write(TrainingResult r, HRNetConfig cfg, TrainingRecipe recipe, ExperimentFile experiment,
                             Options o) throws IOException {
        writeMetrics(r.outputDir(), experiment, r.losses(), r.epochs(), r.bestMetric(), r.bestEpoch(),
                r.lastValidation(), r.peakRssBytes());
        if (o.plot()) {
            writePlot(r.outputDir().resolve("training-curves.png"), r.losses(), r.epochs());
        }
        if (o.overlays() > 0 && r.lastValidation() != null) {
            writeOverlays(r.outputDir().resolve("predictions"), r.lastValidation(), o.schema(), o.overlays());
        }
    }

    /**
     * Writes {@code metrics.json} (Jackson: {@code experiment} as in {@code config.yaml}, {@code iterations},
     * {@code steps}, {@code peakRssBytes}, {@code epochs} as in {@link TrainingState.EpochRecord#toJson()},
     * {@code bestMetric}, {@code bestEpoch}, {@code metricName}, {@code finalStats}), {@code metrics.csv} and
     * {@code loss.csv}, each through {@link AtomicFiles}.
     *
     * @param dir output folder
     * @param experiment the run's experiment
     * @param losses per-step losses
     * @param epochs per-epoch records
     * @param bestMetric best validation metric (NaN if none)
     * @param bestEpoch its epoch
     * @param last last validation (may be null)
     * @param peakRssBytes peak resident set size, bytes (0: unknown)
     * @throws IOException if writing fails (the previous files are then unchanged)
     */
    public static void writeMetrics(Path dir, ExperimentFile experiment, List<Double> losses,
                                    List<TrainingState.EpochRecord> epochs, double bestMetric, int bestEpoch,
                                    TopDownEvalResult last, long peakRssBytes) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.set("experiment", experiment.toTree());
        root.put("iterations", epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).iteration());
        root.put("steps", losses.size());
        root.put("peakRssBytes", peakRssBytes);
        ArrayNode ep = root.putArray("epochs");
        List<List<Object>> csv = new ArrayList<>();
        for (TrainingState.EpochRecord e : epochs) {
            ep.add(e.toJson());
            csv.add(List.of(e.epoch(), e.iteration(), e.steps(), String.format(Locale.ROOT, "%.8g", e.meanLoss()),
                    String.format(Locale.ROOT, "%.6g", e.learningRate()), String.format(Locale.ROOT, "%.3f",
                            e.seconds()), e.metricName() == null ? "" : e.metricName(),
                    e.metricName() == null ? "" : String.format(Locale.ROOT, "%.6f", e.metric()), peakRssBytes));
        }
        if (!Double.isNaN(bestMetric)) {
            root.put("bestMetric", bestMetric);
            root.put("bestEpoch", bestEpoch);
        }
        if (last != null) {
            root.put("metricName", last.metricName());
            root.set("finalStats", TrainingState.JSON.valueToTree(new java.util.TreeMap<>(last.stats())));
        }
        List<List<Object>> loss = new ArrayList<>(losses.size());
        for (int i = 0; i < losses.size(); i++) {
            loss.add(List.of(i + 1, String.format(Locale.ROOT, "%.8g", losses.get(i))));
        }
        AtomicFiles.writeBytes(dir.resolve("metrics.json"), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(root));
        io.hrnet4j.data.io.CsvFiles.write(dir.resolve("metrics.csv"), List.of("epoch", "iteration", "steps",
                "mean_loss", "lr", "seconds", "metric_name", "metric", "peak_rss_bytes"), csv);
        io.hrnet4j.data.io.CsvFiles.write(dir.resolve("loss.csv"), List.of("step", "loss"), loss);
    }

    /**
     * Writes a state dict as NumPy {@code .npz} ({@code <key>.npy} entries) atomically ({@link AtomicFiles}).
     *
     * @param file target
     * @param stateDict key to array
     * @param sink opens the temporary file
     * @throws IOException if writing fails; {@code file} is then unchanged
     */
    public static void writeNpz(Path file, Map<String, INDArray> stateDict, CheckpointStore.FileSink sink)
            throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (OutputStream raw = sink.open(tmp);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                    NumpyFiles.writeNpy(e.getValue(), zip);
                    zip.closeEntry();
                }
            }
        }, null);
    }

    /**
     * Draws the loss per iteration (grey), its per-epoch mean (blue, left axis; log scale when there is no validation
     * metric) and the validation metric
     * (orange, right axis: AP in OKS units, or PCKh in %) against the iteration, with axis titles, ticks and a
     * legend (XChart, {@link io.hrnet4j.zoo.render.Charts}), as a 900x500 PNG written atomically.
     *
     * @param file target PNG
     * @param losses per-iteration losses
     * @param epochs per-epoch records
     * @throws IOException if writing fails
     */
    public static void writePlot(Path file, List<Double> losses, List<TrainingState.EpochRecord> epochs)
            throws IOException {
        // XChart's log scale applies to every y axis (a log metric axis loses its tick labels): the loss is on a log
        // axis only when no validation metric shares the chart
        boolean log = epochs.stream().noneMatch(e -> e.metricName() != null && Double.isFinite(e.metric()));
        org.knowm.xchart.XYChart c = io.hrnet4j.zoo.render.Charts.xy(900, 500, "Training loss and validation metric",
                "iteration", log ? "joints MSE loss (log scale)" : "joints MSE loss");
        c.getStyler().setYAxisLogarithmic(log);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < losses.size(); i++) {
            double v = losses.get(i);
            if (v > 0 && Double.isFinite(v)) {
                xs.add(i + 1.0);
                ys.add(v);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!xs.isEmpty()) {
            var s = c.addSeries("loss per iteration", xs, ys);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            s.setLineColor(new Color(170, 170, 170));
            s.setLineWidth(1f);
        }
        List<Double> ex = new ArrayList<>();
        List<Double> ey = new ArrayList<>();
        List<Double> mx = new ArrayList<>();
        List<Double> my = new ArrayList<>();
        String name = null;
        for (TrainingState.EpochRecord e : epochs) {
            if (e.meanLoss() > 0 && Double.isFinite(e.meanLoss())) {
                ex.add((double) e.iteration());
                ey.add(e.meanLoss());
            }
            if (e.metricName() != null && Double.isFinite(e.metric())) {
                mx.add((double) e.iteration());
                my.add(e.metric());
                name = e.metricName();
            }
        }
        if (!ex.isEmpty()) {
            var s = c.addSeries("epoch mean loss", ex, ey);
            s.setLineColor(io.hrnet4j.zoo.render.Charts.COLORS[0]);
            s.setMarkerColor(io.hrnet4j.zoo.render.Charts.COLORS[0]);
        }
        if (xs.isEmpty() && ex.isEmpty()) {
            // nothing positive to draw on a log axis: an empty, labelled chart rather than an XChart error
            c.getStyler().setYAxisLogarithmic(false);
            var s = c.addSeries("no finite loss yet", new double[] {0}, new double[] {0});
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        } else if (lo == hi) {
            io.hrnet4j.zoo.render.Charts.padFlatYAxis(c, lo, hi);
        }
        if (!mx.isEmpty()) {
            var s = c.addSeries("validation " + name + " (right axis)", mx, my);
            s.setYAxisGroup(1);
            s.setLineColor(io.hrnet4j.zoo.render.Charts.COLORS[1]);
            s.setMarkerColor(io.hrnet4j.zoo.render.Charts.COLORS[1]);
            c.setYAxisGroupTitle(1, name.equals("PCKh") ? "PCKh@0.5 (%)" : name + " (OKS)");
            c.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        }
        io.hrnet4j.zoo.render.Charts.writePng(c, file);
    }

    /**
     * Draws the predicted poses of the first {@code count} distinct images of a validation.
     *
     * @param dir target folder (created)
     * @param v the validation with its predictions
     * @param schema joints and skeleton
     * @param count images to draw
     * @return the PNG files written
     * @throws IOException if an image cannot be read or a PNG written
     */
    public static List<Path> writeOverlays(Path dir, TopDownEvalResult v, KeypointSchema schema, int count)
            throws IOException {
        Map<String, List<TopDownEvalResult.Prediction>> byImage = new LinkedHashMap<>();
        for (TopDownEvalResult.Prediction p : v.predictions()) {
            if (p.imagePath() != null && (byImage.containsKey(p.imagePath()) || byImage.size() < count)) {
                byImage.computeIfAbsent(p.imagePath(), k -> new ArrayList<>()).add(p);
            }
        }
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        int i = 0;
        PoseRenderer renderer = new PoseRenderer(schema, DRAW_THRESHOLD, 2, 3);
        for (Map.Entry<String, List<TopDownEvalResult.Prediction>> e : byImage.entrySet()) {
            List<double[]> poses = new ArrayList<>();
            for (TopDownEvalResult.Prediction p : e.getValue()) {
                if (p.score() >= DRAW_THRESHOLD) {
                    double[][] kp = p.keypoints();
                    double[] flat = new double[kp.length * 3];
                    for (int j = 0; j < kp.length; j++) {
                        System.arraycopy(kp[j], 0, flat, 3 * j, 3);
                    }
                    poses.add(flat);
                }
            }
            Path f = dir.resolve(String.format(Locale.ROOT, "pred-%02d.png", i++));
            // PoseRenderer writes atomically itself (AtomicFiles)
            renderer.render(Path.of(e.getKey()), poses, f);
            out.add(f);
        }
        return out;
    }

    private static void writePng(Path file, BufferedImage img) throws IOException {
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException(file + ": no PNG writer");
            }
        }, null);
    }
}
