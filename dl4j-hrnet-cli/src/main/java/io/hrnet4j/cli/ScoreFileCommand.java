package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The commands that score a results file against a ground truth without running a network ({@code eval-coco},
 * {@code eval-mpii}): {@code --gt FILE}, {@code --results FILE} and {@code --json}. They print the metric table, or
 * with {@code --json} one JSON object of the named values. Bad input exits with 1 and a message naming file, record
 * and field.
 */
abstract class ScoreFileCommand implements Callable<Integer> {
    /**
     * What a scoring computed.
     *
     * @param values the metrics by name, in print order (the {@code --json} object)
     * @param table the text table, line-terminated
     */
    record Scores(Map<String, Double> values, String table) {
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "FILE",
            description = "Ground truth: COCO person_keypoints JSON (eval-coco); MPII gt_valid.mat or JSON with "
                    + "joints (1-based), joints_vis, headboxes (eval-mpii).")
    Path gt;

    Path results;

    /** @param file the results to score */
    @Option(names = "--results", paramLabel = "FILE",
            description = "Results: COCO keypoint results [{image_id, category_id, keypoints, score}] (eval-coco); "
                    + "{\"preds\": [N][16][x, y, score]} in 0-based pixels (eval-mpii).")
    void results(Path file) {
        this.results = file;
    }

    @Option(names = "--json", description = "Print the values as one JSON object instead of the table.")
    boolean json;

    /**
     * @param groundTruth the {@code --gt} file
     * @param resultsFile the {@code --results} file
     * @return the metrics
     * @throws Exception if a file is missing or malformed (the message names file, record and field)
     */
    abstract Scores score(Path groundTruth, Path resultsFile) throws Exception;

    @Override
    public Integer call() throws Exception {
        if (results == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--results=FILE'");
        }
        Scores s = score(gt, results);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(s.values()));
        } else {
            out.print(s.table());
        }
        out.flush();
        return 0;
    }
}
