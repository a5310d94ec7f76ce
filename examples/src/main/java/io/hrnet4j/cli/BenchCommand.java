package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.bench.ModelBenchmark;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet bench}: inference images/s and training-step time of a network (default HRNet-W32 at 256x192) for
 * each realisation, batch 1 and 8, reported against the raw conv2d throughput measured in the same process. With
 * {@code --natives generic,onednn-avx2,onednn-avx512} each native build runs in its own JVM (natives are chosen
 * once per process) and the results are printed together.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark inference and training speed, as ratios to this machine's raw conv2d throughput.")
public class BenchCommand implements Callable<Integer> {
    @Mixin
    ArchOptions arch;

    @Option(names = "--realisations", split = ",", description = "graph, samediff, samediff_folded "
            + "(default: all)")
    List<ModelBenchmark.Realisation> realisations = List.of(ModelBenchmark.Realisation.values());

    @Option(names = "--batches", split = ",", description = "batch sizes (default: 1,8)")
    int[] batches = {1, 8};

    @Option(names = "--no-train", description = "skip the training-step measurements")
    boolean noTrain;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed repetitions (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--iterations", defaultValue = "3",
            description = "timed repetitions, median reported (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--natives", split = ",", description = "native builds to compare, each in its own JVM: "
            + "generic, onednn-avx2, onednn-avx512 (default: the current process's)")
    List<String> natives;

    @Option(names = "--vs-hrnet", description = "with --arch dehrnet: also measure the HRNet of the same width and "
            + "input in this process and print DE-HRNet / HRNet time ratios")
    boolean vsHrnet;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (natives == null || natives.isEmpty()) {
            HRNetConfig cfg = arch.resolve();
            ModelBenchmark.Result r = ModelBenchmark.run(cfg, realisations, batches, !noTrain, warmup, iterations,
                    line -> {
                        err.println("bench: " + line);
                        err.flush();
                    });
            if (vsHrnet) {
                if (!cfg.isDeHrnet()) {
                    throw new IllegalArgumentException("--vs-hrnet compares a DE-HRNet with its HRNet: add --arch dehrnet");
                }
                ModelBenchmark.Result base = ModelBenchmark.run(cfg.withDeHrnet(null), realisations, batches,
                        !noTrain, warmup, iterations, line -> {
                            err.println("bench (hrnet): " + line);
                            err.flush();
                        });
                java.util.Map<String, Object> both = new java.util.LinkedHashMap<>();
                both.put("dehrnet", r.toMap());
                both.put("hrnet", base.toMap());
                both.put("dehrnetOverHrnet", ModelBenchmark.timeRatios(r, base));
                if (json) {
                    out.println(om.writeValueAsString(both));
                } else {
                    out.println("DE-HRNet\n" + r.table() + "\nHRNet\n" + base.table());
                    ModelBenchmark.timeRatios(r, base).forEach((k, v) -> out.printf(Locale.ROOT,
                            "DE-HRNet / HRNet time, %s: %.2f%n", k, v));
                }
            } else {
                out.println(json ? om.writeValueAsString(r.toMap()) : r.table());
            }
            out.flush();
            return 0;
        }
        List<JsonNode> results = new ArrayList<>();
        for (String n : natives) {
            String ext = switch (n.toLowerCase(Locale.ROOT)) {
                case "generic" -> "";
                case "onednn-avx2" -> "-onednn-avx2";
                case "onednn-avx512" -> "-onednn-avx512";
                default -> throw new IllegalArgumentException("unknown native build '" + n
                        + "' (known: generic, onednn-avx2, onednn-avx512)");
            };
            List<String> cmd = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
                    "-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m",
                    "-D" + NativeSelection.PROPERTY + "=" + ext, "-cp", System.getProperty("java.class.path"),
                    HrnetCli.class.getName(), "bench", "--json"));
            cmd.addAll(childArgs());
            err.println("bench: running " + n + " natives in a child JVM");
            err.flush();
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String text;
            try (BufferedReader rd = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                text = rd.lines().reduce("", (a, b) -> a + b + "\n");
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("benchmark with " + n + " natives failed (exit " + p.exitValue()
                        + ")");
            }
            results.add(om.readTree(text));
        }
        if (json) {
            out.println(om.writeValueAsString(results));
        } else {
            for (JsonNode r : results) {
                out.printf(Locale.ROOT, "natives %s: baseline conv2d %.2f GFLOP/s%n", r.get("natives").asText(),
                        r.get("baselineConv2dGflops").asDouble());
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

    private List<String> childArgs() {
        List<String> a = new ArrayList<>(arch.toArgs());
        a.add("--realisations");
        a.add(String.join(",", realisations.stream().map(Enum::name).toList()));
        a.add("--batches");
        a.add(String.join(",", Arrays.stream(batches).mapToObj(String::valueOf).toList()));
        if (noTrain) {
            a.add("--no-train");
        }
        if (vsHrnet) {
            a.add("--vs-hrnet");
        }
        a.addAll(List.of("--warmup", String.valueOf(warmup), "--iterations", String.valueOf(iterations)));
        return a;
    }
}
