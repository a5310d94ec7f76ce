package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.CocoKeypointEval;
import io.hrnet4j.metrics.CocoResults;
import io.hrnet4j.metrics.CocoStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet eval-coco --gt GT.json --results RESULTS.json [--json]}: COCO keypoint AP/AR of a results file, as
 * pycocotools COCOeval (iouType keypoints) computes them ({@link CocoKeypointEval}). Prints pycocotools' summary
 * table, or with {@code --json} one object {@code {"AP": ..., "AP50": ..., ..., "ARl": ...}}. Bad input (unknown
 * image ids, wrong keypoint counts, NaN, empty results) exits with 1 and a message naming file, record and field.
 */
@Command(name = "eval-coco", mixinStandardHelpOptions = true,
        description = "COCO keypoint OKS AP/AR of a results JSON (equal to pycocotools COCOeval).")
public final class EvalCocoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "COCO keypoint ground truth (person_keypoints_*.json layout).")
    private Path gt;

    @Option(names = "--results", required = true, paramLabel = "RESULTS.json", description = "COCO keypoint results: [{image_id, category_id, keypoints, score}].")
    private Path results;

    @Option(names = "--json", description = "Print the 10 stats as one JSON object instead of the table.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        CocoKeypointEval eval = new CocoKeypointEval(CocoGroundTruth.read(gt), CocoResults.read(results),
                CocoKeypointEval.COCO_SIGMAS, CocoKeypointEval.DEFAULT_MAX_DETS, results.toString());
        CocoStats stats = eval.evaluate();
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(stats.toMap()));
        } else {
            spec.commandLine().getOut().print(eval.summary());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
