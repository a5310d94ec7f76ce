package io.hrnet4j.zoo.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The trend of a process's resident set size over training iterations, the figure of the memory soak
 * ({@code hrnet train --soak}): an ordinary least-squares line {@code rss = intercept + slope * iteration} fitted to
 * the samples taken after a stated warm-up cut (the first iterations grow workspaces, caches, the JIT's code and the
 * allocator's arenas, and are left out). A run whose live memory is bounded has a slope near 0 after the cut; a leak
 * of {@code b} bytes per iteration shows as a slope of {@code b}.
 *
 * <p>Least squares: {@code slope = (n Σxy - Σx Σy) / (n Σxx - (Σx)²)}, {@code intercept = (Σy - slope Σx) / n}, with
 * {@code x} the iteration and {@code y} the RSS in bytes, computed on {@code x} centred on its mean (no cancellation
 * for large iteration counts). A periodic pattern (a garbage-collection sawtooth of amplitude {@code A} and period
 * {@code T} iterations) biases the slope by up to about {@code A T / S²} over a fitted span of {@code S} iterations:
 * the soak runs long (1,000 iterations) so that this stays below the flatness limit.
 *
 * @param warmupCut samples at iterations {@code <= warmupCut} are left out of the fit
 * @param samples samples in the fit (after the cut)
 * @param firstIteration first iteration in the fit
 * @param lastIteration last iteration in the fit
 * @param slopeBytesPerIteration fitted slope, bytes per iteration (NaN with fewer than 3 samples after the cut)
 * @param interceptBytes fitted RSS at iteration 0, bytes (NaN likewise)
 * @param minBytes smallest RSS after the cut, bytes
 * @param maxBytes largest RSS after the cut, bytes
 * @param peakBytes largest RSS of all samples (warm-up included), bytes
 */
public record RssTrend(long warmupCut, int samples, long firstIteration, long lastIteration,
                       double slopeBytesPerIteration, double interceptBytes, long minBytes, long maxBytes,
                       long peakBytes) {

    /** Bytes in a MiB. */
    private static final double MIB = 1 << 20;

    /**
     * Fits the line to the samples after the cut.
     *
     * @param iterations the sampled iterations, increasing
     * @param rssBytes the RSS at each, bytes (same length)
     * @param warmupCut iterations {@code <= warmupCut} are warm-up
     * @return the trend (slope and intercept NaN with fewer than 3 samples after the cut)
     * @throws IllegalArgumentException if the arrays differ in length or the iterations do not increase
     */
    public static RssTrend fit(long[] iterations, long[] rssBytes, long warmupCut) {
        if (iterations.length != rssBytes.length) {
            throw new IllegalArgumentException("RSS samples: " + iterations.length + " iterations but "
                    + rssBytes.length + " RSS values");
        }
        long peak = -1;
        int n = 0;
        double sx = 0;
        long first = -1;
        long last = -1;
        long min = Long.MAX_VALUE;
        long max = -1;
        for (int i = 0; i < iterations.length; i++) {
            if (i > 0 && iterations[i] <= iterations[i - 1]) {
                throw new IllegalArgumentException("RSS samples: iteration " + iterations[i] + " at sample " + i
                        + " does not follow " + iterations[i - 1]);
            }
            peak = Math.max(peak, rssBytes[i]);
            if (iterations[i] > warmupCut) {
                n++;
                sx += iterations[i];
                first = first < 0 ? iterations[i] : first;
                last = iterations[i];
                min = Math.min(min, rssBytes[i]);
                max = Math.max(max, rssBytes[i]);
            }
        }
        double slope = Double.NaN;
        double intercept = Double.NaN;
        if (n >= 3) {
            double mx = sx / n;
            double my = 0;
            for (int i = 0; i < iterations.length; i++) {
                if (iterations[i] > warmupCut) {
                    my += rssBytes[i] / (double) n;
                }
            }
            double sxy = 0;
            double sxx = 0;
            for (int i = 0; i < iterations.length; i++) {
                if (iterations[i] > warmupCut) {
                    double dx = iterations[i] - mx;
                    sxy += dx * (rssBytes[i] - my);
                    sxx += dx * dx;
                }
            }
            slope = sxy / sxx;
            intercept = my - slope * mx;
        }
        return new RssTrend(warmupCut, n, first, last, slope, intercept, n == 0 ? -1 : min, max, peak);
    }

    /** @return the slope in MiB per 100 iterations (the soak's reported figure) */
    public double mibPer100Iterations() {
        return slopeBytesPerIteration * 100 / MIB;
    }

    /**
     * @param limitMibPer100 the largest slope that counts as flat, MiB per 100 iterations
     * @return whether the RSS is flat after the warm-up: a defined slope of at most the limit
     */
    public boolean flat(double limitMibPer100) {
        return Double.isFinite(slopeBytesPerIteration) && mibPer100Iterations() <= limitMibPer100;
    }

    /**
     * @param limitMibPer100 the flatness limit, MiB per 100 iterations
     * @return one line, e.g. {@code RSS flat: slope +0.12 MiB per 100 iterations over iterations 210..1000 (80
     *     samples after the warm-up cut at 200; limit 1.00), 1510..1622 MiB after the cut, peak 1650 MiB}
     */
    public String describe(double limitMibPer100) {
        if (samples < 3) {
            return String.format(Locale.ROOT, "RSS: %d samples after the warm-up cut at iteration %d, too few for a "
                    + "slope (peak %.0f MiB)", samples, warmupCut, peakBytes / MIB);
        }
        return String.format(Locale.ROOT, "RSS %s: slope %+.2f MiB per 100 iterations over iterations %d..%d (%d "
                        + "samples after the warm-up cut at iteration %d; flat means at most %.2f), %.0f..%.0f MiB "
                        + "after the cut, peak %.0f MiB", flat(limitMibPer100) ? "flat" : "NOT flat",
                mibPer100Iterations(), firstIteration, lastIteration, samples, warmupCut, limitMibPer100,
                minBytes / MIB, maxBytes / MIB, peakBytes / MIB);
    }

    /**
     * @param limitMibPer100 the flatness limit, MiB per 100 iterations
     * @return the figures for JSON: {@code warmup_cut_iteration}, {@code samples_after_cut},
     *     {@code first_iteration}, {@code last_iteration}, {@code slope_bytes_per_iteration},
     *     {@code slope_mib_per_100_iterations}, {@code intercept_bytes}, {@code min_rss_bytes}, {@code max_rss_bytes}
     *     (after the cut), {@code peak_rss_bytes}, {@code flat_limit_mib_per_100_iterations}, {@code flat}; NaN
     *     figures as null
     */
    public Map<String, Object> toMap(double limitMibPer100) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmup_cut_iteration", warmupCut);
        m.put("samples_after_cut", samples);
        m.put("first_iteration", firstIteration);
        m.put("last_iteration", lastIteration);
        m.put("slope_bytes_per_iteration", finite(slopeBytesPerIteration));
        m.put("slope_mib_per_100_iterations", finite(mibPer100Iterations()));
        m.put("intercept_bytes", finite(interceptBytes));
        m.put("min_rss_bytes", minBytes);
        m.put("max_rss_bytes", maxBytes);
        m.put("peak_rss_bytes", peakBytes);
        m.put("flat_limit_mib_per_100_iterations", limitMibPer100);
        m.put("flat", flat(limitMibPer100));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
