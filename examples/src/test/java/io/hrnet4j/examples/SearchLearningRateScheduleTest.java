package io.hrnet4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.hrnet4j.search.Optimizer;
import io.hrnet4j.search.PoseCandidate;
import io.hrnet4j.search.PoseSearchSpace;
import io.hrnet4j.zoo.arch.Presets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The search example's {@code main} on the real COCO sample: 2 candidates of the learning-rate schedule space, 2
 * iterations of batch 4 each, on the small CPU model ({@code small_w16_128x96}), scored by OKS AP.
 */
class SearchLearningRateScheduleTest extends ExampleRunTest {
    @Test
    void twoCandidatesAreTrainedScoredAndRanked() throws Exception {
        Path out = tmp.resolve("search");
        runMain(SearchLearningRateSchedule::main, annotations, sample, out, "--candidates", 2, "--budget", "2i",
                "--batch", 4, "--seed", 7);

        CsvMapper csv = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<List<String>> rows = csv.readerForListOf(String.class).<List<String>>readValues(out.resolve(
                "ranking.csv").toFile()).readAll();
        assertThat(rows.get(0)).containsExactly("rank", "id", "status", "oks-ap", "budget", "optimizer",
                "learning_rate", "schedule", "warmup", "batch_size", "width", "failure");
        assertThat(rows).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        double previous = Double.POSITIVE_INFINITY;
        for (int i = 1; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            assertThat(r.get(0)).isEqualTo(Integer.toString(i));
            assertThat(r.get(2)).isEqualTo("COMPLETED");
            double ap = Double.parseDouble(r.get(3));
            assertThat(ap).isBetween(0.0, 1.0).isLessThanOrEqualTo(previous);  // best first
            previous = ap;
            assertThat(r.get(4)).isEqualTo("2i");
            assertThat(r.get(5)).isEqualTo("adam");
            double lr = Double.parseDouble(r.get(6));
            assertThat(lr).isBetween(1e-4, 1e-2);
            // the schedule: {epoch: lr} with the base rate at 0 and each drop a factor 0.1 or 0.3 lower
            JsonNode schedule = json.readTree(r.get(7));
            assertThat(schedule.get("0").asDouble()).isEqualTo(lr);
            assertThat(schedule.size()).isBetween(2, 3);
            assertThat(r.get(8)).isIn("0", "10");
            assertThat(r.get(9)).isEqualTo("4");
            assertThat(r.get(10)).isEqualTo("16");
            assertThat(r.get(11)).isEmpty();

            // each candidate's folder: its configuration and result, with the score of the ranking
            Path folder = out.resolve("candidates").resolve(r.get(1));
            PoseCandidate c = PoseCandidate.fromJson(json.readTree(folder.resolve("candidate.json").toFile()),
                    "candidate.json");
            assertThat(c.baseLearningRate()).isEqualTo(lr);
            JsonNode result = json.readTree(folder.resolve("result-2i.json").toFile());
            assertThat(result.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(result.get("iterations").asInt()).isEqualTo(2);
            assertThat(result.get("score").asDouble()).isEqualTo(ap);
            assertThat(folder.resolve("config.yaml")).isRegularFile();
        }
        assertThat(rows.get(1).get(1)).isNotEqualTo(rows.get(2).get(1));
        JsonNode settings = json.readTree(out.resolve("search.json").toFile());
        assertThat(settings.get("maxCandidates").asInt()).isEqualTo(2);
        assertThat(settings.get("seed").asLong()).isEqualTo(7);
        assertThat(settings.get("score").asText()).isEqualTo("oks-ap");
        assertThat(out.resolve("score-vs-lr.png")).isRegularFile();
    }

    @Test
    void theSpaceSearchesTheScheduleAndFixesTheRest() {
        PoseSearchSpace space = SearchLearningRateSchedule.learningRateScheduleSpace(8, Presets.embedded().width());
        // learning rate, drop factor, drop points, warm-up: 4 dimensions; everything else is fixed
        assertThat(space.numParameters()).isEqualTo(4);
        space.setIndices(0, 1, 2, 3);
        // the corners of the space: every dimension at its lowest, then at its highest value
        PoseCandidate low = space.getValue(new double[4]);
        PoseCandidate high = space.getValue(new double[] {1, 1, 1, 1});
        assertThat(low.lrSchedule().valueAt(0, 0)).isCloseTo(1e-4, within(1e-12));
        assertThat(low.lrSchedule().valueAt(0, 1)).isCloseTo(1e-5, within(1e-13));   // drop x0.1 at epoch 1
        assertThat(low.lrSchedule().valueAt(0, 2)).isCloseTo(1e-5, within(1e-13));
        assertThat(high.lrSchedule().valueAt(0, 0)).isCloseTo(1e-2, within(1e-12));
        assertThat(high.lrSchedule().valueAt(0, 1)).isCloseTo(3e-3, within(1e-12));  // x0.3 at epochs 1 and 2
        assertThat(high.lrSchedule().valueAt(0, 2)).isCloseTo(9e-4, within(1e-12));
        assertThat(low.warmupIterations()).isZero();
        assertThat(high.warmupIterations()).isEqualTo(10);
        for (PoseCandidate c : List.of(low, high)) {
            assertThat(c.optimizer()).isEqualTo(Optimizer.ADAM);
            assertThat(c.batchSize()).isEqualTo(8);
            assertThat(c.width()).isEqualTo(16);
            assertThat(c.weightDecay()).isZero();
        }
    }
}
