package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.weights.TorchSaveWriter.PyCall;
import io.hrnet4j.zoo.weights.TorchSaveWriter.PyGlobal;
import io.hrnet4j.zoo.weights.TorchSaveWriter.PyOrderedDict;
import io.hrnet4j.zoo.weights.TorchSaveWriter.Storage;
import io.hrnet4j.zoo.weights.TorchSaveWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Legacy, wrapped, prefixed, strided and malformed checkpoints, written by {@link TorchSaveWriter} in the exact
 * torch.save layouts and read through the same public entry points as real files.
 */
class TorchCheckpointReaderTest {
    @TempDir
    Path tmp;

    static final Map<String, INDArray> tiny = SharedData.tinyWeights();

    private static void assertSameAsOracle(StateDict sd) {
        assertThat(new ArrayList<>(sd.keys())).containsExactlyElementsOf(tiny.keySet());
        for (Map.Entry<String, INDArray> e : tiny.entrySet()) {
            INDArray a = sd.get(e.getKey());
            assertThat(a.dataType()).as(e.getKey()).isEqualTo(e.getValue().dataType());
            assertThat(a.shape()).as(e.getKey()).isEqualTo(e.getValue().shape());
            if (a.dataType() == DataType.FLOAT) {
                assertThat(a.data().asFloat()).as(e.getKey()).containsExactly(e.getValue().data().asFloat());
            } else {
                assertThat(a.data().asLong()).as(e.getKey()).containsExactly(e.getValue().data().asLong());
            }
        }
    }

    @Test
    void legacyFormatFullStateDictMatchesOracle() throws Exception {
        Path f = tmp.resolve("legacy.pth");
        TorchSaveWriter.writeLegacy(TorchSaveWriter.stateDict(tiny, "", true), f);
        assertThat(Files.readAllBytes(f)[0] & 0xFF).isEqualTo(0x80);
        StateDict sd = StateDict.load(f);
        assertThat(sd.size()).isEqualTo(296);
        assertSameAsOracle(sd);
    }

    @Test
    void wrappedAndDataParallelPrefixedCheckpointsAreNormalised() throws Exception {
        // the official HRNet training checkpoint: {'epoch', 'model': name, 'state_dict': module.-prefixed, 'perf', ...}
        Map<Object, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 140);
        ckpt.put("model", "pose_hrnet");
        ckpt.put("state_dict", TorchSaveWriter.stateDict(tiny, "module.", false));
        ckpt.put("perf", 0.744);
        Map<Object, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("state", new LinkedHashMap<>());
        optimizer.put("param_groups", List.of(Map.of("lr", 0.001)));
        ckpt.put("optimizer", optimizer);
        Path zip = tmp.resolve("checkpoint.pth");
        TorchSaveWriter.writeZip(ckpt, zip);
        assertSameAsOracle(StateDict.load(zip));
        Object raw = TorchCheckpointReader.readObject(zip);
        assertThat(((Map<?, ?>) raw).get("epoch")).isEqualTo(140);

        Path legacy = tmp.resolve("checkpoint-legacy.pth");
        TorchSaveWriter.writeLegacy(ckpt, legacy);
        assertSameAsOracle(TorchCheckpointReader.readStateDict(legacy));

