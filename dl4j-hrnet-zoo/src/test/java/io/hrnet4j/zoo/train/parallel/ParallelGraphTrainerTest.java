package io.hrnet4j.zoo.train.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * ParallelWrapper training of a micro HRNet (smaller than TinyConfigs.tiny(): stem 8, one Bottleneck, one stage of
 * 2 branches 4/8, input 32x24, heatmaps 8x6; the 2-core test machine is shared) with 2 workers on the CPU backend:
 * descent, atomic checkpoints readable by plain DL4J, exact resume, fallback, divergence.
 */
class ParallelGraphTrainerTest {
    static final HRNetConfig CFG = micro();
    static final int BATCHES = 8;
    static INDArray input;
    static List<INDArray> labels = new ArrayList<>();

    /** @return the micro HRNet: 17 joints, input 32x24 (HxW), heatmaps 8x6 */
    static HRNetConfig micro() {
        return new HRNetConfig(17, 32, 24, 8, 1, 4, List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {4, 8})), 1, null);
    }

    @BeforeAll
    static void setUp() {
        Random r = Nd4j.getRandomFactory().getNewRandomInstance(11);
        input = Nd4j.randn(r, 2, 3, 32, 24).castTo(DataType.FLOAT);
        for (int i = 0; i < BATCHES; i++) {
            labels.add(Nd4j.rand(r, 2, 17, 8, 6).castTo(DataType.FLOAT));
        }
    }

    static ComputationGraph tinyGraph() {
        return new HRNet.Builder().config(CFG).seed(3).updater(new Adam(1e-2)).build().init();
    }

    /** Epoch e: the 8 fixed minibatches, rotated by e (the order depends only on the epoch, as PoseDataSetIterator). */
    static DataSetIterator epoch(int e) {
        List<DataSet> l = new ArrayList<>();
        for (int i = 0; i < BATCHES; i++) {
            INDArray y = labels.get((i + e) % BATCHES);
            l.add(new DataSet(input.dup(), y.dup(), null, Nd4j.ones(DataType.FLOAT, 2, 17, 8, 6)));
        }
        return new ListDataSetIterator<>(l, 1);
    }

    static ParallelTrainingConfig config(Path dir, int keep) {
        return ParallelTrainingConfig.builder().workers(2).prefetchBuffer(2).averagingFrequency(1)
                .checkpointDir(dir).checkpointEveryRounds(2).keepCheckpoints(keep).build();
    }

    @Test
    void twoWorkersDescendAndWriteCheckpointsThatPlainDl4jRestores(@TempDir Path dir) throws Exception {
        ComputationGraph g = tinyGraph();
        ParallelGraphTrainer t = new ParallelGraphTrainer(g, 42, config(dir, 3));
        List<TrainingState> seen = new ArrayList<>();
        t.setRoundListener((s, loss) -> seen.add(s));
        List<Double> losses = t.fit(ParallelGraphTrainerTest::epoch, 2);

        // 2 epochs x 8 minibatches / 2 workers = 8 rounds; Adam on the same data: the loss goes down
        assertThat(losses).hasSize(8);
        assertThat(seen).extracting(TrainingState::iteration).containsExactly(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L);
        double first = (losses.get(0) + losses.get(1) + losses.get(2) + losses.get(3)) / 4;
        double last = (losses.get(4) + losses.get(5) + losses.get(6) + losses.get(7)) / 4;
        assertThat(last).isLessThan(first);
        assertThat(losses.get(7)).isLessThan(losses.get(0));

        // checkpoints at i=4 (mid epoch 0), i=8 (end of epoch 0), i=12, i=16; the newest 3 kept
        assertThat(t.checkpoints().list()).extracting(p -> p.getFileName().toString()).containsExactly(
                "checkpoint-e0002-i000000016.zip", "checkpoint-e0001-i000000012.zip",
                "checkpoint-e0001-i000000008.zip");
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count()).isZero();
        }
        TrainingCheckpoint.Restored r = t.checkpoints().loadLatest().orElseThrow();
        assertThat(r.state()).isEqualTo(new TrainingState(2, 0, 16, 42, losses.get(7)));
        assertThat(r.graph().params()).isEqualTo(g.params());
        assertThat(r.graph().getUpdater().getStateViewArray()).isEqualTo(g.getUpdater().getStateViewArray());

        // the single-device path: a plain DL4J restore with updater, counts in the configuration
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(r.file().toFile(), true);
        assertThat(plain.getEpochCount()).isEqualTo(2);
        assertThat(plain.getIterationCount()).isEqualTo(8); // one optimizer update per round
        assertThat(plain.params()).isEqualTo(g.params());
        plain.fit(new SingletonDataSetIterator(epoch(0).next()));
        assertThat(plain.score()).isFinite();
    }

    @Test
    void resumingMidEpochContinuesExactlyAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        List<Double> full = new ParallelGraphTrainer(tinyGraph(), 42, config(dir.resolve("a"), 10))
                .fit(ParallelGraphTrainerTest::epoch, 2);
        CheckpointStore a = new CheckpointStore(dir.resolve("a"), 10);
        Path mid = a.dir().resolve("checkpoint-e0000-i000000004.zip");
        TrainingCheckpoint.Restored r = TrainingCheckpoint.read(mid);
        assertThat(r.state().batchInEpoch()).isEqualTo(4);

        List<Double> resumed = ParallelGraphTrainer.resume(r, config(dir.resolve("b"), 10))
                .fit(ParallelGraphTrainerTest::epoch, 2);
        assertThat(resumed).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(resumed.get(i)).as("round %d", i + 2).isCloseTo(full.get(i + 2),
                    org.assertj.core.api.Assertions.within(1e-6 * full.get(i + 2)));
        }
    }

    @Test
    void corruptNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws Exception {
        ComputationGraph g = tinyGraph();
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(g, new TrainingState(1, 0, 8, 5, 0.25));
        Path newest = store.save(g, new TrainingState(2, 0, 16, 5, 0.2));
        Files.write(newest, new byte[] {'P', 'K', 3, 4, 0, 0});

        assertThatThrownBy(() -> TrainingCheckpoint.read(newest))
                .isInstanceOf(TrainingCheckpointException.class)
                .hasMessageStartingWith(newest.toString() + ": not a readable zip archive");
        TrainingCheckpoint.Restored r = store.loadLatest().orElseThrow();
        assertThat(r.file().getFileName().toString()).isEqualTo("checkpoint-e0001-i000000008.zip");
        assertThat(r.state()).isEqualTo(new TrainingState(1, 0, 8, 5, 0.25));
    }

    @Test
    void aPlainModelZipIsRejectedWithTheMissingEntryNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("plain.zip");
        ModelSerializer.writeModel(tinyGraph(), f.toFile(), true);
        assertThatThrownBy(() -> TrainingCheckpoint.read(f))
                .isInstanceOf(TrainingCheckpointException.class)
                .hasMessage(f + ": entry hrnet4j/training-state.json missing (a DL4J model saved without training "
                        + "state)");
        assertThatThrownBy(() -> TrainingCheckpoint.read(dir.resolve("none.zip")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("none.zip");
    }

    @Test
    void nanLossStopsTrainingAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        ParallelGraphTrainer t = new ParallelGraphTrainer(tinyGraph(), 1, config(dir, 3));
        EpochData poisoned = e -> {
            List<DataSet> l = new ArrayList<>();
            for (int i = 0; i < BATCHES; i++) {
                INDArray y = labels.get(i).dup();
                if (i >= 4) {
                    y.putScalar(new long[] {0, 0, 0, 0}, Double.NaN);
                }
                l.add(new DataSet(input.dup(), y, null, Nd4j.ones(DataType.FLOAT, 2, 17, 8, 6)));
            }
            return new ListDataSetIterator<>(l, 1);
        };
        assertThatThrownBy(() -> t.fit(poisoned, 1))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessage("training loss is NaN at epoch 0, iteration 4: stopped; the last good checkpoint is kept");
        assertThat(t.checkpoints().list()).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-e0000-i000000004.zip");
        assertThat(TrainingCheckpoint.readState(t.checkpoints().list().get(0)).lastLoss()).isFinite();
    }

    @Test
    void sharedGradientsModeTrainsWithTwoWorkers() throws Exception {
        ComputationGraph g = tinyGraph();
        INDArray before = g.params().dup();
        ParallelGraphTrainer t = new ParallelGraphTrainer(g, 1, ParallelTrainingConfig.builder().workers(2)
                .mode(ParallelTrainingConfig.Mode.SHARED_GRADIENTS).build());
        List<Double> losses = t.fit(ParallelGraphTrainerTest::epoch, 1);
        assertThat(losses).hasSize(4).allSatisfy(l -> assertThat(l).isFinite().isPositive());
        assertThat(t.state()).isEqualTo(new TrainingState(1, 0, 8, 1, losses.get(3)));
        assertThat(g.params().sub(before).amaxNumber().doubleValue()).isGreaterThan(0);
    }

    @Test
    void badSettingsAreRejectedWithTheFieldNamed() {
        assertThatThrownBy(() -> ParallelTrainingConfig.builder().workers(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("workers must be >= 1, got 0");
        assertThatThrownBy(() -> ParallelTrainingConfig.builder().averagingFrequency(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("averagingFrequency must be >= 1, got 0");
        assertThatThrownBy(() -> ParallelTrainingConfig.builder().keepCheckpoints(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("keepCheckpoints must be >= 2, got 1");
    }
}
