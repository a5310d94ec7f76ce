package io.hrnet4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.CocoKeypointEval;
import io.hrnet4j.metrics.CocoResults;
import io.hrnet4j.metrics.CocoStats;
import io.hrnet4j.metrics.KeypointResult;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.eval.EvalDataset;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.eval.TopDownEvaluator;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The COCO evaluation example on the real COCO sample (4 val2017 images, 14 annotated persons, the real detector
 * boxes scored at least 0.5) with the official tiny PyTorch checkpoint: its step-by-step pipeline prints the
 * statistics of the library's one-call evaluation ({@link TopDownEvaluator}, the {@code hrnet eval} path) and writes
 * its predictions bit for bit, and the results file re-evaluates to the same numbers.
 */
class EvaluateOnCocoTest extends ExampleRunTest {
    @Test
    void theExampleEqualsTheLibraryEvaluationOnTheCocoSample() throws Exception {
        // the real detector boxes scored >= 0.5 (keeps the test short on 2 cores: 2 x 19 crops with flip test)
        Path detections = tmp.resolve("detections.json");
        ObjectMapper json = new ObjectMapper();
        ArrayNode kept = json.createArrayNode();
        Set<Long> images = new HashSet<>();
        for (JsonNode d : json.readTree(sample.resolve("test_coco_det_AP_H_56.json").toFile())) {
            if (d.get("score").asDouble() >= 0.5) {
                kept.add(d);
                images.add(d.get("image_id").asLong());
            }
        }
        json.writeValue(detections.toFile(), kept);
        Path config = TinyModel.writeConfig(tmp);
        Path results = tmp.resolve("results.json");

        // the example as a user runs it, its output captured
        String text = runMain(EvaluateOnCoco::main, annotations, sample, "--detections", detections,
                "--weights", TinyModel.weights(), "--config", config, "--results", results, "--batch", 16);

        // the library's evaluation of the same weights and boxes
        PoseNetwork network = PredictWithPretrainedWeights.loadNetwork(TinyModel.weights(), config);
        TopDownEvalResult library = TopDownEvaluator.builder(network).batchSize(16).build()
                .evaluate(EvalDataset.cocoDetections(annotations, sample, detections, 0.0));
        assertThat(library.numSamples()).isEqualTo(kept.size());
        assertThat(library.numImages()).isEqualTo(images.size());

        // the results the example wrote are the library's predictions, bit for bit, in the same order
        List<KeypointResult> written = CocoResults.read(results);
        assertThat(written).hasSize(library.numResults());
        for (int i = 0; i < written.size(); i++) {
            assertThat(written.get(i).imageId()).isEqualTo(library.predictions().get(i).imageId());
            assertThat(written.get(i).keypoints()).containsExactly(library.predictions().get(i).flatKeypoints());
            assertThat(written.get(i).score()).isEqualTo(library.predictions().get(i).score());
        }
        // pycocotools' table, printed by main
        assertThat(text).contains(library.summary())
                .contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = ")
                .contains(library.numResults() + " results written to " + results);

        // and, as a standard COCO results file, they evaluate to the library's statistics
        CocoStats again = new CocoKeypointEval(CocoGroundTruth.read(annotations), CocoResults.read(results),
                CocoKeypointEval.COCO_SIGMAS, CocoKeypointEval.DEFAULT_MAX_DETS, results.toString()).evaluate();
        assertThat(again.toMap()).containsExactlyEntriesOf(library.stats());
    }
}
