package io.hrnet4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.Presets;
import io.hrnet4j.zoo.train.ExperimentFile;
import io.hrnet4j.zoo.train.TrainingRecipe;
import io.hrnet4j.zoo.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training example's {@code main} on the real COCO sample (4 val2017 images, 12 persons with keypoints) with the
 * small CPU model ({@code small_w16_128x96}): the published recipe shortened to 2 epochs with its x0.1 drop after
 * the first and a 2-iteration warm-up, batch 4 (3 iterations per epoch), validation by OKS AP after each epoch.
 */
class TrainOnCocoTest extends ExampleRunTest {
    @Test
    void trainsWithThePublishedRecipeAndWritesTheRunFolder() throws Exception {
        Path run = tmp.resolve("run");
        runMain(TrainOnCoco::main, annotations, sample, run, "--preset", Presets.EMBEDDED, "--epochs", 2,
                "--milestones", 1, "--batch", 4, "--warmup", 2, "--validate-every", 1);

        // config.yaml: the experiment in the official format, read back to the same model and recipe
        ExperimentFile experiment = ExperimentFile.read(run.resolve("config.yaml"));
        assertThat(experiment.config()).isEqualTo(Presets.embedded());
        TrainingRecipe recipe = experiment.recipe();
        assertThat(recipe.epochs()).isEqualTo(2);
        assertThat(recipe.milestones()).containsExactly(1);
        assertThat(recipe.factor()).isEqualTo(0.1);
        assertThat(recipe.learningRate()).isEqualTo(1e-3);
        assertThat(recipe.batchSize()).isEqualTo(4);
        assertThat(recipe.warmupIterations()).isEqualTo(2);
        // the schedule: linear warm-up over iterations 0-1, 1e-3 in epoch 1, x0.1 from epoch 2
        assertThat(recipe.learningRateAt(0, 0)).isCloseTo(5e-4, within(1e-12));
        assertThat(recipe.learningRateAt(2, 0)).isCloseTo(1e-3, within(1e-12));
        assertThat(recipe.learningRateAt(3, 1)).isCloseTo(1e-4, within(1e-12));

        // metrics.json: 6 finite losses, the learning rate the updater applied at each epoch's end, AP per epoch
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertThat(metrics.get("steps").asInt()).isEqualTo(6);
        JsonNode epochs = metrics.get("epochs");
        assertThat(epochs).hasSize(2);
        assertThat(epochs.get(0).get("learningRate").asDouble()).isCloseTo(1e-3, within(1e-9));
        assertThat(epochs.get(1).get("learningRate").asDouble()).isCloseTo(1e-4, within(1e-10));
        for (JsonNode e : epochs) {
            assertThat(e.get("meanLoss").asDouble()).isFinite().isPositive();
            assertThat(e.get("metricName").asText()).isEqualTo("AP");
            assertThat(e.get("metric").asDouble()).isBetween(0.0, 1.0);
        }
        List<String> loss = Files.readAllLines(run.resolve("loss.csv"));
        assertThat(loss.get(0)).isEqualTo("step,loss");
        assertThat(loss).hasSize(7);
        assertThat(loss.subList(1, 7)).allSatisfy(l -> assertThat(Double.parseDouble(l.split(",")[1])).isFinite()
                .isPositive());

        // checkpoints and weights: the final state dict has the official keys and shapes and loads into the zoo model
        // as any official .pth would
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).isNotEmpty()
                    .allSatisfy(n -> assertThat(n).matches("checkpoint-i\\d+\\.zip"));
        }
        assertThat(run.resolve("best.npz")).isRegularFile();
        assertThat(StateDict.load(run.resolve("final.npz")).get("final_layer.weight").shape())
                .containsExactly(17, 16, 1, 1);
        ComputationGraph trained = new HRNet.Builder().config(Presets.embedded()).build()
                .initPretrained(run.resolve("final.npz"));
        assertThat(trained.outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 3, 128, 96)).shape())
                .containsExactly(1, 17, 32, 24);
    }
}
