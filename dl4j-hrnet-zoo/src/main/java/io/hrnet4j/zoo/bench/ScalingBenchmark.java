package io.hrnet4j.zoo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.PoseNetworks.Backend;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Time and peak memory against batch size and input size for one realisation, over several architectures (e.g.
 * HRNet-W32 and W48, each with its DE-HRNet of the same width): the scaling table of {@code hrnet bench --scaling}.
 *
 * <p>Each configuration's network is built once ({@link ModelBenchmark.Workload}); then, per batch size, the
 * process's peak RSS is reset ({@link MemoryUsage#resetPeak()}, after a GC), {@code warmup} untimed and
 * {@code iterations} timed inference calls (and training steps, when asked and the realisation trains) run, and the
 * median times and the peak RSS of that point are recorded. A point's peak RSS therefore includes the network, its
 * updater state and whatever ND4J keeps cached from earlier points of the same configuration; where the kernel
 * does not allow the reset it is the process's lifetime peak (reported as such).
 *
 * <p>Memory that ND4J does not return to the system stays resident, so in one process a network's points would
 * also carry what the networks measured before it left behind. {@link #runIsolated} therefore measures each
 * configuration in its own process (a child JVM driven over the {@link RoundProcess} protocol, answering one round
 * with {@link #roundAnswer}); {@link #run} is the in-process measurement that child performs.
 */
public final class ScalingBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScalingBenchmark() {
    }

    /**
     * One measured point.
     *
     * @param config the architecture (input size included)
     * @param batch batch size
     * @param inferSeconds median seconds of one inference call
     * @param trainSeconds median seconds of one training step, NaN when not measured
     * @param memory the process's memory after the point; {@code peakRssBytes} is the point's peak when
     *     {@code peakIsPerPoint}
     * @param peakIsPerPoint whether the peak RSS was reset before the point
     */
    public record Point(HRNetConfig config, int batch, double inferSeconds, double trainSeconds, MemoryUsage memory,
                        boolean peakIsPerPoint) {
        /** @return {@code HRNet-W32} or {@code DE-HRNet-W32} */
        public String network() {
            return (config.isDeHrnet() ? "DE-HRNet-W" : "HRNet-W") + config.width();
        }

        /** @return {@code 256x192} (height x width) */
        public String input() {
            return config.inputHeight() + "x" + config.inputWidth();
        }

        /**
         * @return {@code {"network", "dehrnet", "width", "input", "batch", "infer_seconds", "images_per_second",
         *     "train_seconds" (null when not measured), "memory" ({@link MemoryUsage#toMap()}),
         *     "peak_is_per_point"}}
         */
        public Map<String, Object> toMap() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("network", network());
            r.put("dehrnet", config.isDeHrnet());
            r.put("width", config.width());
            r.put("input", input());
            r.put("batch", batch);
            r.put("infer_seconds", inferSeconds);
            r.put("images_per_second", batch / inferSeconds);
            r.put("train_seconds", Double.isNaN(trainSeconds) ? null : trainSeconds);
            r.put("memory", memory.toMap());
            r.put("peak_is_per_point", peakIsPerPoint);
            return r;
        }

        /**
         * Reads a point written by {@link #toMap()} (e.g. by a child process) back.
         *
         * @param config the architecture the point was measured on
         * @param m the point's JSON object
         * @return the point
         * @throws IllegalStateException if the object names another network or input than {@code config}, or lacks
         *     the batch or a positive inference time
         */
        public static Point fromJson(HRNetConfig config, JsonNode m) {
            Point probe = new Point(config, 0, Double.NaN, Double.NaN, null, false);
            if (!probe.network().equals(m.path("network").asText()) || !probe.input().equals(m.path("input").asText())
                    || !m.path("batch").canConvertToInt() || m.path("batch").asInt() < 1
                    || !(m.path("infer_seconds").asDouble(-1) > 0)) {
                throw new IllegalStateException("scaling point of " + probe.network() + " " + probe.input()
                        + " expected, got " + m);
            }
            JsonNode train = m.path("train_seconds");
            @SuppressWarnings("unchecked")
            Map<String, Object> memory = JSON.convertValue(m.path("memory"), Map.class);
            return new Point(config, m.get("batch").asInt(), m.get("infer_seconds").asDouble(),
                    train.isNumber() ? train.asDouble() : Double.NaN, MemoryUsage.fromMap(memory == null ? Map.of()
                    : memory), m.path("peak_is_per_point").asBoolean(false));
        }
    }

    /**
     * A scaling run.
     *
     * @param realisation the realisation measured
     * @param warmup untimed calls per point
     * @param iterations timed calls per point (median)
     * @param points the points, in the order measured
     * @param threads ND4J's OpenMP thread count in the run ({@code Nd4j.getEnvironment().maxThreads()})
     * @param natives the JavaCPP platform extension of the native build in effect ({@code ""}: the generic build)
     * @param isolated whether each configuration was measured in its own process ({@link #runIsolated}), so that
     *     its peak RSS holds nothing of the configurations measured before it
     */
    public record Result(Backend realisation, int warmup, int iterations, List<Point> points, int threads,
                         String natives, boolean isolated) {

        /**
         * @return the conditions (realisation, threads, native build, repetitions), then a Markdown table (network,
         *     input, batch, inference s and img/s, training-step s, peak RSS,
         *     ND4J's native bytes after the point), then, where both were measured, a table of DE-HRNet / HRNet
         *     time ratios at the same width, input and batch
         */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Realisation %s, median of %d after %d warm-up; %d ND4J threads, "
                            + "%s natives; peak RSS %s%s.%n%n",
                    realisation.name().toLowerCase(Locale.ROOT), iterations, warmup, threads,
                    natives.isEmpty() ? "generic" : natives,
                    points.stream().allMatch(Point::peakIsPerPoint) ? "per point (VmHWM reset before each)"
                            : "of the whole process (the kernel refused the per-point reset)",
                    isolated ? ", one JVM per network" : ", all networks in one JVM (later networks' figures include "
                            + "memory the earlier ones left resident)"));
            sb.append("| network | input | batch | inference s | img/s | training step s | peak RSS GiB "
                    + "| ND4J native GiB |\n|---|---|---|---|---|---|---|---|\n");
            for (Point p : points) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %.2f | %s | %.2f | %.2f |%n",
                        p.network(), p.input(), p.batch(), p.inferSeconds(), p.batch() / p.inferSeconds(),
                        Double.isNaN(p.trainSeconds()) ? "-" : String.format(Locale.ROOT, "%.3f", p.trainSeconds()),
                        p.memory().peakRssBytes() / (double) (1L << 30),
                        p.memory().nd4jBytes() / (double) (1L << 30)));
            }
            StringBuilder ratios = new StringBuilder();
            for (Point de : points) {
                if (!de.config().isDeHrnet()) {
                    continue;
                }
                for (Point hr : points) {
                    if (!hr.config().isDeHrnet() && hr.config().width() == de.config().width()
                            && hr.input().equals(de.input()) && hr.batch() == de.batch()) {
                        ratios.append(String.format(Locale.ROOT, "| W%d | %s | %d | %.2f | %s | %.2f |%n",
                                de.config().width(), de.input(), de.batch(), de.inferSeconds() / hr.inferSeconds(),
                                Double.isNaN(de.trainSeconds()) || Double.isNaN(hr.trainSeconds()) ? "-"
                                        : String.format(Locale.ROOT, "%.2f", de.trainSeconds() / hr.trainSeconds()),
                                de.memory().peakRssBytes() / (double) hr.memory().peakRssBytes()));
                    }
                }
            }
            if (ratios.length() > 0) {
                sb.append("\nDE-HRNet / HRNet at the same width, input and batch (time and peak RSS ratios):\n\n")
                        .append("| width | input | batch | inference | training step | peak RSS |\n")
                        .append("|---|---|---|---|---|---|\n").append(ratios);
            }
            return sb.toString();
        }

        /**
         * @return {@code {"realisation", "threads", "natives", "warmup", "iterations", "isolated", "points":
         *     [{@link Point#toMap()}, ...]}}
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("realisation", realisation.name().toLowerCase(Locale.ROOT));
            m.put("threads", threads);
            m.put("natives", natives.isEmpty() ? "generic" : natives);
            m.put("warmup", warmup);
            m.put("iterations", iterations);
            m.put("isolated", isolated);
            m.put("points", points.stream().map(Point::toMap).toList());
            return m;
        }
    }

    /**
     * Runs the scaling measurement in this process (all configurations in one JVM; see {@link #runIsolated} for
     * clean per-network memory figures).
     *
     * @param configs the architectures, input sizes included (e.g. W32 and W48 at 256x192 and 384x288, HRNet and
     *     DE-HRNet)
     * @param realisation the realisation
     * @param batches batch sizes, e.g. {@code 1, 2, 4, 8, 16}
     * @param train whether to time a training step too (ignored for SAMEDIFF_FOLDED, which cannot train)
     * @param warmup untimed calls per point (>= 0)
     * @param iterations timed calls per point (>= 1)
     * @param progress receives one line per point (may be null)
     * @return the points
     */
    public static Result run(List<HRNetConfig> configs, Backend realisation, int[] batches, boolean train, int warmup,
                             int iterations, Consumer<String> progress) {
        boolean trains = train && realisation != Backend.SAMEDIFF_FOLDED;
        List<Point> points = new ArrayList<>();
        for (HRNetConfig cfg : configs) {
            ModelBenchmark.Workload w = new ModelBenchmark.Workload(cfg, List.of(realisation), batches,
                    trains ? batches : new int[0], 0);
            for (int b : batches) {
                System.gc();
                boolean reset = MemoryUsage.resetPeak();
                double infer = ModelBenchmark.median(ModelBenchmark.time(() -> w.infer(realisation, b), warmup,
                        iterations));
                double trainS = trains ? ModelBenchmark.median(ModelBenchmark.time(() -> w.train(realisation, b),
                        warmup, iterations)) : Double.NaN;
                Point p = new Point(cfg, b, infer, trainS, MemoryUsage.current(), reset);
                points.add(p);
                if (progress != null) {
                    progress.accept(String.format(Locale.ROOT, "%s %s batch %d: inference %.3f s%s, %s",
                            PoseNetworks.describe(cfg), realisation.name().toLowerCase(Locale.ROOT), b, infer,
                            trains ? String.format(Locale.ROOT, ", training step %.3f s", trainS) : "",
                            p.memory().describe()));
                }
            }
        }
        return new Result(realisation, warmup, iterations, points, Nd4j.getEnvironment().maxThreads(),
                System.getProperty("org.bytedeco.javacpp.platform.extension", ""), false);
    }

    /**
     * The answer of a child process to its one {@code round} ({@link RoundProcess#round()}): this in-process
     * result's {@link Result#toMap()} plus the {@code "seconds"} object the protocol requires
     * ({@link ModelBenchmark#inferKey} / {@link ModelBenchmark#trainKey} to median seconds).
     *
     * @param r the child's in-process result ({@link #run} over its one configuration)
     * @return the JSON-friendly answer
     */
    public static Map<String, Object> roundAnswer(Result r) {
        Map<String, Object> seconds = new LinkedHashMap<>();
        for (Point p : r.points()) {
            seconds.put(ModelBenchmark.inferKey(p.batch()), p.inferSeconds());
            if (!Double.isNaN(p.trainSeconds())) {
                seconds.put(ModelBenchmark.trainKey(p.batch()), p.trainSeconds());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>(r.toMap());
        m.put("seconds", seconds);
        return m;
    }

    /**
     * Runs the scaling measurement with each configuration in its own process, one after the other, so that no
     * network's memory figures include what another left resident: for each configuration {@code start} launches
     * a process (e.g. a child JVM running {@code hrnet bench --scaling --serve} for that one network) that
     * measures every batch of it ({@link #run}) on one {@code round} and answers {@link #roundAnswer}; the process
     * is then closed before the next one starts.
     *
     * @param configs the architectures, input sizes included
     * @param realisation the realisation (as passed to the children; recorded in the result)
     * @param batches the batch sizes the children measure, in order
     * @param warmup untimed calls per point, as passed to the children
     * @param iterations timed calls per point, as passed to the children
     * @param start starts the measuring process of one configuration
     * @param progress receives one line per configuration before it starts (may be null)
     * @return the points of every configuration, in order; threads and natives as the first child reports them
     * @throws IllegalStateException if a process dies, or answers other points than its configuration's batches
     */
    public static Result runIsolated(List<HRNetConfig> configs, Backend realisation, int[] batches, int warmup,
                                     int iterations, Function<HRNetConfig, RoundProcess> start,
                                     Consumer<String> progress) {
        List<Point> points = new ArrayList<>();
        int threads = -1;
        String natives = null;
        for (HRNetConfig cfg : configs) {
            if (progress != null) {
                progress.accept(PoseNetworks.describe(cfg) + ": measuring in its own JVM");
            }
            JsonNode answer;
            try (RoundProcess p = start.apply(cfg)) {
                answer = p.round();
            }
            JsonNode rows = answer.path("points");
            if (!rows.isArray() || rows.size() != batches.length) {
                throw new IllegalStateException(PoseNetworks.describe(cfg) + ": expected " + batches.length
                        + " scaling points from its process, got " + rows);
            }
            for (int i = 0; i < batches.length; i++) {
                Point p = Point.fromJson(cfg, rows.get(i));
                if (p.batch() != batches[i]) {
                    throw new IllegalStateException(PoseNetworks.describe(cfg) + ": expected batch " + batches[i]
                            + " as point " + (i + 1) + ", got " + p.batch());
                }
                points.add(p);
            }
            if (natives == null) {
                threads = answer.path("threads").asInt(-1);
                String n = answer.path("natives").asText("generic");
                natives = n.equals("generic") ? "" : n;
            }
        }
        return new Result(realisation, warmup, iterations, points, threads, natives == null ? "" : natives, true);
    }
}
