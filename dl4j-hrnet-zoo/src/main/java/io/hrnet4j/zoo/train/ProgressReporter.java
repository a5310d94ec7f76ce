package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.eval.TopDownEvalResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Human-readable progress: one line every {@code logEveryIterations} with epoch, iteration, a progress bar, loss
 * (mean since the last line), learning rate, images per second and the estimated time left; a line per validation
 * and per epoch; at the end the loss curve (mean loss per epoch as bars) and the final statistics. The SameDiff
 * counterpart of DL4J's {@code ScoreIterationListener} and {@code PerformanceListener} (M2.1's SameDiff
 * {@code ScoreListener} reports a loss of 0, see {@link io.hrnet4j.zoo.samediff.LossRecorder}).
 */
final class ProgressReporter {
    private static final int BAR = 20;
    private final PrintStream out;
    private final TrainingRecipe recipe;
    private final TrainingData data;
    private long windowStart;
    private int windowImages;
    private double windowLoss;
    private int windowIterations;
    private double imagesPerSecond = Double.NaN;
    private int epoch;

    ProgressReporter(PrintStream out, TrainingRecipe recipe, TrainingData data) {
        this.out = out;
        this.recipe = recipe;
        this.data = data;
    }

    void line(String s) {
        out.println(s);
        out.flush();
    }

    void startEpoch(int epoch, int batchInEpoch, long iteration) {
        this.epoch = epoch;
        windowStart = System.nanoTime();
        windowImages = 0;
        windowLoss = 0;
        windowIterations = 0;
    }

    void iteration(long iteration, int minibatches, int batchInEpoch, double loss, double lr, int images) {
        windowImages += images;
        windowLoss += loss;
        windowIterations++;
        int bpe = data.batchesPerEpoch();
        int every = recipe.logEveryIterations();
        if ((iteration - minibatches) / every == iteration / every && batchInEpoch < bpe) {
            return;
        }
        double secs = (System.nanoTime() - windowStart) / 1e9;
        imagesPerSecond = windowImages / Math.max(secs, 1e-9);
        long totalIterations = (long) recipe.epochs() * bpe;
        long left = totalIterations - ((long) epoch * bpe + batchInEpoch);
        double eta = left * (double) recipe.batchSize() / imagesPerSecond;
        int filled = (int) Math.round(BAR * (double) batchInEpoch / bpe);
        line(String.format(Locale.ROOT, "epoch %d/%d iter %d/%d [%s%s] loss %.6f lr %.2e %.1f img/s ETA %s",
                epoch + 1, recipe.epochs(), batchInEpoch, bpe, "#".repeat(filled), ".".repeat(BAR - filled),
                windowLoss / windowIterations, lr, imagesPerSecond, duration(eta)));
        windowStart = System.nanoTime();
        windowImages = 0;
        windowLoss = 0;
        windowIterations = 0;
    }

    void validation(int epoch, TopDownEvalResult r, double seconds) {
        line(String.format(Locale.ROOT, "validation after epoch %d: %s %.4f (%.0f s)", epoch, r.metricName(),
                r.metric(), seconds));
    }

    void endEpoch(TrainingState.EpochRecord r) {
        line(String.format(Locale.ROOT, "epoch %d done: mean loss %.6f, lr %.2e, %.0f s%s", r.epoch(), r.meanLoss(),
                r.learningRate(), r.seconds(), r.metricName() == null ? ""
                        : String.format(Locale.ROOT, ", %s %.4f", r.metricName(), r.metric())));
    }

    void summary(TrainingResult result) {
        List<TrainingState.EpochRecord> epochs = result.epochs();
        if (!epochs.isEmpty()) {
            line("loss curve (mean loss per epoch):");
            double max = epochs.stream().mapToDouble(TrainingState.EpochRecord::meanLoss).max().orElse(1);
            for (TrainingState.EpochRecord r : epochs) {
                int n = max > 0 ? (int) Math.round(40 * r.meanLoss() / max) : 0;
                line(String.format(Locale.ROOT, "  %4d %.6f %s%s", r.epoch(), r.meanLoss(), "#".repeat(n),
                        r.metricName() == null ? "" : String.format(Locale.ROOT, "  %s %.4f", r.metricName(),
                                r.metric())));
            }
        }
        if (result.lastValidation() != null) {
            StringBuilder sb = new StringBuilder("final stats:");
            for (Map.Entry<String, Double> e : new java.util.TreeMap<>(result.lastValidation().stats()).entrySet()) {
                sb.append(String.format(Locale.ROOT, " %s=%.4f", e.getKey(), e.getValue()));
            }
            line(sb.toString());
            line(String.format(Locale.ROOT, "best %s %.4f at epoch %d", result.lastValidation().metricName(),
                    result.bestMetric(), result.bestEpoch()));
        }
        if (result.peakRssBytes() > 0) {
            line(String.format(Locale.ROOT, "peak RSS %.0f MiB", result.peakRssBytes() / 1048576.0));
        }
        line("output: " + result.outputDir());
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
