package io.hrnet4j.zoo.train;

import io.hrnet4j.data.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples the resident set size ({@link io.hrnet4j.zoo.bench.MemoryUsage#rssBytes()}) every {@code every} training steps, for the memory
 * soak ({@code hrnet train --max-iterations 1000 --rss-every 10}): after a warm-up the RSS of a healthy run is flat, a
 * leak shows as a positive slope. The slope is the least-squares fit of RSS against the step over the samples after
 * the warm-up (the first {@link #WARMUP_FRACTION} of the sampled steps: workspaces, caches and the first validation
 * grow there).
 */
public final class RssSampler {
    /** Fraction of the sampled steps treated as warm-up and left out of the slope. */
    public static final double WARMUP_FRACTION = 0.2;
    private final int every;
    private final List<long[]> samples = new ArrayList<>();

    /**
     * @param every sample after every this many steps, &gt;= 1
     * @throws IllegalArgumentException if {@code every < 1}
     */
    public RssSampler(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("RSS sampling interval must be >= 1 step, got " + every);
        }
        this.every = every;
    }

    /** @param step steps done; sampled when a multiple of the interval */
    void stepDone(int step) {
        if (step % every == 0) {
            samples.add(new long[] {step, io.hrnet4j.zoo.bench.MemoryUsage.current().rssBytes()});
        }
    }

    /** @return the samples, {step, rss bytes} */
    public List<long[]> samples() {
        return List.copyOf(samples);
    }

    /**
     * @return the least-squares slope of RSS against the step after the warm-up, bytes per step; NaN with fewer than
     *     3 samples after it
     */
    public double slopeBytesPerStep() {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        long last = samples.get(samples.size() - 1)[0];
        double from = last * WARMUP_FRACTION;
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (long[] s : samples) {
            if (s[0] > from) {
                n++;
                sx += s[0];
                sy += s[1];
                sxx += (double) s[0] * s[0];
                sxy += (double) s[0] * s[1];
            }
        }
        if (n < 3) {
            return Double.NaN;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /**
     * Writes {@code step,rss_bytes} rows through {@link AtomicFiles}.
     *
     * @param file the CSV file
     * @throws IOException if it cannot be written
     */
    public void writeCsv(Path file) throws IOException {
        List<List<Long>> rows = new ArrayList<>(samples.size());
        for (long[] s : samples) {
            rows.add(List.of(s[0], s[1]));
        }
        io.hrnet4j.data.io.CsvFiles.write(file, List.of("step", "rss_bytes"), rows);
    }

    /** @return one line: samples, RSS range and the slope after the warm-up in KiB per 1,000 steps */
    public String summary() {
        if (samples.isEmpty()) {
            return "RSS: no samples";
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long[] s : samples) {
            min = Math.min(min, s[1]);
            max = Math.max(max, s[1]);
        }
        return String.format(Locale.ROOT, "RSS: %d samples, %.0f..%.0f MiB, slope after warm-up (steps > %.0f) "
                + "%.1f KiB per 1000 steps", samples.size(), min / 1048576.0, max / 1048576.0,
                samples.get(samples.size() - 1)[0] * WARMUP_FRACTION, slopeBytesPerStep() * 1000 / 1024);
    }
}
