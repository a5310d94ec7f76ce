package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet summary}: parameters and conv multiply-adds (batch 1) per stage and in total, computed from the
 * architecture description (no network is built). {@code --json} prints
 * {@code {"params": N, "macs": N, "bnStatistics": N, "gflops": x, "stages": {...}}}.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Parameters and multiply-adds per stage and in total.")
public class SummaryCommand implements Callable<Integer> {
    @Mixin
    ArchOptions arch;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HRNetConfig cfg = arch.resolve();
        Complexity c = Complexity.of(cfg);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("params", c.params());
            m.put("macs", c.macs());
            m.put("bnStatistics", c.bnStatistics());
            m.put("gflops", c.macs() / Math.pow(2, 30));
            Map<String, Object> stages = new LinkedHashMap<>();
            c.groups().forEach((k, v) -> stages.put(k, Map.of("params", v[0], "macs", v[1])));
            m.put("stages", stages);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            out.printf(Locale.ROOT, "%s W%d, %d joints, input %dx%d (HxW), heatmaps %dx%d%n",
                    cfg.isDeHrnet() ? "DE-HRNet" : "HRNet", cfg.width(), cfg.numJoints(), cfg.inputHeight(),
                    cfg.inputWidth(), cfg.heatmapHeight(), cfg.heatmapWidth());
            out.printf(Locale.ROOT, "%-12s %14s %18s%n", "part", "params", "multiply-adds");
            c.groups().forEach((k, v) -> out.printf(Locale.ROOT, "%-12s %,14d %,18d%n", k, v[0], v[1]));
            out.printf(Locale.ROOT, "%-12s %,14d %,18d%n", "total", c.params(), c.macs());
            out.printf(Locale.ROOT, "BN running statistics (not counted): %,d; GFLOPs as in the paper (MACs/2^30): "
                    + "%.2f%n", c.bnStatistics(), c.macs() / Math.pow(2, 30));
        }
        out.flush();
        return 0;
    }
}
