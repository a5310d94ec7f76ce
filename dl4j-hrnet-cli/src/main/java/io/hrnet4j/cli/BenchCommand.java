package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.PoseNetworks.Backend;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.bench.MemoryUsage;
import io.hrnet4j.zoo.bench.ModelBenchmark;
import io.hrnet4j.zoo.bench.PrecisionKernels;
import io.hrnet4j.zoo.bench.PyTorchComparison;
import io.hrnet4j.zoo.bench.PyTorchPeer;
import io.hrnet4j.zoo.bench.RoundProcess;
import io.hrnet4j.zoo.bench.ScalingBenchmark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet bench}: speed and memory of the realisations (DL4J ComputationGraph from {@code init()}, SameDiff,
 * SameDiff with BN folded) of a network (default HRNet-W32 at 256x192). Modes:
 * <ul>
 *   <li>default: inference images/s and training-step time, batch 1 and 8, as ratios to the raw conv2d throughput
 *       measured in the same process, plus this process's peak RSS and ND4J / JavaCPP off-heap bytes
 *       ({@link MemoryUsage});</li>
 *   <li>{@code --natives generic,onednn-avx2,onednn-avx512}: the same in one child JVM per native build;</li>
 *   <li>{@code --vs-pytorch}: against this repository's PyTorch HRNet ({@code bench/pytorch_hrnet.py}, verified
 *       against the tiny oracle first) at equal thread counts ({@code --threads 1,2}: a child JVM per count with
 *       {@code OMP_NUM_THREADS}, {@code torch.set_num_threads} on the other side), rounds alternated, medians, ratios
 *       = our throughput / PyTorch's for {@code infer_b1}, {@code infer_b8}, {@code train_b8}; JSON layout in
 *       {@link PyTorchComparison.Result#toMap()};</li>
 *   <li>{@code --scaling}: time and peak RSS against batch (1..16) and input size for W32/W48, HRNet and DE-HRNet,
 *       as a Markdown table ({@link ScalingBenchmark}); default realisation {@code samediff_folded} (the fastest
 *       for inference); each network (width x arch x input) is measured in its own child JVM
 *       ({@code --scaling --serve}, one round of the {@link RoundProcess} protocol), so that its peak RSS holds
 *       nothing of the networks measured before it;</li>
 *   <li>{@code --kernels}: which reduced-precision (bf16, int8) convolution kernels this ND4J build reaches and
 *       their speed against fp32 {@code conv2d} ({@link PrecisionKernels}).</li>
 * </ul>
 * Options are validated before any work: a bad batch, repeat count, thread count or realisation name prints one
 * line and exits 2. Child JVMs (natives, thread counts, scaling networks) are started by one method,
 * {@link #startChild}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark inference and training speed and memory of the realisations (graph, samediff, "
                + "samediff_folded).",
                "Default: ratios to this machine's raw conv2d throughput, with peak RSS and ND4J / JavaCPP off-heap "
                        + "bytes.",
                "--vs-pytorch: against bench/pytorch_hrnet.py (verified on the tiny oracle first, PyTorch installed "
                        + "with apt-get when missing) at each --threads count, sides alternated round by round, "
                        + "medians; ratio = our throughput / PyTorch's (> 1: faster). JSON: "
                        + "{\"pytorch\": {\"torch\", \"verify_max_abs_diff\", \"config\", \"threads\": {\"<n>\": "
                        + "{\"seconds\": {\"infer_b1\", ...}, \"peak_rss_bytes\"}}}, \"realisations\": "
                        + "{\"<realisation>\": {\"threads\": {\"<n>\": {\"seconds\": {...}, \"memory\": {...}}}}}, "
                        + "\"ratios\": {\"<realisation>\": {\"infer_b1\": r, \"infer_b8\": r, \"train_b8\": r, "
                        + "\"threads\": {\"<n>\": {...}}}}} (unnested ratios: at the largest thread count).",
                "--scaling: time and peak RSS against --batches (default 1,2,4,8,16) and --inputs for --widths and "
                        + "--archs, each network in its own JVM, as a Markdown table (or JSON); realisation "
                        + "samediff_folded unless --realisations names another."})
public class BenchCommand implements Callable<Integer> {
    /** Largest accepted batch size. */
    static final int MAX_BATCH = 1024;
    /** Largest accepted warm-up or repeat count. */
    static final int MAX_REPEATS = 1000;
    /** Largest accepted thread count. */
    static final int MAX_THREADS = 256;

