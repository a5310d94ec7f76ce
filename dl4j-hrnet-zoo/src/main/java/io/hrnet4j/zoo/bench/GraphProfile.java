package io.hrnet4j.zoo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.zoo.PoseNetworks.Backend;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.samediff.OpTimingListener;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the ComputationGraph that {@code HRNet.init()} returns spends a training step and an inference call, op type
 * by op type, under several thread settings measured in the same run: the graph counterpart of
 * {@code io.hrnet4j.zoo.samediff.StepProfile}, built to find where a second thread is lost.
 *
 * <p>Each variant (by default {@code 1t} = {@code OMP_NUM_THREADS=1} and {@code 2t} = {@code OMP_NUM_THREADS=2})
 * is a child JVM (this JVM's java, class path and options) that builds the graph once
 * ({@link ModelBenchmark.Workload}: {@code new HRNet.Builder().config(cfg).seed(7).updater(new Adam(1e-3)).build()
 * .init()}, random inputs {@code [N, 3, H, W]}, labels {@code [N, 17, H/4, W/4]}, target weights 1) and times every
 * ND4J op with {@link OpTimer}. The children answer one round at a time ({@link RoundProcess}); rounds alternate
 * between the variants, so load drift on the machine hits all of them. A round is: one training step
 * ({@code ComputationGraph.fit}, Adam, JointsMSELoss), one inference ({@code PoseNetwork.output}, folded batch
 * norms), and single-op micro-benchmarks on HRNet-W32 shapes ({@code conv2d} / {@code conv2d_bp} with weights
 * {@code [out, kH, kW, in]} as the graph's layers, {@code batchnorm}, {@code batchnorm_bp}, {@code moments},
 * {@code add}, ReLU), each the median of 7 calls after 2 warm-up calls.
 *
 * <p>Output (stdout, Markdown): per measurement a table {@code | op | calls | ms <variant>... | speed-up ... |
 * share |} of the milliseconds per call, median (default; robust to a stalled round) or mean over the timed
 * rounds, the time outside ops (DL4J's Java work), the wall-clock and the process's CPU time per wall-clock second
 * and page faults; then the micro-benchmark table; then each child's ND4J environment (OpenMP threads,
 * {@code maxThreads}, {@code maxMasterThreads}, {@code elementwiseThreshold}, {@code tadThreshold}) and peak
 * resident set.
 *
 * <p>Usage: {@code java -cp ... io.hrnet4j.zoo.bench.GraphProfile [--width 32] [--height 256] [--input-width 192]
 * [--batch 8] [--warmup 1] [--rounds 3] [--stat median|mean] [--infer 1] [--kernels 1]
 * [--variant LABEL:KEY=VALUE[,KEY=VALUE...]]...}
 * ({@code --infer 0} / {@code --kernels 0}: training step only); a {@code KEY=VALUE} is an environment variable of
 * that child, an item starting with {@code -} a JVM option, among them the system properties
 * {@code -Dhrnet.profile.maxThreads=n}, {@code maxMasterThreads}, {@code elementwiseThreshold},
 * {@code tadThreshold} (same prefix), set in ND4J's
 * {@code Environment} before the network is built, and {@code -Dhrnet.profile.classes=DIR}, which puts DIR first on
 * that child's class path (an earlier build of some classes, for an A/B of a code change in one run). A benchmark
 * command, not a test.
 */
public final class GraphProfile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHILD = "--child";
    private static final int TOP = 16;
    /** Variant item naming a directory or jar put first on that child's class path. */
    private static final String CLASSES = "-Dhrnet.profile.classes=";

    private GraphProfile() {
    }

    /** One child-JVM setting: a label, environment variables and JVM options. */
    record Variant(String label, Map<String, String> env, List<String> properties) {
        /**
         * @param spec {@code LABEL:KEY=VALUE[,KEY=VALUE...]}, items starting with {@code -} being JVM options
         *     ({@code -Dkey=value}, {@code -XX:...})
         * @return the variant
         * @throws IllegalArgumentException if the spec has no label or an item is not {@code KEY=VALUE}
         */
        static Variant parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--variant must be LABEL:KEY=VALUE[,KEY=VALUE...], got '" + spec
                        + "'");
            }
            Map<String, String> env = new LinkedHashMap<>();
            List<String> props = new ArrayList<>();
            for (String item : spec.substring(colon + 1).split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (item.startsWith("-")) {
                    props.add(item);
                } else if (eq <= 0) {
                    throw new IllegalArgumentException("--variant item must be KEY=VALUE or a JVM option (-...), "
                            + "got '" + item + "' in '" + spec + "'");
                } else {
                    env.put(item.substring(0, eq), item.substring(eq + 1));
                }
            }
            return new Variant(spec.substring(0, colon), env, props);
        }
    }

    /**
     * @param args see the class comment
     * @throws Exception if a child fails (its error output is shown) or an argument is invalid
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        List<Variant> variants = new ArrayList<>();
        boolean child = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CHILD)) {
                child = true;
            } else if (args[i].equals("--variant") && i + 1 < args.length) {
                variants.add(Variant.parse(args[++i]));
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opts.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("GraphProfile: unknown or incomplete argument '" + args[i] + "'");
            }
        }
        int width = intOpt(opts, "--width", 32);
        int height = intOpt(opts, "--height", 256);
        int inputWidth = intOpt(opts, "--input-width", 192);
        int batch = intOpt(opts, "--batch", 8);
        HRNetConfig cfg = HRNetConfig.standard(width, 17, height, inputWidth);
        boolean infer = intOpt(opts, "--infer", 1) != 0;
        boolean kernels = intOpt(opts, "--kernels", 1) != 0;
        if (child) {
            child(cfg, batch, infer, kernels);
            return;
        }
        if (variants.isEmpty()) {
            variants.add(Variant.parse("1t:OMP_NUM_THREADS=1"));
            variants.add(Variant.parse("2t:OMP_NUM_THREADS=2"));
        }
        String stat = opts.getOrDefault("--stat", "median");
        if (!stat.equals("median") && !stat.equals("mean")) {
            throw new IllegalArgumentException("GraphProfile: --stat must be median or mean, got '" + stat + "'");
        }
        parent(cfg, batch, intOpt(opts, "--warmup", 1), intOpt(opts, "--rounds", 3), stat.equals("median"), variants,
                List.of("--width", "" + width, "--height", "" + height, "--input-width", "" + inputWidth,
                        "--batch", "" + batch, "--infer", infer ? "1" : "0", "--kernels", kernels ? "1" : "0"),
                System.out);
    }

    private static int intOpt(Map<String, String> opts, String key, int def) {
        String v = opts.get(key);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GraphProfile: " + key + " must be an integer, got '" + v + "'", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ parent side

    private static void parent(HRNetConfig cfg, int batch, int warmup, int rounds, boolean median,
                               List<Variant> variants, List<String> childArgs, PrintStream out) throws IOException {
        List<RoundProcess> children = new ArrayList<>();
        List<Accumulated> acc = new ArrayList<>();
        try {
            for (Variant v : variants) {
                System.err.println("GraphProfile: starting child " + v.label() + " " + v.env() + " " + v.properties());
                children.add(new RoundProcess("child " + v.label(), startChild(v, childArgs)));
                acc.add(new Accumulated(median));
            }
            for (int r = 0; r < warmup + rounds; r++) {
                for (int i = 0; i < children.size(); i++) {
                    JsonNode answer = children.get(i).round();
                    System.err.printf(Locale.ROOT, "GraphProfile: round %d %s %s%n", r, variants.get(i).label(),
                            answer.path("seconds"));
                    if (r >= warmup) {
                        acc.get(i).add(answer);
                    }
                }
            }
            out.printf(Locale.ROOT, "HRNet-W%d %dx%d batch %d, ComputationGraph from HRNet.init(), %d timed rounds "
                            + "(after %d warm-up), variants alternating round by round; ms per call (%s over rounds)"
                            + "%n%n", cfg.width(), cfg.inputHeight(), cfg.inputWidth(), batch, rounds, warmup,
                    median ? "median" : "mean");
            for (String m : acc.get(0).seconds.keySet()) {
                out.println("### " + m);
                out.println();
                out.println(opTable(m, variants, acc));
            }
            if (!acc.get(0).kernels.isEmpty()) {
                out.println("### single ops (median of 7 calls)");
                out.println();
                out.println(kernelTable(variants, acc));
            }
            for (int i = 0; i < children.size(); i++) {
                out.println(variants.get(i).label() + ": " + children.get(i).ready().path("environment")
                        + ", peak RSS " + MemoryUsage.gib(acc.get(i).peakRssBytes));
            }
        } finally {
            for (RoundProcess c : children) {
                c.close();
            }
        }
    }

    private static Process startChild(Variant v, List<String> args) throws IOException {
        List<String> cmd = RoundProcess.javaCommand();
        String classPath = System.getProperty("java.class.path");
        for (String p : v.properties()) {
            if (p.startsWith(CLASSES)) {
                // classes put before the class path, e.g. an earlier build of a layer for an A/B in one run
                classPath = p.substring(CLASSES.length()) + File.pathSeparator + classPath;
            } else {
                cmd.add(p);
            }
        }
        cmd.addAll(List.of("-cp", classPath, GraphProfile.class.getName(), CHILD));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(v.env());
        return pb.start();
    }

    /** Sums over the timed rounds of one child. */
    private static final class Accumulated {
        int rounds;
        final Map<String, List<Double>> seconds = new LinkedHashMap<>();
        final Map<String, Map<String, double[]>> ops = new LinkedHashMap<>();
        /** per timed round: measurement to op to {calls, nanos} */
        final List<Map<String, Map<String, double[]>>> roundOps = new ArrayList<>();
        /** the child's peak resident set (bytes) after its last round */
        long peakRssBytes;
        /** whether per-op figures are medians over the rounds (else means) */
        final boolean median;

        Accumulated(boolean median) {
            this.median = median;
        }
        final Map<String, List<Double>> kernels = new LinkedHashMap<>();
        /** measurement to summed {CPU seconds, minor faults, major faults} */
        final Map<String, double[]> process = new LinkedHashMap<>();

        void add(JsonNode answer) {
            rounds++;
            answer.path("seconds").fields().forEachRemaining(e ->
                    seconds.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().asDouble()));
            Map<String, Map<String, double[]>> thisRound = new LinkedHashMap<>();
            roundOps.add(thisRound);
            answer.path("ops").fields().forEachRemaining(m -> {
                Map<String, double[]> byOp = ops.computeIfAbsent(m.getKey(), k -> new LinkedHashMap<>());
                Map<String, double[]> inRound = thisRound.computeIfAbsent(m.getKey(), k -> new LinkedHashMap<>());
                m.getValue().fields().forEachRemaining(o -> {
                    double[] a = byOp.computeIfAbsent(o.getKey(), k -> new double[2]);
                    a[0] += o.getValue().get(0).asDouble();
                    a[1] += o.getValue().get(1).asDouble();
                    inRound.put(o.getKey(), new double[] {o.getValue().get(0).asDouble(),
                            o.getValue().get(1).asDouble()});
                });
            });
            answer.path("process").fields().forEachRemaining(m -> {
                double[] a = process.computeIfAbsent(m.getKey(), k -> new double[3]);
                a[0] += m.getValue().path("cpuSeconds").asDouble();
                a[1] += m.getValue().path("minorFaults").asDouble();
                a[2] += m.getValue().path("majorFaults").asDouble();
            });
            peakRssBytes = Math.max(peakRssBytes, answer.path("peakRssBytes").asLong(0));
            answer.path("kernels").fields().forEachRemaining(e ->
                    kernels.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().asDouble()));
        }

        /** @return ms of an op in a measurement, mean or median over the rounds (0 where absent) */
        double ms(String measurement, String op) {
            return stat(perRound(measurement, r -> {
                double[] a = r.get(op);
                return a == null ? 0 : a[1] / 1e6;
            }));
        }

        double calls(String measurement, String op) {
            double[] a = ops.getOrDefault(measurement, Map.of()).get(op);
            return a == null ? 0 : a[0] / rounds;
        }

        double opsMs(String measurement) {
            return stat(perRound(measurement, r -> r.values().stream().mapToDouble(a -> a[1]).sum() / 1e6));
        }

        double stepMs(String measurement) {
            return stat(seconds.get(measurement).stream().mapToDouble(d -> d * 1e3).toArray());
        }

        double medianMs(String measurement) {
            return ModelBenchmark.median(seconds.get(measurement).stream().mapToDouble(Double::doubleValue)
                    .toArray()) * 1e3;
        }

        private double[] perRound(String measurement, java.util.function.ToDoubleFunction<Map<String, double[]>> f) {
            return roundOps.stream().mapToDouble(r -> f.applyAsDouble(r.getOrDefault(measurement, Map.of())))
                    .toArray();
        }

        private double stat(double[] v) {
            return median ? ModelBenchmark.median(v) : java.util.Arrays.stream(v).average().orElse(0);
        }
    }

    /**
     * @param first the leading header cells, e.g. {@code "| op | calls |"}
     * @param firstRule their alignment row, e.g. {@code "|---|---:|"}
     * @param variants one {@code ms} column per variant, then one speed-up column per variant after the first
     * @param last a last column's title, or null
     * @return the header and alignment rows of a Markdown table, each ending in a newline
     */
    private static StringBuilder header(String first, String firstRule, List<Variant> variants, String last) {
        StringBuilder sb = new StringBuilder(first);
        StringBuilder rule = new StringBuilder(firstRule);
        for (Variant v : variants) {
            sb.append(" ms ").append(v.label()).append(" |");
            rule.append("---:|");
        }
        for (int i = 1; i < variants.size(); i++) {
            sb.append(" speed-up ").append(variants.get(0).label()).append("→").append(variants.get(i).label())
                    .append(" |");
            rule.append("---:|");
        }
        if (last != null) {
            sb.append(' ').append(last).append(" |");
            rule.append("---:|");
        }
        return sb.append('\n').append(rule).append('\n');
    }

    private static String opTable(String m, List<Variant> variants, List<Accumulated> acc) {
        StringBuilder sb = header("| op | calls |", "|---|---:|", variants,
                "share " + variants.get(variants.size() - 1).label());
        Accumulated first = acc.get(0);
        List<String> ops = new ArrayList<>(first.ops.getOrDefault(m, Map.of()).keySet());
        for (Accumulated a : acc) {
            for (String op : a.ops.getOrDefault(m, Map.of()).keySet()) {
                if (!ops.contains(op)) {
                    ops.add(op);
                }
            }
        }
        ops.sort((x, y) -> Double.compare(first.ms(m, y), first.ms(m, x)));
        Accumulated last = acc.get(acc.size() - 1);
        double lastStep = last.stepMs(m);
        List<String> rest = ops.size() > TOP ? ops.subList(TOP, ops.size()) : List.of();
        for (String op : ops.subList(0, Math.min(TOP, ops.size()))) {
            double[] ms = new double[acc.size()];
            for (int i = 0; i < ms.length; i++) {
                ms[i] = acc.get(i).ms(m, op);
            }
            row(sb, op, String.format(Locale.ROOT, "%.0f", first.calls(m, op)), ms, lastStep);
        }
        if (!rest.isEmpty()) {
            double[] ms = new double[acc.size()];
            double calls = 0;
            for (String op : rest) {
                calls += first.calls(m, op);
                for (int i = 0; i < ms.length; i++) {
                    ms[i] += acc.get(i).ms(m, op);
                }
            }
            row(sb, "other (" + rest.size() + " op types)", String.format(Locale.ROOT, "%.0f", calls), ms, lastStep);
        }
        double[] all = new double[acc.size()];
        double[] outside = new double[acc.size()];
        double[] step = new double[acc.size()];
        double[] median = new double[acc.size()];
        double calls = 0;
        for (String op : ops) {
            calls += first.calls(m, op);
        }
        for (int i = 0; i < all.length; i++) {
            all[i] = acc.get(i).opsMs(m);
            step[i] = acc.get(i).stepMs(m);
            outside[i] = step[i] - all[i];
            median[i] = acc.get(i).medianMs(m);
        }
        row(sb, "**all ops**", String.format(Locale.ROOT, "%.0f", calls), all, lastStep);
        row(sb, "**outside ops** (DL4J's Java work)", "", outside, lastStep);
        row(sb, acc.get(0).median ? "**wall-clock, median**" : "**wall-clock, mean**", "", step, lastStep);
        if (!acc.get(0).median) {
            row(sb, "**wall-clock, median**", "", median, lastStep);
        }
        sb.append("\nProcess CPU time / wall-clock (threads busy, spinning included) and page faults per call:");
        for (int i = 0; i < acc.size(); i++) {
            double[] p = acc.get(i).process.getOrDefault(m, new double[3]);
            int n = acc.get(i).rounds;
            sb.append(String.format(Locale.ROOT, " %s %.2f (%.0f minor, %.0f major faults)%s",
                    variants.get(i).label(), p[0] / n / (step[i] / 1e3), p[1] / n, p[2] / n,
                    i + 1 < acc.size() ? ";" : ".\n"));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String calls, double[] ms, double lastStep) {
        sb.append("| ").append(name).append(" | ").append(calls).append(" |");
        for (double v : ms) {
            sb.append(String.format(Locale.ROOT, " %.1f |", v));
        }
        for (int i = 1; i < ms.length; i++) {
            sb.append(ms[i] > 0 ? String.format(Locale.ROOT, " %.2fx |", ms[0] / ms[i]) : " – |");
        }
        sb.append(String.format(Locale.ROOT, " %.1f%% |%n", 100 * ms[ms.length - 1] / lastStep));
    }

    private static String kernelTable(List<Variant> variants, List<Accumulated> acc) {
        StringBuilder sb = header("| op | shape |", "|---|---|", variants, null);
        for (String k : acc.get(0).kernels.keySet()) {
            int sp = k.indexOf(' ');
            sb.append("| ").append(k, 0, sp).append(" | ").append(k.substring(sp + 1)).append(" |");
            double[] ms = new double[acc.size()];
            for (int i = 0; i < ms.length; i++) {
                List<Double> v = acc.get(i).kernels.get(k);
                ms[i] = v == null ? 0 : ModelBenchmark.median(v.stream().mapToDouble(Double::doubleValue).toArray());
                sb.append(String.format(Locale.ROOT, " %.3f |", ms[i]));
            }
            for (int i = 1; i < ms.length; i++) {
                sb.append(String.format(Locale.ROOT, " %.2fx |", ms[0] / ms[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------- child side

    /**
     * Applies the ND4J environment settings given as system properties {@code hrnet.profile.maxThreads},
     * {@code hrnet.profile.maxMasterThreads}, {@code hrnet.profile.elementwiseThreshold},
     * {@code hrnet.profile.tadThreshold} (for A/B variants of libnd4j's own thread pool). The values in effect are
     * reported in the ready line: libnd4j 1.0.0-M2.1 keeps {@code maxThreads} at its start value when asked for a
     * lower one (measured: {@code maxThreads=1} under {@code OMP_NUM_THREADS=2} still reports 2).
     */
    private static void applyEnvironment(Environment env) {
        Integer v;
        if ((v = Integer.getInteger("hrnet.profile.maxThreads")) != null) {
            env.setMaxThreads(v);
        }
        if ((v = Integer.getInteger("hrnet.profile.maxMasterThreads")) != null) {
            env.setMaxMasterThreads(v);
        }
        if ((v = Integer.getInteger("hrnet.profile.elementwiseThreshold")) != null) {
            env.setElementwiseThreshold(v);
        }
        if ((v = Integer.getInteger("hrnet.profile.tadThreshold")) != null) {
            env.setTadThreshold(v);
        }
    }

    private static void child(HRNetConfig cfg, int batch, boolean infer, boolean withKernels) throws IOException {
        // the protocol owns stdout; anything else printed there (ND4J's start-up logging) goes to stderr
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Environment env = Nd4j.getEnvironment();
        applyEnvironment(env);
        ModelBenchmark.Workload work = new ModelBenchmark.Workload(cfg, List.of(Backend.GRAPH),
                infer ? new int[] {batch} : new int[0], new int[] {batch}, 7);
        OpTimingListener timing = OpTimer.install();
        List<Kernel> kernels = withKernels ? kernels() : List.of();
        ObjectNode ready = JSON.createObjectNode().put("ready", true);
        ready.putObject("environment").put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")))
                .put("maxThreads", env.maxThreads()).put("maxMasterThreads", env.maxMasterThreads())
                .put("elementwiseThreshold", env.elementwiseThreshold()).put("tadThreshold", env.tadThreshold());
        out.println(JSON.writeValueAsString(ready));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
            if (!line.trim().equals("round")) {
                continue;
            }
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode seconds = answer.putObject("seconds");
            ObjectNode ops = answer.putObject("ops");
            ObjectNode process = answer.putObject("process");
            timing.reset();
            long[] p0 = processCounters();
            seconds.put(ModelBenchmark.trainKey(batch), work.train(Backend.GRAPH, batch));
            putCounters(process.putObject(ModelBenchmark.trainKey(batch)), p0);
            put(ops.putObject(ModelBenchmark.trainKey(batch)), timing);
            if (infer) {
                timing.reset();
                p0 = processCounters();
                seconds.put(ModelBenchmark.inferKey(batch), work.infer(Backend.GRAPH, batch));
                putCounters(process.putObject(ModelBenchmark.inferKey(batch)), p0);
                put(ops.putObject(ModelBenchmark.inferKey(batch)), timing);
            }
            ObjectNode k = answer.putObject("kernels");
            for (Kernel kernel : kernels) {
                k.put(kernel.name(), 1e3 * ModelBenchmark.median(ModelBenchmark.time(kernel.run(), 2, 7)));
            }
            answer.put("peakRssBytes", MemoryUsage.current().peakRssBytes());
            out.println(JSON.writeValueAsString(answer));
            out.flush();
        }
    }

    /**
     * @return this process's minor page faults, major page faults and CPU clock ticks (user + system, all threads)
     *     from {@code /proc/self/stat} (fields 10, 12, 14, 15; proc(5)), or zeros where it is not readable
     */
    private static long[] processCounters() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            // fields after the command name in parentheses, which may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): field n is f[n - 3]
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[9]),
                    Long.parseLong(f[11]) + Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[3];
        }
    }

    private static void putCounters(ObjectNode node, long[] before) {
        long[] after = processCounters();
        node.put("minorFaults", after[0] - before[0]).put("majorFaults", after[1] - before[1])
                .put("cpuSeconds", (after[2] - before[2]) / 100.0);
    }

    private static void put(ObjectNode node, OpTimingListener timing) {
        for (OpTimingListener.Row r : timing.rows()) {
            node.putArray(r.op()).add(r.calls()).add(r.nanos());
        }
    }

    /** A single-op micro-benchmark: name ({@code "op shape"}) and the call. */
    private record Kernel(String name, Runnable run) {
    }

    private static List<Kernel> kernels() {
        List<Kernel> ks = new ArrayList<>();
        conv(ks, 32, 32, 64, 48, 3);
        conv(ks, 256, 256, 8, 6, 3);
        conv(ks, 256, 64, 64, 48, 1);
        conv(ks, 64, 32, 32, 24, 1);
        norm(ks, 32, 64, 48);
        norm(ks, 256, 8, 6);
        return ks;
    }

    /** conv2d and conv2d_bp as {@code NativeConvolutionLayer} calls them (NCHW, weights [out, kH, kW, in]). */
    private static void conv(List<Kernel> ks, int in, int outC, int h, int w, int k) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, in, h, w);
        INDArray wt = Nd4j.rand(DataType.FLOAT, outC, k, k, in).subi(0.5);
        INDArray b = Nd4j.zeros(DataType.FLOAT, outC);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, 8, outC, h, w);
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray gw = Nd4j.createUninitialized(DataType.FLOAT, wt.shape());
        INDArray gb = Nd4j.createUninitialized(DataType.FLOAT, outC);
        INDArray eps = Nd4j.rand(DataType.FLOAT, y.shape());
        int p = k / 2;
        int[] iArgs = {k, k, 1, 1, p, p, 1, 1, 0, 0, 2};
        String shape = String.format(Locale.ROOT, "[8,%d,%d,%d] %dx%d→%d", in, h, w, k, k, outC);
        ks.add(new Kernel("conv2d " + shape, () -> Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, wt, b)
                .addOutputs(y).addIntegerArguments(iArgs).build())));
        ks.add(new Kernel("conv2d_bp " + shape, () -> Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(x, wt, b, eps).addOutputs(gx, gw, gb).addIntegerArguments(iArgs).build())));
    }

    /** batchnorm, batchnorm_bp, moments, add and ReLU as {@code NativeBatchNormLayer} / {@code AddReluVertex}. */
    private static void norm(List<Kernel> ks, int c, int h, int w) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, c, h, w);
        INDArray x2 = Nd4j.rand(DataType.FLOAT, 8, c, h, w);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray mean = Nd4j.createUninitialized(DataType.FLOAT, c);
        INDArray var = Nd4j.createUninitialized(DataType.FLOAT, c);
        INDArray gamma = Nd4j.ones(DataType.FLOAT, c);
        INDArray beta = Nd4j.zeros(DataType.FLOAT, c);
        INDArray g1 = Nd4j.createUninitialized(DataType.FLOAT, c);
        INDArray g2 = Nd4j.createUninitialized(DataType.FLOAT, c);
        INDArray g3 = Nd4j.createUninitialized(DataType.FLOAT, c);
        INDArray g4 = Nd4j.createUninitialized(DataType.FLOAT, c);
        String shape = String.format(Locale.ROOT, "[8,%d,%d,%d]", c, h, w);
        Runnable moments = () -> Nd4j.exec(DynamicCustomOp.builder("moments").addInputs(x).addOutputs(mean, var)
                .addIntegerArguments(0, 2, 3).build());
        moments.run();
        ks.add(new Kernel("moments " + shape, moments));
        ks.add(new Kernel("batchnorm " + shape, () -> Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, mean, var, gamma, beta).addOutputs(y).addFloatingPointArguments(1e-5)
                .addIntegerArguments(1, 1, 1).build())));
        ks.add(new Kernel("batchnorm_bp " + shape, () -> Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(x, mean, var, gamma, beta, x2).addOutputs(gx, g1, g2, g3, g4)
                .addFloatingPointArguments(1e-5).addIntegerArguments(1, 1, 1).build())));
        ks.add(new Kernel("add " + shape, () -> Nd4j.exec(new AddOp(x, x2, y))));
        ks.add(new Kernel("relu " + shape, () -> Nd4j.exec(new RectifiedLinear(x2, y, 0.0))));
    }
}
