package io.hrnet4j.zoo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Times this project's realisations against the PyTorch peer ({@link PyTorchPeer}) in one run, at equal thread
 * counts, and reports throughput ratios {@code ours / PyTorch} (= PyTorch seconds / our seconds at the same batch;
 * above 1 means faster than PyTorch).
 *
 * <p>For each thread count both sides run as separate processes started for it (ND4J's OpenMP pool is sized at JVM
 * start from {@code OMP_NUM_THREADS}, so our side is a child JVM; PyTorch calls {@code torch.set_num_threads}).
 * Both are driven round by round ({@link RoundProcess}): {@code warmup} untimed rounds, then {@code repeats} timed
 * ones, the side that goes first alternating every round, so load drift on the machine hits both; each figure is
 * the median over the timed rounds. Measurement keys: {@code infer_b<n>} (one inference forward of a batch of n),
 * {@code train_b<n>} (one training step: forward with batch statistics, JointsMSELoss with target weights,
 * backward, Adam lr 1e-3). This is a benchmark, never a test: do not assert on its timings.
 */
public final class PyTorchComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PyTorchComparison() {
    }

    /**
     * The medians at one thread count.
     *
     * @param threads OpenMP / torch intra-op threads on both sides
     * @param pytorchSeconds measurement key to median seconds, PyTorch
     * @param pytorchPeakRssBytes the PyTorch process's peak RSS ({@code VmHWM})
     * @param oursSeconds realisation name to measurement key to median seconds
     * @param oursMemory the child JVM's memory after its last round (peak RSS, ND4J native and JavaCPP off-heap bytes)
     * @param oursReady the child JVM's ready line (threads ND4J reports, natives)
     */
    public record ThreadResult(int threads, Map<String, Double> pytorchSeconds, long pytorchPeakRssBytes,
                               Map<String, Map<String, Double>> oursSeconds, MemoryUsage oursMemory,
                               JsonNode oursReady) {

        /**
         * @param realisation a realisation name ({@code graph}, {@code samediff}, {@code samediff_folded})
         * @return measurement key to {@code PyTorch seconds / our seconds}, for the keys both sides measured
         */
        public Map<String, Double> ratios(String realisation) {
            Map<String, Double> out = new LinkedHashMap<>();
            Map<String, Double> ours = oursSeconds.getOrDefault(realisation, Map.of());
            for (Map.Entry<String, Double> e : pytorchSeconds.entrySet()) {
                Double o = ours.get(e.getKey());
                if (o != null) {
                    out.put(e.getKey(), e.getValue() / o);
                }
            }
            return out;
        }
    }

    /**
     * A comparison.
     *
     * @param config the architecture both sides built
     * @param verification the peer's proof against the tiny oracle
     * @param warmup untimed rounds per thread count
     * @param repeats timed rounds per thread count (medians reported)
     * @param results one entry per thread count, in the order run
     */
    public record Result(HRNetConfig config, PyTorchPeer.Verification verification, int warmup, int repeats,
                         List<ThreadResult> results) {

        /** @return the realisation names measured, in order */
        public List<String> realisations() {
            Set<String> names = new LinkedHashSet<>();
            results.forEach(r -> names.addAll(r.oursSeconds().keySet()));
            return new ArrayList<>(names);
        }

        /**
         * The JSON document of {@code hrnet bench --vs-pytorch --json}, keyed by thread count ({@code "1"},
         * {@code "2"}):
         * <pre>
         * {"pytorch": {"torch": version, "verify_max_abs_diff": d, "config": {MODEL...}, "warmup": w, "repeats": n,
         *              "threads": {"2": {"seconds": {"infer_b1": s, "infer_b8": s, "train_b8": s},
         *                                "peak_rss_bytes": b}}},
         *  "realisations": {"graph": {"threads": {"2": {"seconds": {...}, "memory": {rss_bytes, peak_rss_bytes,
         *                       offheap_total_bytes, offheap_physical_bytes, nd4j_bytes}}}}, ...},
         *  "ratios": {"graph": {"infer_b1": r, "infer_b8": r, "train_b8": r,
         *                       "threads": {"1": {"infer_b1": r, ...}, "2": {...}}}, ...}}
         * </pre>
         * The unnested ratios are those at the largest thread count measured (the headline figures); the memory of a
         * thread count is that of the one child JVM that ran every realisation.
         *
         * @return the document as nested maps
         */
        public Map<String, Object> toMap() {
            Map<String, Object> pytorch = new LinkedHashMap<>();
            pytorch.put("torch", verification.torchVersion());
            pytorch.put("verify_max_abs_diff", verification.maxAbsDiff());
            pytorch.put("config", JSON.convertValue(ExperimentConfig.toTree(config), Map.class));
            pytorch.put("warmup", warmup);
            pytorch.put("repeats", repeats);
            Map<String, Object> pt = new LinkedHashMap<>();
            for (ThreadResult r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seconds", r.pytorchSeconds());
                m.put("peak_rss_bytes", r.pytorchPeakRssBytes());
                pt.put(Integer.toString(r.threads()), m);
            }
            pytorch.put("threads", pt);
            Map<String, Object> realisations = new LinkedHashMap<>();
            Map<String, Object> ratios = new LinkedHashMap<>();
            ThreadResult headline = results.stream().max((a, b) -> Integer.compare(a.threads(), b.threads()))
                    .orElseThrow();
            for (String name : realisations()) {
                Map<String, Object> byThreads = new LinkedHashMap<>();
                Map<String, Object> ratioThreads = new LinkedHashMap<>();
                for (ThreadResult r : results) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seconds", r.oursSeconds().getOrDefault(name, Map.of()));
                    m.put("memory", r.oursMemory().toMap());
                    byThreads.put(Integer.toString(r.threads()), m);
                    ratioThreads.put(Integer.toString(r.threads()), r.ratios(name));
                }
                realisations.put(name, Map.of("threads", byThreads));
                Map<String, Object> rm = new LinkedHashMap<>(headline.ratios(name));
                rm.put("threads", ratioThreads);
                ratios.put(name, rm);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("pytorch", pytorch);
            doc.put("realisations", realisations);
            doc.put("ratios", ratios);
            return doc;
        }

        /** @return a fixed-width table: per thread count and measurement, seconds of each side and the ratios */
        public String table() {
            List<String> names = realisations();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%s; PyTorch %s (tiny oracle max |diff| %.2g); median of %d rounds "
                            + "after %d warm-up, sides alternated; ratio = our throughput / PyTorch's%n",
                    PoseNetworks.describe(config), verification.torchVersion(), verification.maxAbsDiff(), repeats,
                    warmup));
            sb.append(String.format(Locale.ROOT, "%-7s %-10s %10s", "threads", "measure", "PyTorch s"));
            for (String n : names) {
                sb.append(String.format(Locale.ROOT, " %16s %7s", n + " s", "ratio"));
            }
            sb.append('\n');
            for (ThreadResult r : results) {
                for (Map.Entry<String, Double> e : r.pytorchSeconds().entrySet()) {
                    sb.append(String.format(Locale.ROOT, "%-7d %-10s %10.3f", r.threads(), e.getKey(), e.getValue()));
                    for (String n : names) {
                        Double o = r.oursSeconds().getOrDefault(n, Map.of()).get(e.getKey());
                        sb.append(o == null ? String.format(Locale.ROOT, " %16s %7s", "-", "-")
                                : String.format(Locale.ROOT, " %16.3f %6.2fx", o, e.getValue() / o));
                    }
                    sb.append('\n');
                }
            }
            for (ThreadResult r : results) {
                sb.append(String.format(Locale.ROOT, "memory, %d thread%s: PyTorch peak RSS %s; ours (one JVM, all "
                                + "realisations) %s%n", r.threads(), r.threads() == 1 ? "" : "s",
                        MemoryUsage.gib(r.pytorchPeakRssBytes()), r.oursMemory().describe()));
            }
            return sb.toString();
        }
    }

    /**
     * Runs the comparison.
     *
     * @param config the architecture both sides build
     * @param verification the peer's verification; must be {@link PyTorchPeer.Verification#ok() ok}
     * @param threads thread counts, e.g. {@code [1, 2]}
     * @param ours starts our side for a thread count (a child JVM with {@code OMP_NUM_THREADS}); its rounds answer
     *     {@code {"seconds": {realisation: {key: s}}, "memory": {...}}}
     * @param theirs starts the PyTorch peer for a thread count ({@link PyTorchPeer#start})
     * @param warmup untimed rounds (>= 0)
     * @param repeats timed rounds (>= 1)
     * @param progress receives one line per round (may be null)
     * @return the medians and ratios
     * @throws IllegalStateException if the verification failed (no comparison is made), or a side fails
     */
    public static Result run(HRNetConfig config, PyTorchPeer.Verification verification, List<Integer> threads,
                             IntFunction<RoundProcess> ours, IntFunction<RoundProcess> theirs, int warmup,
                             int repeats, Consumer<String> progress) {
        if (!verification.ok()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the PyTorch peer does not reproduce the tiny "
                    + "oracle (max |diff| %.3g > %.0e): refusing to compare", verification.maxAbsDiff(),
                    PyTorchPeer.TOLERANCE));
        }
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("warmup must be >= 0 and repeats >= 1, got " + warmup + ", " + repeats);
        }
        List<ThreadResult> results = new ArrayList<>();
        for (int t : threads) {
            List<JsonNode> ptRounds = new ArrayList<>();
            List<JsonNode> ourRounds = new ArrayList<>();
            try (RoundProcess pt = theirs.apply(t); RoundProcess us = ours.apply(t)) {
                for (int i = 0; i < warmup + repeats; i++) {
                    JsonNode a;
                    JsonNode b;
                    if (i % 2 == 0) {
                        a = pt.round();
                        b = us.round();
                    } else {
                        b = us.round();
                        a = pt.round();
                    }
                    if (i >= warmup) {
                        ptRounds.add(a);
                        ourRounds.add(b);
                    }
                    if (progress != null) {
                        progress.accept(String.format(Locale.ROOT, "%d thread%s, %s %d/%d: PyTorch %s; ours %s", t,
                                t == 1 ? "" : "s", i < warmup ? "warm-up" : "round", i < warmup ? i + 1
                                        : i - warmup + 1, i < warmup ? warmup : repeats, a.get("seconds"),
                                b.get("seconds")));
                    }
                }
                JsonNode lastOurs = ourRounds.get(ourRounds.size() - 1);
                @SuppressWarnings("unchecked")
                Map<String, Object> mem = JSON.convertValue(lastOurs.path("memory"), Map.class);
                results.add(new ThreadResult(t, medians(ptRounds, null), ptRounds.get(ptRounds.size() - 1)
                        .path("peak_rss_bytes").asLong(-1), oursMedians(ourRounds), MemoryUsage.fromMap(
                        mem == null ? Map.of() : mem), us.ready()));
            }
        }
        return new Result(config, verification, warmup, repeats, results);
    }

    private static Map<String, Map<String, Double>> oursMedians(List<JsonNode> rounds) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Iterator<String> it = rounds.get(0).get("seconds").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            out.put(name, medians(rounds, name));
        }
        return out;
    }

    /** @return key to median seconds over the rounds' {@code seconds} (or {@code seconds.<sub>}) objects */
    private static Map<String, Double> medians(List<JsonNode> rounds, String sub) {
        Map<String, Double> out = new LinkedHashMap<>();
        JsonNode first = sub == null ? rounds.get(0).get("seconds") : rounds.get(0).get("seconds").get(sub);
        for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            double[] v = rounds.stream().mapToDouble(r -> (sub == null ? r.get("seconds") : r.get("seconds").get(sub))
                    .path(key).asDouble(Double.NaN)).toArray();
            if (Arrays.stream(v).anyMatch(x -> !(x > 0) || Double.isInfinite(x))) {
                throw new IllegalStateException("a round reported an invalid time for " + (sub == null ? "" : sub + " ")
                        + key + ": " + Arrays.toString(v));
            }
            out.put(key, ModelBenchmark.median(v));
        }
        return out;
    }
}
