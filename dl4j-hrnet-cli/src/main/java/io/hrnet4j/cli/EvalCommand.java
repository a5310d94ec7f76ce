package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.eval.EvalDataset;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.eval.TopDownEvaluator;
import java.io.IOException;
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
 * --config FILE) [--no-flip-test] [--dark] [--mpii-gt FILE] [--backend graph|samediff] [--batch N]
 * [--out results.json] [--json]}: the full top-down evaluation ({@link TopDownEvaluator}), with the evaluation options
 * of {@link EvalOptions} (flip test on by default, as the official test configs). Prints the COCO summary table (or
 * the PCKh table), the per-joint breakdown and the timings; {@code --json} prints one JSON object instead
 * ({@link TopDownEvalResult#toJsonMap()}). A progress bar goes to stderr. {@code --out} is checked for writability
 * before any work; the results are written after the metrics are printed, through a temporary file that is validated
 * before it replaces the target (so a failed write still shows the metrics, exits with 1 and leaves an existing file
 * unchanged). Bad input exits with 1 and a message naming the file, record and field.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Top-down evaluation of a network on COCO (OKS AP/AR) or MPII (PCKh).")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Mixin
    EvalOptions evalOptions;

    @Mixin
    DataFilesOptions data;

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
        EvalDataset ds = data.evalDataset(evalOptions.mpiiGt());
        KeypointSchema schema = ds.schema();
        if (out != null) {
            AtomicFiles.checkWritable(out);
        }
        PoseNetwork net = network.load(schema);
        PrintWriter err = spec.commandLine().getErr();
        TopDownEvalResult r = TopDownEvaluator.builder(net).options(evalOptions.predictorOptions(false))
                .batchSize(batch).workers(workers).progress((done, total, rate) -> {
                    err.print("\r" + ProgressBar.render(done, total, rate, "crops"));
                    if (done == total) {
                        err.println();
                    }
                    err.flush();
                }).build().evaluate(ds);
        IOException writeError = null;
        if (out != null) {
            try {
                r = r.writeResults(out);
            } catch (IOException e) {
                writeError = e;
            }
        }
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
                    data.boxOptions.boxes != null ? "detector" : schema == KeypointSchema.MPII ? "annotated" : "ground-truth",
                    evalOptions.flipTest() ? ", flip test" : "", r.numResults(),
                    r.resultsFile() != null ? " written to " + out : "");
            o.printf(Locale.ROOT, "time: load %.1f s, inference %.1f s (%.1f crops/s), evaluation %.2f s%n",
                    r.timings().loadSeconds(), r.timings().inferenceSeconds(), r.cropsPerSecond(),
                    r.timings().evaluationSeconds());
        }
        o.flush();
        if (writeError != null) {
            throw new IOException("the metrics above were computed but the results were not written: "
                    + writeError.getMessage(), writeError);
        }
        return 0;
    }
}