        // {'model': state_dict} (e.g. timm / DeiT-style)
        Map<Object, Object> modelWrapped = new LinkedHashMap<>();
        modelWrapped.put("model", TorchSaveWriter.stateDict(tiny, "", false));
        Path m = tmp.resolve("model-wrapped.pth");
        TorchSaveWriter.writeZip(modelWrapped, m);
        assertSameAsOracle(StateDict.load(m));
    }

    @Test
    void stridedViewsOffsetsSharedStoragesAndDtypes() throws Exception {
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 3f;
        }
        Storage shared = TorchSaveWriter.storageOf(Nd4j.createFromArray(v), "0");
        PyOrderedDict d = new PyOrderedDict();
        // a.t() of a [3,2] view at offset 4: element (i,j) = storage[4 + i*1 + j*2]
        d.put("transposed", new Tensor(shared, 4, new long[] {2, 3}, new long[] {1, 2}));
        // rows 1..2 of a [4,6] matrix: offset 6
        d.put("slice", new Tensor(shared, 6, new long[] {2, 6}, new long[] {6, 1}));
        // every other column of the first 2 rows, with a size-1 middle dimension
        d.put("stepped", new Tensor(shared, 1, new long[] {2, 1, 3}, new long[] {6, 99, 2}));
        d.put("half", new Tensor(new Storage("HalfStorage", "1", halfBytes(0x3E00, 0xB400, 0x7BFF, 0x0001), 2),
                0, new long[] {4}, new long[] {1}));
        d.put("double", TorchSaveWriter.tensor(Nd4j.createFromArray(Math.PI, -1e-300), "2"));
        d.put("counter", new Tensor(TorchSaveWriter.storageOf(Nd4j.createFromArray(7L), "3"), 0, new long[0],
                new long[0]));
        for (boolean bigEndian : new boolean[] {false, true}) {
            Path f = tmp.resolve("views-" + bigEndian + ".pth");
            TorchSaveWriter.writeZip(d, f, "views", null, bigEndian);
            StateDict sd = TorchCheckpointReader.readStateDict(f);
            assertThat(sd.get("transposed").toFloatMatrix()).isEqualTo(new float[][] {
                {v[4], v[6], v[8]}, {v[5], v[7], v[9]}});
            assertThat(sd.get("slice").shape()).containsExactly(2, 6);
            assertThat(sd.get("slice").data().asFloat()).containsExactly(java.util.Arrays.copyOfRange(v, 6, 18));
            assertThat(sd.get("stepped").shape()).containsExactly(2, 1, 3);
            assertThat(sd.get("stepped").data().asFloat()).containsExactly(v[1], v[3], v[5], v[7], v[9], v[11]);
            assertThat(sd.get("half").dataType()).isEqualTo(DataType.HALF);
            assertThat(sd.get("half").castTo(DataType.FLOAT).data().asFloat()).containsExactly(1.5f, -0.25f, 65504f, 0x1p-24f);
            assertThat(sd.get("double").dataType()).isEqualTo(DataType.DOUBLE);
            assertThat(sd.get("double").data().asDouble()).containsExactly(Math.PI, -1e-300);
            assertThat(sd.get("counter").rank()).isZero();
            assertThat(sd.get("counter").dataType()).isEqualTo(DataType.LONG);
            assertThat(sd.get("counter").getLong(0)).isEqualTo(7L);
        }
    }

    @Test
    void legacyStorageViewsUseTheRootStorageOffset() throws Exception {
        float[] v = {10, 11, 12, 13, 14, 15, 16, 17};
        Storage root = TorchSaveWriter.storageOf(Nd4j.createFromArray(v), "140000");
        PyOrderedDict d = new PyOrderedDict();
        d.put("whole", new Tensor(root, 0, new long[] {8}, new long[] {1}));
        // a tensor on the storage view root[3:7], itself at offset 1 of that view: root[4..6]
        d.put("on_view", new Tensor(root.view("140001", 3, 4), 1, new long[] {3}, new long[] {1}));
        Path f = tmp.resolve("legacy-views.pth");
        TorchSaveWriter.writeLegacy(d, f);
        StateDict sd = StateDict.load(f);
        assertThat(sd.get("whole").data().asFloat()).containsExactly(v);
        assertThat(sd.get("on_view").data().asFloat()).containsExactly(14f, 15f, 16f);
    }

    // ------------------------------------------------------------------------------------------------ bad input

    @Test
    void truncatedZipIsReportedWithTheFileName() throws Exception {
        byte[] all = Files.readAllBytes(SharedData.oracle("tiny_hrnet.pth"));
        Path f = tmp.resolve("truncated.pth");
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("corrupt or truncated zip archive");
    }

    @Test
    void truncatedLegacyFileNamesTheStorage() throws Exception {
        Path full = tmp.resolve("full.pth");
        TorchSaveWriter.writeLegacy(TorchSaveWriter.stateDict(tiny, "", true), full);
        byte[] all = Files.readAllBytes(full);
        Path f = tmp.resolve("cut.pth");
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 4));
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageMatching("(?s).*truncated legacy checkpoint: the file ends inside storage '\\d+' \\(296 of 296\\).*");
        Path g = tmp.resolve("cut-in-pickle.pth");
        Files.write(g, java.util.Arrays.copyOf(all, 200));
        assertThatThrownBy(() -> StateDict.load(g)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(g + " (object): truncated pickle");
    }

    @Test
    void foreignFilesAreRejected() throws Exception {
        Path jpeg = SharedData.data("coco-sample").resolve(firstJpeg());
        assertThatThrownBy(() -> StateDict.load(jpeg)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(jpeg + ": not a PyTorch checkpoint: a JPEG image, first bytes ffd8ff");
        Path json = SharedData.data("coco-sample/test_coco.json");
        assertThatThrownBy(() -> StateDict.load(json)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(json + ": not a PyTorch checkpoint: a text file");
        Path empty = Files.createFile(tmp.resolve("empty.pth"));
        assertThatThrownBy(() -> StateDict.load(empty)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> StateDict.load(tmp.resolve("absent.pth"))).isInstanceOf(NoSuchFileException.class);
        // a plain pickle that is not a torch legacy file
        Path pickle = tmp.resolve("plain.pkl");
        Files.write(pickle, new net.razorvine.pickle.Pickler().dumps(List.of(1, 2, 3)));
        assertThatThrownBy(() -> StateDict.load(pickle)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("a pickle file, but not a PyTorch checkpoint")
                .hasMessageContaining("expected the magic number 0x1950a86a20f9469cfc6c");
        // an npz given to the torch reader gets a hint
        assertThatThrownBy(() -> TorchCheckpointReader.readStateDict(SharedData.oracle("tiny_hrnet.npz")))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("it looks like a NumPy .npz");
    }

    private static String firstJpeg() throws Exception {
        try (var s = Files.walk(SharedData.data("coco-sample"))) {
            return SharedData.data("coco-sample").relativize(
                    s.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow()).toString();
        }
    }

    @Test
    void unsupportedGlobalIsRejectedNotExecuted() throws Exception {
        PyOrderedDict d = TorchSaveWriter.stateDict(Map.of("w", Nd4j.createFromArray(1f, 2f)), "", false);
        d.put("evil", new PyCall(new PyGlobal("os", "system"), "echo hi"));
        Path f = tmp.resolve("evil.pth");
        TorchSaveWriter.writeZip(d, f);
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(f + "!archive/data.pkl: unsupported pickle global 'os.system'");
        Path g = tmp.resolve("evil-legacy.pth");
        TorchSaveWriter.writeLegacy(d, g);
        assertThatThrownBy(() -> StateDict.load(g)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(g + " (object): unsupported pickle global 'os.system'");
    }

    @Test
    void missingStorageNamesTheRecordAndTheTensor() throws Exception {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("a", Nd4j.createFromArray(1f, 2f));
        m.put("b.weight", Nd4j.createFromArray(3f, 4f, 5f));
        Path f = tmp.resolve("missing.pth");
        TorchSaveWriter.writeZip(TorchSaveWriter.stateDict(m, "", false), f, "missing", "1", false);
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessage(f + ": missing storage record 'missing/data/1' needed by tensor 'b.weight'");
    }

    @Test
    void tensorReadingPastItsStorageIsRejected() throws Exception {
        Storage s = TorchSaveWriter.storageOf(Nd4j.createFromArray(1f, 2f, 3f, 4f), "0");
        PyOrderedDict d = new PyOrderedDict();
        d.put("w", new Tensor(s, 2, new long[] {2, 2}, new long[] {2, 1}));
        Path f = tmp.resolve("overrun.pth");
        TorchSaveWriter.writeZip(d, f);
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessage(f + ": tensor 'w' [2, 2] (storage offset 2, strides [2, 1]) reads element 5 of storage"
                        + " '0', which holds only 4 elements");
    }

    @Test
    void checkpointWithoutStateDictIsRejected() throws Exception {
        Map<Object, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model", "pose_hrnet");
        Path f = tmp.resolve("nostate.pth");
        TorchSaveWriter.writeZip(ckpt, f);
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessage(f + ": no state dict found: the checkpoint root has keys [epoch, model] (expected"
                        + " tensors, or a dict of tensors under 'state_dict' or 'model')");
    }

    /** IEEE binary16 bit patterns, little-endian. */
    static byte[] halfBytes(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : bits) {
            b.putShort((short) h);
        }
        return b.array();
    }
}
