package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.hrnet4j.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shape checking and normalisation of state dicts. */
class StateDictTest {

    @Test
    void checkAgainstPassesForTheExactShapes() throws Exception {
        StateDict sd = StateDict.load(SharedData.oracle("tiny_hrnet.npz"));
        assertThat(sd.checkAgainst(sd.shapes())).isSameAs(sd);
        StateDict noCounters = sd.withoutBatchCounters();
        assertThat(noCounters.size()).isEqualTo(247);
        assertThat(noCounters.keys()).noneMatch(k -> k.endsWith("num_batches_tracked"));
        assertThat(sd.shapes().get("bn1.num_batches_tracked")).isEmpty();
    }

    @Test
    void checkAgainstListsEveryMissingUnexpectedAndMisShapedKey() throws Exception {
        StateDict sd = StateDict.load(SharedData.oracle("tiny_hrnet.npz")).withoutBatchCounters();
        Map<String, long[]> expected = new LinkedHashMap<>(sd.shapes());
        expected.put("final_layer.weight", new long[] {16, 4, 1, 1});   // MPII head, file has 17 joints
        expected.put("conv1.weight", new long[] {64, 3, 3, 3});          // unchanged
        expected.put("extra.weight", new long[] {8});                    // network has it, file does not
        expected.remove("bn1.running_var");                              // file has it, network does not
        expected.put("bn2.weight", new long[] {32});
        assertThatThrownBy(() -> sd.checkAgainst(expected))
                .isInstanceOf(WeightMismatchException.class)
                .hasMessage("state dict does not match the network: 1 missing, 1 unexpected, 2 mis-shaped"
                        + "\n  missing: extra.weight [8]"
                        + "\n  unexpected: bn1.running_var [64]"
                        + "\n  mis-shaped: bn2.weight: network [32], file [64], final_layer.weight: network"
                        + " [16, 4, 1, 1], file [17, 4, 1, 1]"
                        + "\n  the file's shapes match no known preset; they look like HRNet-W4, 17 joints")
                .satisfies(e -> {
                    WeightMismatchException w = (WeightMismatchException) e;
                    assertThat(w.missingKeys()).containsExactly("extra.weight");
                    assertThat(w.unexpectedKeys()).containsExactly("bn1.running_var");
                    assertThat(w.shapeMismatches()).extracting(WeightMismatchException.ShapeMismatch::key)
                            .containsExactly("bn2.weight", "final_layer.weight");
                    assertThat(w.shapeMismatches().get(1).expected()).containsExactly(16, 4, 1, 1);
                    assertThat(w.shapeMismatches().get(1).actual()).containsExactly(17, 4, 1, 1);
                });
    }

    @Test
    void normalisesNestedWrappersAndRepeatedModulePrefixes() throws Exception {
        INDArray w = Nd4j.createFromArray(1f, 2f);
        INDArray n = Nd4j.scalar(DataType.LONG, 5);
        Map<Object, Object> inner = new LinkedHashMap<>();
        inner.put("module.module.conv.weight", w);
        inner.put("module.module.bn.num_batches_tracked", n);
        Map<Object, Object> model = new LinkedHashMap<>();
        model.put("state_dict", inner);
        Map<Object, Object> root = new LinkedHashMap<>();
        root.put("epoch", 1);
        root.put("model", model);
        StateDict sd = StateDict.fromCheckpointObject(root, "x.pth");
        assertThat(sd.keys()).containsExactly("conv.weight", "bn.num_batches_tracked");
        assertThat(sd.get("conv.weight")).isSameAs(w);

        // a prefix on only some keys is kept (the keys then fail checkAgainst, naming them)
        Map<Object, Object> mixed = new LinkedHashMap<>();
        mixed.put("module.a", w);
        mixed.put("b", w);
        assertThat(StateDict.fromCheckpointObject(mixed, "m.pth").keys()).containsExactly("module.a", "b");
    }

    @Test
    void rejectsNonTensorEntriesAndUnknownKeys() {
        Map<Object, Object> bad = new LinkedHashMap<>();
        bad.put("conv.weight", Nd4j.createFromArray(1f));
        bad.put("step", 3);
        assertThatThrownBy(() -> StateDict.fromCheckpointObject(bad, "bad.pth"))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessage("bad.pth: the state dict in the checkpoint root has 1 entries that are not tensors under"
                        + " string keys: [step (Integer)]");
        assertThatThrownBy(() -> StateDict.fromCheckpointObject(java.util.List.of(1), "list.pth"))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith("list.pth: the checkpoint root is ");
        StateDict sd = StateDict.of(Map.of("a", Nd4j.createFromArray(1f)));
        assertThatThrownBy(() -> sd.get("b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state dict has no key 'b' (1 keys)");
    }
}