    @Mixin
    ArchOptions arch;

    @Option(names = "--realisations", split = ",", paramLabel = "NAME",
            description = "graph, samediff, samediff_folded (default: all; --scaling: samediff_folded)")
    List<String> realisations;

    @Option(names = "--batches", split = ",", paramLabel = "N",
            description = "batch sizes, 1..1024 (default: 1,8; --scaling: 1,2,4,8,16)")
    int[] batches;

    @Option(names = "--train-batch", paramLabel = "N", defaultValue = "8",
            description = "--vs-pytorch: batch of the training step (default: ${DEFAULT-VALUE})")
    int trainBatch;

    @Option(names = "--no-train", description = "skip the training-step measurements")
    boolean noTrain;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed repetitions, 0..1000 (default: "
            + "${DEFAULT-VALUE})")
    int warmup;

    @Option(names = {"--iterations", "--repeats"}, defaultValue = "3",
            description = "timed repetitions, median reported, 1..1000 (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--natives", split = ",", description = "native builds to compare, each in its own JVM: "
            + "generic, onednn-avx2, onednn-avx512 (default: the current process's)")
    List<String> natives;

    @Option(names = "--vs-hrnet", description = "with --arch dehrnet: also measure the HRNet of the same width and "
            + "input in this process and print DE-HRNet / HRNet time ratios")
    boolean vsHrnet;

