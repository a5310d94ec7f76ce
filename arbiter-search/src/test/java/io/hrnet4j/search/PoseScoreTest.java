package io.hrnet4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import io.hrnet4j.zoo.train.TopDownValidator;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search's AP score is the evaluation path of {@code hrnet eval} and of validation during training. */
class PoseScoreTest {
    private static final HRNetConfig CFG = new HRNetConfig(17, 64, 48, 16, 1, 16, List.of(
            new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {4, 8}),
            new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {4, 8, 16})), 1, null);

    @Test
    void oksApEqualsTheValidatorsApToTheBit(@TempDir Path tmp) throws Exception {
        Path dir = SharedData.data("coco-sample");
        ComputationGraph graph = new HRNet.Builder().config(CFG).seed(7).build().init();
        PoseNetwork net = PoseNetwork.of(graph, CFG);
        // a ground truth made of this network's own predictions, so that its AP is far from 0
        PoseSearchData original = PoseSearchData.coco(dir.resolve("test_coco.json"), dir,
                dir.resolve("test_coco.json"), dir, 64, 48, 2);
        double[][] kp = new TopDownPredictor(net, original.schema(), TopDownPredictor.Options.of(false, false))
                .predictSamples(original.val(), original.recipe(), 4, 1, null);
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(dir.resolve("test_coco.json").toFile());
        for (int i = 0; i < original.val().size(); i++) {
            for (JsonNode a : root.get("annotations")) {
                if (a.get("id").asLong() == original.val().get(i).annotationId()) {
                    ArrayNode k = ((ObjectNode) a).putArray("keypoints");
                    for (int j = 0; j < 17; j++) {
                        k.add(kp[i][3 * j]).add(kp[i][3 * j + 1]).add(2);
                    }
                    ((ObjectNode) a).put("num_keypoints", 17);
                }
            }
        }
        Path gt = tmp.resolve("own_predictions.json");
        json.writeValue(gt.toFile(), root);
        PoseSearchData coco = PoseSearchData.coco(gt, dir, gt, dir, 64, 48, 2);
        for (boolean flip : new boolean[] {false, true}) {
            PoseScore score = new PoseScore(PoseScore.Kind.OKS_AP).withEvaluation(flip,
                    HeatmapDecoder.Refinement.QUARTER_OFFSET);
            TopDownEvalResult val = TopDownValidator.coco(coco.val(), coco.recipe(), coco.cocoGt(), 5, 2, flip)
                    .evaluate(net);
            assertThat(val.metricName()).isEqualTo("AP");
            assertThat(score.score(graph, CFG, coco)).as("flip %s", flip).isEqualTo(val.metric())
                    .isEqualTo(val.cocoStats().ap());
            assertThat(score.toString()).isEqualTo(flip ? "PoseScore(oks-ap, flip test)" : "PoseScore(oks-ap)");
            if (!flip) {
                assertThat(val.metric()).isGreaterThan(0.3);
            }
        }
    }
}
