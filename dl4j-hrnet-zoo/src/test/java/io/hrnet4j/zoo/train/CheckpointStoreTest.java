package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    static TrainingState state(int iteration) {
        return new TrainingState(TrainingState.FORMAT_VERSION, "graph", TrainingBackend.GRAPH_LAYOUT,
                ExperimentFile.of(io.hrnet4j.zoo.arch.Presets.small(4, 17, 64, 48), 2, TrainingRecipe.published()).toTree(), 1, 3,
                iteration, iteration, 1e-3, Double.NaN, 0, 0, List.of(0.5, 0.25), List.of());
    }

    static Map<String, INDArray> arrays(float v) {
        return Map.of("params", Nd4j.valueArrayOf(new long[] {1, 1000}, v, DataType.FLOAT));
    }

    @Test
    void roundTripAndKeepsTheLastK() throws IOException {
        CheckpointStore s = CheckpointStore.of(dir, 2);
        for (int i = 1; i <= 3; i++) {
            s.write(state(i * 10), arrays(i));
        }
        assertThat(s.list()).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-i000000020.zip", "checkpoint-i000000030.zip");
        CheckpointStore.Checkpoint c = s.loadLatest();
        assertThat(c.state().iteration()).isEqualTo(30);
        assertThat(c.state().batchInEpoch()).isEqualTo(3);
        assertThat(c.state().losses()).containsExactly(0.5, 0.25);
        assertThat(c.arrays().get("params").getFloat(999)).isEqualTo(3f);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp")).count()).isZero();
        }
    }

    /** state.json through Jackson databind: NaN as null and back, a missing field or a negative count named. */
    @Test
    void stateJsonWritesNanAsNullAndNamesAMissingField() {
        TrainingState.EpochRecord e = new TrainingState.EpochRecord(1, 3, 3, 0.25, 1e-3, 2.5, null, Double.NaN);
        TrainingState s = new TrainingState(TrainingState.FORMAT_VERSION, "samediff", TrainingBackend.SAMEDIFF_LAYOUT,
                state(3).experiment(), 1, 0, 3, 3, 1e-3, Double.NaN, 0, 123, List.of(0.5, Double.NaN, 0.25),
                List.of(e));
        com.fasterxml.jackson.databind.node.ObjectNode json = s.toJson();
        assertThat(json.get("bestMetric").isNull()).isTrue();
        assertThat(json.get("losses").get(1).isNull()).isTrue();
        assertThat(json.get("epochs").get(0).get("metric").isNull()).isTrue();
        assertThat(json.get("epochs").get(0).get("meanLoss").asDouble()).isEqualTo(0.25);
        assertThat(TrainingState.fromJson(json)).isEqualTo(s);

        json.remove("losses");
        assertThatThrownBy(() -> TrainingState.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'losses'");
        com.fasterxml.jackson.databind.node.ObjectNode negative = s.toJson().put("iteration", -1);
        assertThatThrownBy(() -> TrainingState.fromJson(negative)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative count: epoch 1, batchInEpoch 0, iteration -1");
        com.fasterxml.jackson.databind.node.ObjectNode old = s.toJson().put("formatVersion", 1);
        assertThatThrownBy(() -> TrainingState.fromJson(old)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint format 1, this version reads 2");
    }

    @Test
    void truncatedLastCheckpointFallsBackToThePreviousOne() throws IOException {
        CheckpointStore s = CheckpointStore.of(dir, 3);
        s.write(state(10), arrays(1));
        Path last = s.write(state(20), arrays(2));
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CheckpointStore.Checkpoint c = s.loadLatest();
        assertThat(c.state().iteration()).isEqualTo(10);
        assertThat(c.arrays().get("params").getFloat(0)).isEqualTo(1f);
    }

    @Test
    void noReadableCheckpointIsAClearError() throws IOException {
        Files.write(dir.resolve(CheckpointStore.fileName(5)), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> CheckpointStore.of(dir, 3).loadLatest())
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.diverged()).isFalse())
                .hasMessageContaining("no readable checkpoint in " + dir)
                .hasMessageContaining("checkpoint-i000000005.zip");
        assertThat(CheckpointStore.of(dir.resolve("empty"), 3).loadLatest()).isNull();
    }

    @Test
    void fullDiskLeavesEarlierCheckpointsIntact() throws IOException {
        CheckpointStore ok = CheckpointStore.of(dir, 1);
        Path first = ok.write(state(10), arrays(1));
        byte[] before = Files.readAllBytes(first);
        CheckpointStore.FileSink full = f -> new FilterOutputStream(Files.newOutputStream(f)) {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 1500) {
                    throw new IOException("No space left on device");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
        CheckpointStore failing = new CheckpointStore(dir, 1, full);
        assertThatThrownBy(() -> failing.write(state(20), Map.of("params", Nd4j.rand(DataType.FLOAT, 1, 10_000)))).isInstanceOf(IOException.class)
                .hasMessage("No space left on device");
        assertThat(failing.list()).containsExactly(first);
        assertThat(Files.readAllBytes(first)).isEqualTo(before);
        assertThat(Files.exists(dir.resolve(CheckpointStore.fileName(20) + ".tmp"))).isFalse();
        assertThat(failing.loadLatest().state().iteration()).isEqualTo(10);
    }

}
