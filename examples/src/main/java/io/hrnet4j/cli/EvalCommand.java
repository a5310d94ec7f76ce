package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.eval.EvalDataset;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.eval.TopDownEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet eval --dataset coco|mpii --images DIR --annotations FILE [--boxes FILE] --weights FILE (--arch ... |
 * --config FILE) [--flip-test] [--dark] [--backend graph|samediff] [--batch N] [--out results.json] [--json]}: the
 * full top-down evaluation ({@link TopDownEvaluator}). Prints the COCO summary table (or the PCKh table), the
 * per-joint breakdown and the timings; {@code --json} prints one JSON object instead
 * ({@link TopDownEvalResult#toJsonMap()}). A progress bar goes to stderr. Bad input exits with 1 and a message
 * naming the file, record and field.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Top-down evaluation of a network on COCO (OKS AP/AR) or MPII (PCKh).")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--dataset", required = true, paramLabel = "coco|mpii", description = "Dataset family.")
    String dataset;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of the images.")
    Path images;

    @Option(names = "--annotations", required = true, paramLabel = "FILE",
            description = "COCO person_keypoints_*.json (also the ground truth) or MPII annotation JSON.")
    Path annotations;

    @Option(names = "--boxes", paramLabel = "FILE",
            description = "COCO person detection results (instead of the ground-truth boxes).")
    Path boxes;

    @Option(names = "--image-threshold", defaultValue = "0.0", paramLabel = "T",
            description = "Keep detections with score >= T (TEST.IMAGE_THRE, default ${DEFAULT-VALUE}).")
    double imageThreshold;

    @Option(names = "--pckh-gt", paramLabel = "FILE",
            description = "MPII: official gt_valid.mat (or JSON) with the head boxes; without it the head boxes "
                    + "are approximated from the joints (not the official PCKh).")
    Path pckhGt;

    @Option(names = "--flip-test", description = "Flip test with heatmap shift (the official test setting).")
    boolean flipTest;

    @Option(names = "--dark", description = "DARK sub-pixel refinement instead of the quarter-pixel offset.")
    boolean dark;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Crops per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "N", description = "Image decoding threads (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the results: COCO keypoint results JSON, or MPII {\"preds\": ...}.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object (stats, per-joint, timings) instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        KeypointSchema schema = KeypointSchema.byName(dataset);
        if (schema == KeypointSchema.MPII && boxes != null) {
            throw new IllegalArgumentException("--boxes is a COCO option");
        }
        if (schema == KeypointSchema.COCO && pckhGt != null) {
            throw new IllegalArgumentException("--pckh-gt is an MPII option");
        }
        PoseNetwork net = network.load(schema);
        EvalDataset ds = schema == KeypointSchema.MPII ? EvalDataset.mpii(annotations, images, pckhGt)
                : boxes != null ? EvalDataset.cocoDetections(annotations, images, boxes, imageThreshold)
                : EvalDataset.coco(annotations, images);
        PrintWriter err = spec.commandLine().getErr();
        TopDownEvalResult r = TopDownEvaluator.builder(net).flipTest(flipTest).dark(dark).batchSize(batch)
                .workers(workers).resultsFile(out).progress((done, total, rate) -> {
                    err.print("\r" + ProgressBar.render(done, total, rate, "crops"));
                    if (done == total) {
                        err.println();
                    }
                    err.flush();
                }).build().evaluate(ds);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .writeValueAsString(r.toJsonMap()));
        } else {
            o.print(r.summary());
            o.println();
            o.print(r.perJointTable());
            o.printf(Locale.ROOT, "%n%s, %d crops of %d images (%s boxes%s), %d results%s%n",
                    PoseNetworks.describe(net.config()), r.numSamples(), r.numImages(),
                    boxes != null ? "detector" : schema == KeypointSchema.MPII ? "annotated" : "ground-truth",
                    flipTest ? ", flip test" : "", r.numResults(), out != null ? " written to " + out : "");
            o.printf(Locale.ROOT, "time: load %.1f s, inference %.1f s (%.1f crops/s), evaluation %.2f s%n",
                    r.timings().loadSeconds(), r.timings().inferenceSeconds(), r.cropsPerSecond(),
                    r.timings().evaluationSeconds());
        }
        o.flush();
        return 0;
    }
}
