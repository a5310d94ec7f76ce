package io.hrnet4j.cli;

import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.CocoKeypointEval;
import io.hrnet4j.metrics.CocoResults;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/**
 * {@code hrnet eval-coco --gt GT.json --results RESULTS.json [--json]}: COCO keypoint AP/AR of a results file, as
 * pycocotools COCOeval (iouType keypoints) computes them ({@link CocoKeypointEval}). Prints pycocotools' summary
 * table, or with {@code --json} one object {@code {"AP": ..., "AP50": ..., ..., "ARl": ...}}. Bad input (unknown
 * image ids, wrong keypoint counts, NaN, empty results) exits with 1 and a message naming file, record and field.
 */
@Command(name = "eval-coco", mixinStandardHelpOptions = true,
        description = "COCO keypoint OKS AP/AR of a results JSON (equal to pycocotools COCOeval).")
public final class EvalCocoCommand extends ScoreFileCommand {
    @Override
    Scores score(Path groundTruth, Path resultsFile) throws Exception {
        CocoKeypointEval eval = new CocoKeypointEval(CocoGroundTruth.read(groundTruth), CocoResults.read(resultsFile),
                CocoKeypointEval.COCO_SIGMAS, CocoKeypointEval.DEFAULT_MAX_DETS, resultsFile.toString());
        return new Scores(eval.evaluate().toMap(), eval.summary());
    }
}
