package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.MpiiPckh;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet eval-mpii --gt GT.(json|mat) --pred PRED.json [--json]}: MPII PCKh@0.5 as the official
 * {@code MPIIDataset.evaluate()} ({@link MpiiPckh}). The ground truth is the official {@code gt_valid.mat} or JSON
 * with the same fields ({@code joints} 1-based, {@code joints_vis}, {@code headboxes}); predictions are
 * {@code {"preds": [N][16][x, y, score]}}, 0-based. Prints the groups, Mean, the official Mean@0.1 (threshold 0.11)
 * and the true Mean@0.1; {@code --json} prints them as one object (keys Head, Shoulder, Elbow, Wrist, Hip, Knee,
 * Ankle, Mean, Mean@0.1, Mean@0.1(true)).
 */
@Command(name = "eval-mpii", mixinStandardHelpOptions = true,
        description = "MPII PCKh of predictions (equal to the official MPIIDataset.evaluate()).")
public final class EvalMpiiCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "GT", description = "gt_valid.mat, or JSON with joints (1-based), joints_vis, headboxes.")
    private Path gt;

    @Option(names = "--pred", required = true, paramLabel = "PRED.json", description = "{\"preds\": [N][16][x, y, score]}, 0-based pixels.")
    private Path pred;

    @Option(names = "--json", description = "Print the values as one JSON object.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        MpiiPckh.PckhResult r = MpiiPckh.evaluate(MpiiGroundTruth.read(gt), MpiiGroundTruth.readPredictions(pred),
                pred.toString());
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Double> nv = r.nameValue();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(nv));
        } else {
            StringBuilder head = new StringBuilder("|");
            StringBuilder rule = new StringBuilder("|");
            StringBuilder vals = new StringBuilder("|");
            for (Map.Entry<String, Double> e : nv.entrySet()) {
                String v = String.format(Locale.ROOT, "%.3f", e.getValue());
                int w = Math.max(e.getKey().length(), v.length());
                head.append(' ').append(pad(e.getKey(), w)).append(" |");
                rule.append('-').append("-".repeat(w)).append("-|");
                vals.append(' ').append(pad(v, w)).append(" |");
            }
            out.println(head);
            out.println(rule);
            out.println(vals);
            out.println("Mean@0.1 is the official value (threshold 0.11); Mean@0.1(true) uses 0.1.");
        }
        out.flush();
        return 0;
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }
}
