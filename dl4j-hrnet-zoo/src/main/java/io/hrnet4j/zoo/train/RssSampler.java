package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.CsvFiles;
import io.hrnet4j.zoo.arch.MemoryBudget;
import io.hrnet4j.zoo.bench.MemoryUsage;
import io.hrnet4j.zoo.render.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The memory soak of a training run ({@code hrnet train --soak}, or {@code --rss-every N} on any run): after every
 * {@code every} training iterations it samples the resident set size ({@link MemoryUsage#rssBytes()}, the kernel's
 * {@code VmRSS}) and the Java heap in use, and at the end fits the RSS trend after the warm-up ({@link RssTrend}: the
 * least-squares slope over the samples after the first {@code warmupFraction} of the sampled iterations). The RSS
 * of a run whose live memory is bounded is flat after the warm-up; a leak shows as a positive slope.
 *
 * <p>Files ({@link #write}, all through {@link AtomicFiles}): {@code rss.csv} ({@code iteration,rss_bytes,
 * heap_used_bytes}, one row per sample), {@code rss.json} ({@code {"every", "conditions": {...}, "trend":
 * {...}}}, the trend as in {@link RssTrend#toMap}) and {@code rss.png} (RSS and heap in MiB against the iteration,
 * with the fitted line).
 */
public final class RssSampler {
    /** Default fraction of the sampled iterations treated as warm-up and left out of the slope. */
    public static final double WARMUP_FRACTION = 0.2;
    /**
     * Default largest slope that counts as flat, MiB per 100 iterations: 10 KiB per iteration, less than one
     * activation of the smallest preset ({@code [32, 16, 32, 24]} float32 is 1.5 MiB), i.e. no per-step array leaks.
     */
    public static final double FLAT_LIMIT_MIB_PER_100 = 1.0;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final int every;
    private final double warmupFraction;
    private final double flatLimit;
    private final List<long[]> samples = new ArrayList<>();

    /**
     * A sampler with the default warm-up fraction and flatness limit.
     *
     * @param every sample after every this many iterations, &gt;= 1
     * @throws IllegalArgumentException if {@code every < 1}
     */
    public RssSampler(int every) {
        this(every, WARMUP_FRACTION, FLAT_LIMIT_MIB_PER_100);
    }

    /**
     * @param every sample after every this many iterations, &gt;= 1
     * @param warmupFraction fraction of the last sampled iteration left out of the fit as warm-up, in [0, 1)
     * @param flatLimitMibPer100 largest slope counted as flat, MiB per 100 iterations, &gt;= 0
     * @throws IllegalArgumentException for a value out of range
     */
    public RssSampler(int every, double warmupFraction, double flatLimitMibPer100) {
        TrainingRecipe.require(every >= 1, "RSS sampling interval must be >= 1 iteration, got " + every);
        TrainingRecipe.require(warmupFraction >= 0 && warmupFraction < 1,
                "RSS warm-up fraction must be in [0, 1), got " + warmupFraction);
        TrainingRecipe.require(flatLimitMibPer100 >= 0 && Double.isFinite(flatLimitMibPer100),
                "RSS flatness limit must be a finite number >= 0 MiB per 100 iterations, got " + flatLimitMibPer100);
        this.every = every;
        this.warmupFraction = warmupFraction;
        this.flatLimit = flatLimitMibPer100;
    }

    /** @return the sampling interval, iterations */
    public int every() {
        return every;
    }

    /** @return the flatness limit, MiB per 100 iterations */
    public double flatLimitMibPer100() {
        return flatLimit;
    }

    /** @param iteration iterations done; sampled when a multiple of the interval */
    void stepDone(long iteration) {
        if (iteration % every == 0) {
            Runtime rt = Runtime.getRuntime();
            samples.add(new long[] {iteration, MemoryUsage.current().rssBytes(), rt.totalMemory() - rt.freeMemory()});
        }
    }

    /** @return the samples, {iteration, RSS bytes, Java heap used bytes} */
    public List<long[]> samples() {
        return samples.stream().map(long[]::clone).toList();
    }

    /** @return the warm-up cut: the first {@code warmupFraction} of the last sampled iteration (0 without samples) */
    public long warmupCut() {
        return samples.isEmpty() ? 0 : (long) Math.floor(samples.get(samples.size() - 1)[0] * warmupFraction);
    }

    /** @return the RSS trend after the warm-up cut */
    public RssTrend trend() {
        long[] x = new long[samples.size()];
        long[] y = new long[samples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples.get(i)[0];
            y[i] = samples.get(i)[1];
        }
        return RssTrend.fit(x, y, warmupCut());
    }

    /** @return whether the RSS is flat after the warm-up ({@link RssTrend#flat} at this sampler's limit) */
    public boolean flat() {
        return trend().flat(flatLimit);
    }

    /**
     * Writes {@code rss.csv}, {@code rss.json} and {@code rss.png} into a folder.
     *
     * @param dir the run's output folder
     * @param run what was trained (model, batch, backend), recorded under {@code conditions.run}
     * @throws IOException if a file cannot be written (an existing good file is kept)
     */
    public void write(Path dir, String run) throws IOException {
        List<List<Long>> rows = new ArrayList<>(samples.size());
        for (long[] s : samples) {
            rows.add(List.of(s[0], s[1], s[2]));
        }
        CsvFiles.write(dir.resolve("rss.csv"), List.of("iteration", "rss_bytes", "heap_used_bytes"), rows);
        RssTrend t = trend();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("every", every);
        m.put("conditions", conditions(run));
        m.put("trend", t.toMap(flatLimit));
        AtomicFiles.writeString(dir.resolve("rss.json"), JSON.writeValueAsString(m) + "\n");
        if (!samples.isEmpty()) {
            writePlot(dir.resolve("rss.png"), t);
        }
    }

    private static Map<String, Object> conditions(String run) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("run", run);
        c.put("available_processors", Runtime.getRuntime().availableProcessors());
        c.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        c.put("memory_budget", MemoryBudget.describe());
        c.put("javacpp_maxbytes", System.getProperty(MemoryBudget.JAVACPP_MAX_BYTES));
        c.put("javacpp_maxphysicalbytes", System.getProperty(MemoryBudget.JAVACPP_MAX_PHYSICAL_BYTES));
        c.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return c;
    }

    private void writePlot(Path file, RssTrend t) throws IOException {
        XYChart c = Charts.xy(900, 500, "Resident memory during training", "iteration", "MiB");
        double[] x = new double[samples.size()];
        double[] rss = new double[x.length];
        double[] heap = new double[x.length];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            x[i] = samples.get(i)[0];
            rss[i] = samples.get(i)[1] / 1048576.0;
            heap[i] = samples.get(i)[2] / 1048576.0;
            lo = Math.min(lo, Math.min(rss[i], heap[i]));
            hi = Math.max(hi, Math.max(rss[i], heap[i]));
        }
        c.addSeries("RSS (VmRSS)", x, rss).setMarker(SeriesMarkers.NONE);
        c.addSeries("Java heap in use", x, heap).setMarker(SeriesMarkers.NONE);
        if (Double.isFinite(t.slopeBytesPerIteration())) {
            double[] fx = {t.firstIteration(), t.lastIteration()};
            double[] fy = {(t.interceptBytes() + t.slopeBytesPerIteration() * fx[0]) / 1048576.0,
                (t.interceptBytes() + t.slopeBytesPerIteration() * fx[1]) / 1048576.0};
            c.addSeries(String.format(java.util.Locale.ROOT, "RSS fit after warm-up (%+.2f MiB / 100 it)",
                    t.mibPer100Iterations()), fx, fy).setMarker(SeriesMarkers.NONE);
        }
        Charts.padFlatYAxis(c, lo, hi);
        Charts.writePng(c, file);
    }

    /** @return one line: the trend after the warm-up ({@link RssTrend#describe}) */
    public String summary() {
        return samples.isEmpty() ? "RSS: no samples" : trend().describe(flatLimit);
    }
}
