package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import io.hrnet4j.zoo.arch.TinyConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * mmpose 0.x / 1.x checkpoints with their metadata, NaN / Inf weights, truncated files and weights of another
 * architecture, on the oracle tiny model (296 keys).
 */
class CheckpointLayoutsTest {
    static final Map<String, INDArray> tiny = SharedData.tinyWeights();

    @TempDir
    Path tmp;

    @Test
    void mmpose0xAnd1xCheckpointsLoadUnderTheOfficialNames() throws Exception {
        Path v0 = tmp.resolve("hrnet_w4_0x.pth");
        Path v1 = tmp.resolve("hrnet_w4_1x.pth");
        MmposeCheckpoints.writeMmpose0x(tiny, v0);
        MmposeCheckpoints.writeMmpose1x(tiny, v1);
        for (Path f : new Path[] {v0, v1}) {
            StateDict sd = StateDict.load(f);
            assertThat(sd.keys()).containsExactlyElementsOf(tiny.keySet());
            for (Map.Entry<String, INDArray> e : tiny.entrySet()) {
                assertThat(sd.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        StateDict a = StateDict.load(v0);
        assertThat(a.convention()).isEqualTo(KeyConvention.MMPOSE_0X);
        assertThat(a.layout()).isEqualTo("mmpose 0.x TopDown keys (backbone.*, keypoint_head.final_layer.*) in"
                + " 'state_dict' (beside 'meta'), 296 tensors");
        StateDict b = StateDict.load(v1);
        assertThat(b.convention()).isEqualTo(KeyConvention.MMPOSE_1X);
        assertThat(b.layout()).isEqualTo("mmpose 1.x TopdownPoseEstimator keys (backbone.*, head.final_layer.*) in"
                + " 'state_dict' (beside 'meta', 'message_hub'), 296 tensors");
        assertThat(StateDict.load(SharedData.oracle("tiny_hrnet.pth")).layout())
                .isEqualTo("official pose_hrnet keys in a plain state dict, 296 tensors");
        // the metadata is still there, numpy arrays and sets as inert placeholders
        Map<?, ?> root = (Map<?, ?>) TorchCheckpointReader.readObject(v1);
        Map<?, ?> ds = (Map<?, ?>) ((Map<?, ?>) root.get("meta")).get("dataset_meta");
        assertThat(ds.get("num_keypoints")).isEqualTo(17);
        assertThat(ds.get("sigmas")).isInstanceOfSatisfying(TorchUnpickler.PyObject.class,
                o -> assertThat(o.global).isEqualTo("numpy.core.multiarray._reconstruct"));
        Object history = ((Map<?, ?>) ((Map<?, ?>) root.get("message_hub")).get("log_scalars")).get("train/loss");
        assertThat(history).isInstanceOfSatisfying(TorchUnpickler.PyObject.class, o -> {
            assertThat(o.global).isEqualTo("copyreg._reconstructor");
            assertThat(((Map<?, ?>) o.state).get("max_length")).isEqualTo(1_000_000);
        });
    }

    @Test
    void mmposeKeysMapToTheOfficialNamesAndPreprocessorBuffersAreDropped() throws Exception {
        Map<String, INDArray> m = new LinkedHashMap<>();
        INDArray w = tiny.get("final_layer.weight");
        m.put("data_preprocessor.mean", tiny.get("bn1.weight"));
        m.put("backbone.conv1.weight", tiny.get("conv1.weight"));
        m.put("head.final_layer.0.weight", w);
        assertThat(KeyConvention.detect(m.keySet())).isEqualTo(KeyConvention.MMPOSE_1X);
        assertThat(KeyConvention.MMPOSE_1X.toOfficial(m).keySet()).containsExactly("conv1.weight",
                "final_layer.weight");
        Map<String, INDArray> clash = new LinkedHashMap<>();
        clash.put("backbone.final_layer.weight", w);
        clash.put("keypoint_head.final_layer.weight", w);
        assertThatThrownBy(() -> KeyConvention.MMPOSE_0X.toOfficial(clash))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessage("keys 'backbone.final_layer.weight' and 'keypoint_head.final_layer.weight' both map to"
                        + " 'final_layer.weight' under the mmpose 0.x TopDown keys (backbone.*,"
                        + " keypoint_head.final_layer.*)");
    }

    @Test
    void nanAndInfiniteWeightsAreRejectedAtLoadNamingTheKey() throws Exception {
        Map<String, INDArray> bad = new LinkedHashMap<>();
        tiny.forEach((k, v) -> bad.put(k, v.dup()));
        bad.get("stage2.0.fuse_layers.0.1.0.weight").putScalar(0, Float.NaN).putScalar(3, Float.NaN);
        bad.get("final_layer.bias").putScalar(1, Float.POSITIVE_INFINITY);
        Path pth = tmp.resolve("nan.pth");
        TorchSaveWriter.writeZip(TorchSaveWriter.stateDict(bad, "", false), pth);
        Path npz = tmp.resolve("nan.npz");
        writeNpz(bad, npz);
        for (Path f : new Path[] {pth, npz}) {
            assertThatThrownBy(() -> StateDict.load(f))
                    .isInstanceOfSatisfying(CheckpointFormatException.class, e -> {
                        assertThat(e.reason()).isEqualTo(CheckpointFormatException.Reason.NON_FINITE);
                        assertThat(e.key()).isEqualTo("stage2.0.fuse_layers.0.1.0.weight");
                    })
                    .hasMessage(f + ": weight 'stage2.0.fuse_layers.0.1.0.weight' [4, 8, 1, 1] holds 2 NaN and 0"
                            + " infinite values (1 other key is also non-finite)");
        }
        // a DL4J model zip (a training checkpoint) is checked the same way
        HRNetConfig cfg = TinyConfigs.tiny();
        org.deeplearning4j.nn.graph.ComputationGraph g = new io.hrnet4j.zoo.HRNet.Builder().config(cfg).build().init();
        io.hrnet4j.zoo.graph.GraphWeights.load(cfg, g, bad);
        Path zip = tmp.resolve("nan.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(g, zip.toFile(), false);
        assertThatThrownBy(() -> PoseNetworks.load(cfg, zip, PoseNetworks.Backend.GRAPH))
                .isInstanceOfSatisfying(CheckpointFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(CheckpointFormatException.Reason.NON_FINITE))
                .hasMessageStartingWith(zip + ": weight 'stage2.0.fuse_layers.0.1.0.weight' [4, 8, 1, 1] holds 2 NaN");
        Map<String, INDArray> inf = new LinkedHashMap<>(tiny);
        inf.put("final_layer.bias", bad.get("final_layer.bias"));
        assertThatThrownBy(() -> StateDict.of(inf).requireFinite("x.npz"))
                .hasMessage("x.npz: weight 'final_layer.bias' [17] holds 0 NaN and 1 infinite values");
    }

    @Test
    void truncatedPthAndNpzGiveOneLineNamingTheFile() throws Exception {
        HRNetConfig cfg = TinyConfigs.tiny();
        Path pth = tmp.resolve("cut.pth");
        byte[] all = Files.readAllBytes(SharedData.oracle("tiny_hrnet.pth"));
        Files.write(pth, Arrays.copyOf(all, all.length / 2));
        Path npz = tmp.resolve("cut.npz");
        byte[] z = Files.readAllBytes(SharedData.oracle("tiny_hrnet.npz"));
        Files.write(npz, Arrays.copyOf(z, z.length - 100));
        for (Path f : new Path[] {pth, npz}) {
            assertThatThrownBy(() -> PoseNetworks.load(cfg, f, PoseNetworks.Backend.SAMEDIFF_FOLDED))
                    .as(f.toString())
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageStartingWith(f + ": truncated or corrupt zip archive")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThatThrownBy(() -> StateDict.load(f)).as(f.toString())
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageStartingWith(f + ": ")
                    .hasMessageContaining("truncated")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void weightsOfAnotherArchitectureGiveAShortSummaryWithTheMatchingPreset() throws Exception {
        HRNetConfig w48 = Presets.get("w48_384x288");
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> PoseNetworks.load(w48,
                SharedData.oracle("tiny_hrnet.pth"), PoseNetworks.Backend.SAMEDIFF_FOLDED));
        assertThat(t).isInstanceOf(WeightMismatchException.class);
        WeightMismatchException e = (WeightMismatchException) t;
        String[] lines = e.getMessage().split("\n");
        assertThat(lines.length).isLessThanOrEqualTo(5);
        assertThat(lines[0]).isEqualTo(SharedData.oracle("tiny_hrnet.pth") + ": the weights are not those of"
                + " HRNet-W48 (17 joints, input 384x288): state dict does not match the network: "
                + e.missingKeys().size() + " missing, 0 unexpected, " + e.shapeMismatches().size() + " mis-shaped");
        assertThat(e.missingKeys().size()).isGreaterThan(1000);
        assertThat(lines[1]).startsWith("  missing (first 5 of " + e.missingKeys().size() + "): ");
        assertThat(lines[lines.length - 1]).isEqualTo("  the file's shapes match no known preset; they look like"
                + " HRNet-W4, 17 joints");
        // the hint names every preset with exactly the file's shapes (input size is not in the weights)
        Map<String, long[]> w48Shapes = Complexity.of(Presets.get("w48_256x192")).stateDictShapes();
        assertThat(ArchitectureGuess.describe(w48Shapes)).isEqualTo("the file's shapes are those of preset"
                + " w48_256x192 / w48_384x288 (HRNet-W48, 17 joints; the input size is not stored in weights)");
        Map<String, long[]> mpii = Complexity.of(Presets.get("w32_256x256_mpii")).stateDictShapes();
        assertThat(ArchitectureGuess.describe(mpii)).isEqualTo("the file's shapes are those of preset"
                + " w32_256x256_mpii (HRNet-W32, 16 joints; the input size is not stored in weights)");
        Map<String, long[]> imagenet = new LinkedHashMap<>(Complexity.of(Presets.get("w32_256x192")).stateDictShapes());
        imagenet.put("incre_modules.0.0.conv1.weight", new long[] {32, 32, 1, 1});
        imagenet.put("classifier.weight", new long[] {1000, 2048});
        assertThat(ArchitectureGuess.describe(imagenet)).isEqualTo("the file is an HRNet-W32 ImageNet classification"
                + " checkpoint (incre_modules, classifier): use it to initialise a backbone (BackboneInit), not as pose"
                + " weights");
    }

    static void writeNpz(Map<String, INDArray> arrays, Path file) throws Exception {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                OutputStream o = zip;
                NumpyFiles.writeNpy(e.getValue(), new java.io.FilterOutputStream(o) {
                    @Override
                    public void close() {
                    }
                });
                zip.closeEntry();
            }
        }
    }
}