    @Option(names = "--vs-pytorch", description = "compare with the PyTorch HRNet of bench/pytorch_hrnet.py at equal "
            + "thread counts (see above)")
    boolean vsPytorch;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "--vs-pytorch: thread counts of both sides (default: 1,2)")
    List<Integer> threads = List.of(1, 2);

    @Option(names = "--python", paramLabel = "FILE", description = "--vs-pytorch: interpreter with torch "
            + "(default: /usr/bin/python3, Debian's python3-torch)")
    Path python = PyTorchPeer.DEFAULT_PYTHON;

    @Option(names = "--oracle", paramLabel = "DIR", description = "--vs-pytorch: folder of tiny_hrnet.npz, "
            + "tiny_input.npy, tiny_output.npy (default: ../shared/oracle beside the checkout)")
    Path oracle;

    @Option(names = "--scaling", description = "time and peak memory against batch and input size (see above)")
    boolean scaling;

    @Option(names = "--kernels", description = "speed and error of the bf16 and int8 convolution kernels ND4J "
            + "reaches, against fp32 conv2d (Markdown table or JSON)")
    boolean kernels;

    @Option(names = "--widths", split = ",", paramLabel = "W", description = "--scaling: widths (default: 32,48)")
    int[] widths = {32, 48};

    @Option(names = "--inputs", split = ",", paramLabel = "HxW",
            description = "--scaling: input sizes (default: 256x192,384x288)")
    List<String> inputs = List.of("256x192", "384x288");

    @Option(names = "--archs", split = ",", paramLabel = "NAME",
            description = "--scaling: hrnet, dehrnet (default: both, DE-HRNet against HRNet at the same width)")
    List<String> archs = List.of("hrnet", "dehrnet");

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--serve", hidden = true, description = "internal: child side of --vs-pytorch and, with "
            + "--scaling, of one scaling network (rounds on stdin)")
    boolean serve;

    @Spec
    CommandSpec spec;

    private final ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A bad option value or combination: one line, exit 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Backend> backends;
        try {
            backends = validate();
        } catch (UsageException e) {
            err.println("hrnet bench: error: " + e.getMessage());
            err.flush();
            return 2;
        }
        if (serve) {
            return serve(backends);
        }
        if (scaling) {
            return scaling(backends.get(0), out, err);
        }
        if (kernels) {
            PrecisionKernels.Result k = PrecisionKernels.run(warmup, iterations);
            out.println(json ? om.writeValueAsString(k.toMap()) : k.markdown());
            out.flush();
            return 0;
        }
        if (vsPytorch) {
            return vsPytorch(backends, out, err);
        }
        if (natives != null && !natives.isEmpty()) {
            return nativesMode(out, err);
        }
        HRNetConfig cfg = arch.resolve();
        int[] b = batches == null ? new int[] {1, 8} : batches;
        ModelBenchmark.Result r = ModelBenchmark.run(cfg, backends, b, !noTrain, warmup, iterations, line -> {
            err.println("bench: " + line);
            err.flush();
        });
        if (vsHrnet) {
            ModelBenchmark.Result base = ModelBenchmark.run(cfg.withDeHrnet(null), backends, b, !noTrain, warmup,
                    iterations, line -> {
                        err.println("bench (hrnet): " + line);
                        err.flush();
                    });
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("dehrnet", r.toMap());
            both.put("hrnet", base.toMap());
            both.put("dehrnetOverHrnet", ModelBenchmark.timeRatios(r, base));
            both.put("memory", MemoryUsage.current().toMap());
            if (json) {
                out.println(om.writeValueAsString(both));
            } else {
                out.println("DE-HRNet\n" + r.table() + "\nHRNet\n" + base.table());
                ModelBenchmark.timeRatios(r, base).forEach((k, v) -> out.printf(Locale.ROOT,
                        "DE-HRNet / HRNet time, %s: %.2f%n", k, v));
                out.println("memory: " + MemoryUsage.current().describe());
            }
        } else if (json) {
            Map<String, Object> m = new LinkedHashMap<>(r.toMap());
            m.put("memory", MemoryUsage.current().toMap());
            out.println(om.writeValueAsString(m));
        } else {
            out.print(r.table());
            out.println("memory: " + MemoryUsage.current().describe());
        }
        out.flush();
        return 0;
    }

    /**
     * Checks every option before any work.
     *
     * @return the realisations
     * @throws UsageException naming the option and the accepted range
     */
    List<Backend> validate() throws IOException {
        long modes = Stream.of(vsPytorch, scaling, natives != null && !natives.isEmpty(), vsHrnet, kernels)
                .filter(x -> x).count();
        if (modes > 1 || serve && modes > (scaling ? 1 : 0)) {
            throw new UsageException("--vs-pytorch, --scaling, --natives, --vs-hrnet and --kernels are separate modes: "
                    + "give one");
        }
        if (batches != null) {
            if (batches.length == 0) {
                throw new UsageException("--batches needs at least one batch size");
            }
            for (int b : batches) {
                if (b < 1 || b > MAX_BATCH) {
                    throw new UsageException("--batches: batch size must be 1.." + MAX_BATCH + ", got " + b);
                }
            }
        }
        if (trainBatch < 1 || trainBatch > MAX_BATCH) {
            throw new UsageException("--train-batch must be 1.." + MAX_BATCH + ", got " + trainBatch);
        }
        if (warmup < 0 || warmup > MAX_REPEATS) {
            throw new UsageException("--warmup must be 0.." + MAX_REPEATS + ", got " + warmup);
        }
        if (iterations < 1 || iterations > MAX_REPEATS) {
            throw new UsageException("--iterations/--repeats must be 1.." + MAX_REPEATS + ", got " + iterations);
        }
        if (threads == null || threads.isEmpty()) {
            throw new UsageException("--threads needs at least one thread count");
        }
        for (int t : threads) {
            if (t < 1 || t > MAX_THREADS) {
                throw new UsageException("--threads: thread count must be 1.." + MAX_THREADS + ", got " + t);
            }
        }
        if (natives != null) {
            for (String n : natives) {
                nativeExtension(n);
            }
        }
        List<Backend> backends = new ArrayList<>();
        List<String> names = realisations != null ? realisations : scaling ? List.of("samediff_folded")
                : Arrays.stream(Backend.values()).map(x -> x.name().toLowerCase(Locale.ROOT)).toList();
        for (String n : names) {
            try {
                Backend b = Backend.byName(n.trim());
                if (!backends.contains(b)) {
                    backends.add(b);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--realisations: " + e.getMessage());
            }
        }
        if (backends.isEmpty()) {
            throw new UsageException("--realisations needs at least one realisation");
        }
        if (scaling) {
            if (backends.size() != 1) {
                throw new UsageException("--scaling measures one realisation: give one --realisations name");
            }
            if (arch.arch != null || arch.width != null || !arch.inputs.isEmpty() || arch.config != null
                    || arch.preset != null) {
                throw new UsageException("--scaling takes --widths, --inputs and --archs (not --arch, --width, "
                        + "--input, --config or --preset)");
            }
            if (serve && scalingConfigs().size() != 1) {
                throw new UsageException("--scaling --serve measures one network: give one width, input and arch");
            }
            scalingConfigs();
        } else {
            HRNetConfig cfg = arch.resolve();
            if (vsHrnet && !cfg.isDeHrnet()) {
                throw new UsageException("--vs-hrnet compares a DE-HRNet with its HRNet: add --arch dehrnet");
            }
            if (vsPytorch && cfg.isDeHrnet()) {
                throw new UsageException("--vs-pytorch: the PyTorch peer is plain HRNet (use --arch hrnet)");
            }
        }
        return backends;
    }

    private List<HRNetConfig> scalingConfigs() {
        if (widths == null || widths.length == 0 || inputs == null || inputs.isEmpty() || archs == null
                || archs.isEmpty()) {
            throw new UsageException("--widths, --inputs and --archs need at least one value each");
        }
        int k = arch.joints == null ? 17 : arch.joints;
        List<HRNetConfig> out = new ArrayList<>();
        for (int w : widths) {
            if (w < 1 || w > 1024) {
                throw new UsageException("--widths: width must be 1..1024, got " + w);
            }
            for (String in : inputs) {
                int[] hw;
                try {
                    hw = ArchOptions.parseSize(in);
                } catch (InvalidConfigException e) {
                    throw new UsageException("--inputs: " + e.getMessage().replace("--input ", ""));
                }
                for (String a : archs) {
                    HRNetConfig cfg;
                    try {
                        cfg = HRNetConfig.standard(w, k, hw[0], hw[1]);
                    } catch (InvalidConfigException e) {
                        throw new UsageException("--inputs " + in + ": " + e.getMessage());
                    }
                    switch (a.trim().toLowerCase(Locale.ROOT)) {
                        case "hrnet" -> out.add(cfg);
                        case "dehrnet" -> out.add(cfg.withDeHrnet(DeHrnetOptions.defaults()));
                        default -> throw new UsageException("--archs: unknown architecture '" + a
                                + "' (known: hrnet, dehrnet)");
                    }
                }
            }
        }
        return out;
    }

    /** @return the batch sizes of {@code --scaling}: {@code --batches} or 1, 2, 4, 8, 16 */
    private int[] scalingBatches() {
        return batches == null ? new int[] {1, 2, 4, 8, 16} : batches;
    }

    /**
     * {@code --scaling}: each network in its own child JVM ({@code bench --scaling --serve} with that network's
     * width, input and arch and this command's batches, realisation, repetitions and training flag; stderr, with
     * the child's progress lines, inherited), one after the other.
     */
    private int scaling(Backend backend, PrintWriter out, PrintWriter err) throws IOException {
        int[] b = scalingBatches();
        String realisation = backend.name().toLowerCase(Locale.ROOT);
        ScalingBenchmark.Result r = ScalingBenchmark.runIsolated(scalingConfigs(), backend, b, warmup, iterations,
                cfg -> {
                    List<String> args = new ArrayList<>(List.of("--scaling", "--serve",
                            "--widths", Integer.toString(cfg.width()),
                            "--inputs", cfg.inputHeight() + "x" + cfg.inputWidth(),
                            "--archs", cfg.isDeHrnet() ? "dehrnet" : "hrnet",
                            "--joints", Integer.toString(cfg.numJoints()),
                            "--realisations", realisation,
                            "--batches", Arrays.stream(b).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                            "--warmup", Integer.toString(warmup), "--iterations", Integer.toString(iterations)));
                    if (noTrain) {
                        args.add("--no-train");
                    }
                    String name = "scaling child JVM (" + PoseNetworks.describe(cfg) + ")";
                    try {
                        return new RoundProcess(name, startChild(null, Map.of(), args, true));
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot start the " + name + ": " + e.getMessage(), e);
                    }
                },
                line -> {
                    err.println("bench: " + line);
                    err.flush();
                });
        out.println(json ? om.writeValueAsString(r.toMap()) : r.markdown());
        out.flush();
        return 0;
    }

    private int vsPytorch(List<Backend> backends, PrintWriter out, PrintWriter err) throws IOException {
        HRNetConfig cfg = arch.resolve();
        int[] inferBatches = batches == null ? new int[] {1, 8} : batches;
        int train = noTrain ? 0 : trainBatch;
        PyTorchPeer.ensureTorch(python, line -> {
            err.println("bench: " + line);
            err.flush();
        });
        Path script = PyTorchPeer.locateScript();
        Path oracleDir = oracle != null ? oracle : sharedOracle();
        PyTorchPeer.Verification v = PyTorchPeer.verify(python, script, oracleDir, 2);
        err.printf(Locale.ROOT, "bench: PyTorch %s peer %s the tiny oracle: max |diff| %.3g (tolerance %.0e)%n",
                v.torchVersion(), v.ok() ? "reproduces" : "DOES NOT reproduce", v.maxAbsDiff(), PyTorchPeer.TOLERANCE);
        err.flush();
        Path work = Files.createTempDirectory("hrnet-bench");
        try {
            List<String> childArgs = new ArrayList<>(arch.toArgs());
            childArgs.addAll(List.of("--serve", "--realisations", backends.stream()
                            .map(x -> x.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")),
                    "--batches", Arrays.stream(inferBatches).mapToObj(Integer::toString)
                            .collect(Collectors.joining(",")), "--train-batch", Integer.toString(trainBatch)));
            if (noTrain) {
                childArgs.add("--no-train");
            }
            PyTorchComparison.Result r = PyTorchComparison.run(cfg, v, threads,
                    t -> {
                        err.println("bench: starting our side (child JVM, OMP_NUM_THREADS=" + t + ")");
                        err.flush();
                        String name = "child JVM (OMP_NUM_THREADS=" + t + ")";
                        try {
                            return new RoundProcess(name, startChild(null, Map.of("OMP_NUM_THREADS",
                                    Integer.toString(t)), childArgs, true));
                        } catch (IOException e) {
                            throw new IllegalStateException("cannot start the " + name + ": " + e.getMessage(), e);
                        }
                    },
                    t -> PyTorchPeer.start(python, script, cfg, t, inferBatches, train, work),
                    warmup, iterations, line -> {
                        err.println("bench: " + line);
                        err.flush();
                    });
            out.println(json ? om.writeValueAsString(r.toMap()) : r.table());
            out.flush();
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** @return {@code <shared>/oracle} from {@code -Dhrnet.shared.dir} or {@code HRNET_SHARED}, else null */
    private static Path sharedOracle() {
        String p = System.getProperty("hrnet.shared.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("HRNET_SHARED");
        }
        return p == null || p.isBlank() ? null : Path.of(p, "oracle");
    }

    /**
     * The child side of {@code --vs-pytorch} (builds the workload, then answers each {@code round} line on stdin by
     * timing every measurement once) and of {@code --scaling} (answers each {@code round} with the whole in-process
     * scaling measurement of its one network, {@link ScalingBenchmark#roundAnswer}).
     */
    private int serve(List<Backend> backends) throws IOException {
        PrintStream proto = System.out;
        System.setOut(System.err); // stray prints of libraries must not corrupt the protocol
        HRNetConfig cfg;
        Supplier<Map<String, Object>> answer;
        if (scaling) {
            HRNetConfig one = scalingConfigs().get(0);
            cfg = one;
            answer = () -> ScalingBenchmark.roundAnswer(ScalingBenchmark.run(List.of(one), backends.get(0),
                    scalingBatches(), !noTrain, warmup, iterations, line -> System.err.println("bench: " + line)));
        } else {
            cfg = arch.resolve();
            int[] inferBatches = batches == null ? new int[] {1, 8} : batches;
            ModelBenchmark.Workload w = new ModelBenchmark.Workload(cfg, backends, inferBatches,
                    noTrain ? new int[0] : new int[] {trainBatch}, 0);
            int[] round = {0};
            answer = () -> {
                Map<String, Object> seconds = new LinkedHashMap<>();
                w.round().forEach((b, m) -> seconds.put(b.name().toLowerCase(Locale.ROOT), m));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("round", round[0]++);
                r.put("seconds", seconds);
                r.put("memory", MemoryUsage.current().toMap());
                return r;
            };
        }
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("ready", true);
        ready.put("omp_threads", Nd4j.getEnvironment().maxThreads());
        ready.put("natives", System.getProperty(NativeSelection.PROPERTY, ""));
        ready.put("network", PoseNetworks.describe(cfg));
        ObjectMapper line = new ObjectMapper();
        proto.println(line.writeValueAsString(ready));
        proto.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String cmd = in.readLine(); cmd != null && !cmd.strip().equals("quit"); cmd = in.readLine()) {
            if (!cmd.strip().equals("round")) {
                System.err.println("hrnet bench --serve: unknown command '" + cmd + "' (expected round or quit)");
                return 2;
            }
            proto.println(line.writeValueAsString(answer.get()));
            proto.flush();
        }
        return 0;
    }

    private int nativesMode(PrintWriter out, PrintWriter err) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        for (String n : natives) {
            err.println("bench: running " + n + " natives in a child JVM");
            err.flush();
            Process p = startChild(nativeExtension(n), Map.of(), childArgs(), false);
            String text;
            try (BufferedReader rd = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                text = rd.lines().collect(Collectors.joining("\n"));
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("benchmark with " + n + " natives failed (exit " + p.exitValue() + ")");
            }
            results.add(om.readTree(text));
        }
        if (json) {
            out.println(om.writeValueAsString(results));
        } else {
            for (JsonNode r : results) {
                out.printf(Locale.ROOT, "natives %s: baseline conv2d %.2f GFLOP/s; %s%n",
                        r.get("natives").asText(), r.get("baselineConv2dGflops").asDouble(),
                        MemoryUsage.fromMap(om.convertValue(r.path("memory"), Map.class)).describe());
                for (JsonNode m : r.get("measurements")) {
                    out.printf(Locale.ROOT, "  %-16s %-10s batch %2d: %8.3f s/call %8.2f img/s  %.3f x baseline%n",
                            m.get("realisation").asText(), m.get("kind").asText(), m.get("batch").asInt(),
                            m.get("secondsPerCall").asDouble(), m.get("imagesPerSecond").asDouble(),
                            m.get("ratioToBaseline").asDouble());
                }
            }
        }
        out.flush();
        return 0;
    }

    private static String nativeExtension(String n) {
        return switch (n.trim().toLowerCase(Locale.ROOT)) {
            case "generic" -> "";
            case "onednn-avx2" -> "-onednn-avx2";
            case "onednn-avx512" -> "-onednn-avx512";
            default -> throw new UsageException("--natives: unknown native build '" + n
                    + "' (known: generic, onednn-avx2, onednn-avx512)");
        };
    }

    /**
     * Starts {@code hrnet bench ARGS} in a child JVM: this JVM's java, class path and options (heap, system
     * properties; debug agents dropped), the given native build and environment. The one way this command spawns
     * JVMs ({@code --natives}, {@code --vs-pytorch} and {@code --scaling}). Its stderr is inherited.
     *
     * @param nativeExtension JavaCPP platform extension ({@code ""} generic), or null for this process's
     * @param env extra environment variables (e.g. {@code OMP_NUM_THREADS}, read by ND4J's OpenMP at start)
     * @param args arguments after {@code bench}
     * @param interactive whether stdin stays open (round protocol); otherwise it is closed at once
     * @return the started process (stdout piped)
     * @throws IOException if it cannot be started
     */
    static Process startChild(String nativeExtension, Map<String, String> env, List<String> args, boolean interactive)
            throws IOException {
        List<String> cmd = RoundProcess.javaCommand();
        cmd.removeIf(a -> a.startsWith("-D" + NativeSelection.PROPERTY + "="));
        if (cmd.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            cmd.add("-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m");
        }
        String ext = nativeExtension != null ? nativeExtension : System.getProperty(NativeSelection.PROPERTY);
        if (ext != null) {
            cmd.add("-D" + NativeSelection.PROPERTY + "=" + ext);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HrnetCli.class.getName(), "bench"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!interactive) {
            p.getOutputStream().close();
        }
        return p;
    }

    private List<String> childArgs() {
        List<String> a = new ArrayList<>(arch.toArgs());
        a.add("--json");
        if (realisations != null) {
            a.add("--realisations");
            a.add(String.join(",", realisations));
        }
        if (batches != null) {
            a.add("--batches");
            a.add(Arrays.stream(batches).mapToObj(String::valueOf).collect(Collectors.joining(",")));
        }
        if (noTrain) {
            a.add("--no-train");
        }
        a.addAll(List.of("--warmup", String.valueOf(warmup), "--iterations", String.valueOf(iterations)));
        return a;
    }
}
