package io.hrnet4j.cli;

import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.MpiiPckh;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hrnet eval-mpii --gt GT.(json|mat) --results PRED.json [--json]}: MPII PCKh@0.5 as the official
 * {@code MPIIDataset.evaluate()} ({@link MpiiPckh}). The ground truth is the official {@code gt_valid.mat} or JSON
 * with the same fields ({@code joints} 1-based, {@code joints_vis}, {@code headboxes}); predictions are
 * {@code {"preds": [N][16][x, y, score]}}, 0-based ({@code --pred} is the earlier name of {@code --results}). Prints
 * the groups, Mean, the official Mean@0.1 (threshold 0.11) and the true Mean@0.1; {@code --json} prints them as one
 * object (keys Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, Mean, Mean@0.1, Mean@0.1(true)).
 */
@Command(name = "eval-mpii", mixinStandardHelpOptions = true,
        description = "MPII PCKh of predictions (equal to the official MPIIDataset.evaluate()).")
public final class EvalMpiiCommand extends ScoreFileCommand {
    /**
     * The earlier name of {@code --results}, kept so existing scripts run.
     *
     * @param file the predictions
     */
    @Option(names = "--pred", paramLabel = "FILE", hidden = true)
    void pred(Path file) {
        results(file);
    }

    @Override
    Scores score(Path groundTruth, Path resultsFile) throws Exception {
        MpiiPckh.PckhResult r = MpiiPckh.evaluate(MpiiGroundTruth.read(groundTruth),
                MpiiGroundTruth.readPredictions(resultsFile), resultsFile.toString());
        Map<String, Double> nv = r.nameValue();
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
        String nl = System.lineSeparator();
        return new Scores(nv, head + nl + rule + nl + vals + nl
                + "Mean@0.1 is the official value (threshold 0.11); Mean@0.1(true) uses 0.1." + nl);
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }
}
