package io.hrnet4j.zoo.train.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.zoo.train.CheckpointStore;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.TrainerFixture;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingRecipe;
import io.hrnet4j.zoo.train.TrainingResult;
import io.hrnet4j.zoo.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ParallelWrapper execution backend inside the one trainer, on a micro HRNet (W4, 64x48) and eight synthetic
 * samples (batch 2, four minibatches per epoch), 2 workers on the CPU backend: a run moves from one device to two
 * and back through the one checkpoint format, its loss sequence continuing.
 */
class ParallelWrapperBackendTest {
    @TempDir
    Path tmp;

    static TrainingRecipe recipe() {
        return TrainingRecipe.builder().epochs(3).milestones(2).learningRate(2e-3).batchSize(2).workers(1).seed(5)
                .checkpointEveryIterations(0).keepCheckpoints(5).validateEveryEpochs(0).logEveryIterations(1).build();
    }

    static PoseTrainer.Builder trainer(List<PoseSample> train, Path out, ByteArrayOutputStream log) {
        return TrainerFixture.trainer(train, recipe(), out, new PrintStream(log, true, StandardCharsets.UTF_8))
                .backend(TrainingBackend.Kind.GRAPH);
    }

    @Test
    void singleThenTwoWorkersThenSingleContinuesOneLossSequence() throws IOException {
        List<PoseSample> train = TrainerFixture.trainSamples(TrainerFixture.synthetic(tmp.resolve("cache"), 8, 1), 8);
        Path out = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // epoch 1 on one device (4 steps of 1 minibatch)
        TrainingResult a = trainer(train, out, log).maxIterations(4).build().train();
        assertThat(a.losses()).hasSize(4);
        // epoch 2 on two ParallelWrapper workers (2 rounds of 2 minibatches)
        TrainingResult b = trainer(train, out, log).devices(2).resumeFrom(out).maxIterations(8).build().train();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("checkpoint-i000000004.zip (graph backend): "
                + "epoch 2, batch 0, iteration 4");
        assertThat(b.losses()).hasSize(6).startsWith(a.losses().toArray(Double[]::new));
        TrainingState sb = CheckpointStore.read(b.lastCheckpoint()).state();
        assertThat(sb.backend()).isEqualTo("parallel");
        assertThat(sb.iteration()).isEqualTo(8);
        assertThat(sb.updates()).isEqualTo(6);
        // epoch 3 on one device again, after the learning-rate drop at epoch 2
        TrainingResult c = trainer(train, out, log).resumeFrom(out).build().train();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("checkpoint-i000000008.zip (parallel backend): "
                + "epoch 3, batch 0, iteration 8");
        assertThat(c.losses()).hasSize(10).startsWith(b.losses().toArray(Double[]::new));
        assertThat(c.epochs()).extracting(TrainingState.EpochRecord::steps).containsExactly(4, 6, 10);
        assertThat(c.epochs()).extracting(TrainingState.EpochRecord::iteration).containsExactly(4L, 8L, 12L);
        assertThat(c.epochs()).extracting(TrainingState.EpochRecord::learningRate)
                .containsExactly(2e-3, 2e-3, 2e-4);
        // continuous: the resumed runs start from the trained weights, not from a fresh initialisation
        List<Double> l = c.losses();
        double firstEpoch = (l.get(0) + l.get(1) + l.get(2) + l.get(3)) / 4;
        double lastEpoch = (l.get(6) + l.get(7) + l.get(8) + l.get(9)) / 4;
        assertThat(lastEpoch).isLessThan(firstEpoch);
        assertThat(l).allMatch(Double::isFinite);
    }
}
