package io.hrnet4j.cli;

import java.util.Locale;

/** A one-line text progress bar for long commands ({@code [#####-----] 50/100 crops, 12.3/s, ETA 4 s}). */
final class ProgressBar {
    private static final int WIDTH = 30;

    private ProgressBar() {
    }

    /**
     * @param done items done
     * @param total items in all (&gt; 0)
     * @param rate items per second
     * @param unit the item name, e.g. {@code crops}
     * @return the bar, without a line end
     */
    static String render(int done, int total, double rate, String unit) {
        int filled = total <= 0 ? WIDTH : (int) Math.round((double) WIDTH * done / total);
        String bar = "#".repeat(Math.max(0, Math.min(WIDTH, filled))) + "-".repeat(Math.max(0, WIDTH - filled));
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        return String.format(Locale.ROOT, "[%s] %d/%d %s, %.1f/s, ETA %s", bar, done, total, unit, rate,
                Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0f s", eta));
    }
}
