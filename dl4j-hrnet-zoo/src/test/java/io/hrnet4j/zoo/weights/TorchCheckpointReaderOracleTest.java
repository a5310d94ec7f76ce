package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The oracle {@code tiny_hrnet.pth} (written by torch 1.13 {@code torch.save}) against {@code tiny_hrnet.npz}. */
class TorchCheckpointReaderOracleTest {

    @Test
    void zipCheckpointEqualsNpzByteForByte() throws Exception {
        Path pth = SharedData.oracle("tiny_hrnet.pth");
        StateDict sd = TorchCheckpointReader.readStateDict(pth);
        Map<String, INDArray> npz = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));

        assertThat(sd.size()).isEqualTo(296);
        assertThat(new ArrayList<>(sd.keys())).containsExactlyElementsOf(npz.keySet());
        assertThat(sd.keys()).first().isEqualTo("conv1.weight");
        int floats = 0;
        int counters = 0;
        for (Map.Entry<String, INDArray> e : npz.entrySet()) {
            INDArray expected = e.getValue();
            INDArray actual = sd.get(e.getKey());
            assertThat(actual.dataType()).as(e.getKey()).isEqualTo(expected.dataType());
            assertThat(actual.shape()).as(e.getKey()).isEqualTo(expected.shape());
            if (expected.dataType() == DataType.FLOAT) {
                floats++;
                assertThat(actual.data().asFloat()).as(e.getKey()).containsExactly(expected.data().asFloat());
            } else {
                counters++;
                assertThat(e.getKey()).endsWith("num_batches_tracked");
                assertThat(actual.rank()).isZero();
                assertThat(actual.getLong(0)).isEqualTo(expected.getLong(0)).isZero();
            }
        }
        assertThat(floats).isEqualTo(247);
        assertThat(counters).isEqualTo(49);
        assertThat(sd.get("conv1.weight").shape()).containsExactly(64, 3, 3, 3);
        assertThat(sd.get("final_layer.weight").shape()).containsExactly(17, 4, 1, 1);
        // 394,133 trainable parameters (tiny_config.json) + BN running stats + 49 counters
        long bnStats = sd.keys().stream().filter(k -> k.endsWith("running_mean") || k.endsWith("running_var"))
                .mapToLong(k -> sd.get(k).length()).sum();
        assertThat(sd.numElements() - bnStats - 49).isEqualTo(394_133L);
    }

    @Test
    void loadDispatchesOnContentForPthAndNpz() throws Exception {
        StateDict fromNpz = StateDict.load(SharedData.oracle("tiny_hrnet.npz"));
        StateDict fromPth = StateDict.load(SharedData.oracle("tiny_hrnet.pth"));
        assertThat(fromNpz.keys()).containsExactlyElementsOf(fromPth.keys());
        List<String> keys = new ArrayList<>(fromNpz.keys());
        String k = keys.get(keys.size() - 1);
        assertThat(k).isEqualTo("final_layer.bias");
        assertThat(fromNpz.get(k).data().asFloat()).containsExactly(fromPth.get(k).data().asFloat());
    }

    @Test
    void rawObjectKeepsTheOrderedDictAndArrays() throws Exception {
        Object root = TorchCheckpointReader.readObject(SharedData.oracle("tiny_hrnet.pth"));
        assertThat(root).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) root;
        assertThat(m).hasSize(296);
        assertThat(m.get("bn1.running_var")).isInstanceOf(INDArray.class);
        assertThat(((INDArray) m.get("bn1.running_var")).shape()).containsExactly(64);
    }
}
