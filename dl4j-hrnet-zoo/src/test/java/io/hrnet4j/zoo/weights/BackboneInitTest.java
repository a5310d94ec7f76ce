package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ImageNet-style backbone initialisation on a checkpoint built from the oracle tiny model's keys plus what an
 * HRNet-ImageNet classification checkpoint ({@code hrnet_w32-36af842e.pth}, official {@code cls_hrnet.py}) holds
 * beyond the pose backbone: {@code incre_modules}, {@code downsamp_modules}, a {@code final_layer} of another shape
 * and a {@code classifier}.
 */
class BackboneInitTest {
    /** The official w32_256x192 experiment's PRETRAINED_LAYERS. */
    static final List<String> OFFICIAL_LAYERS = List.of("conv1", "bn1", "conv2", "bn2", "layer1", "transition1",
            "stage2", "transition2", "stage3", "transition3", "stage4");
    static final HRNetConfig CFG = TinyConfigs.tiny();
    static final Map<String, INDArray> tiny = SharedData.tinyWeights();

    @TempDir
    Path tmp;

    /** The tiny model's keys with a classification head in place of the pose head. */
    static StateDict imagenetLike() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        tiny.forEach((k, v) -> {
            if (!k.startsWith("final_layer.")) {
                m.put(k, v);
            }
        });
        m.put("incre_modules.0.0.conv1.weight", Nd4j.ones(DataType.FLOAT, 32, 4, 1, 1));
        m.put("incre_modules.0.0.bn1.num_batches_tracked", Nd4j.scalar(DataType.LONG, 0L));
        m.put("downsamp_modules.0.0.weight", Nd4j.ones(DataType.FLOAT, 256, 128, 3, 3));
        m.put("final_layer.weight", Nd4j.ones(DataType.FLOAT, 2048, 4, 1, 1));
        m.put("final_layer.bias", Nd4j.ones(DataType.FLOAT, 2048));
        m.put("classifier.weight", Nd4j.ones(DataType.FLOAT, 1000, 2048));
        m.put("classifier.bias", Nd4j.ones(DataType.FLOAT, 1000));
        return StateDict.of(m);
    }

    @Test
    void listedLayersLoadAndEverythingElseIsCountedByReason() {
        ComputationGraph g = new HRNet.Builder().config(CFG).seed(3).build().init();
        INDArray headBefore = GraphWeights.stateDict(CFG, g).get("final_layer.weight");
        BackboneInit.Selection s = BackboneInit.apply(CFG, g, imagenetLike(), OFFICIAL_LAYERS);
        // 296 tiny keys = 247 tensors + 49 counters; the head (weight, bias) is not taken
        assertThat(s.loaded()).hasSize(245);
        assertThat(s.skippedCount(BackboneInit.SkipReason.NOT_LISTED)).isEqualTo(6);
        assertThat(s.skippedCount(BackboneInit.SkipReason.BATCH_COUNTER)).isEqualTo(50);
        assertThat(s.skippedCount(BackboneInit.SkipReason.SHAPE_DIFFERS)).isZero();
        assertThat(s.summary("w.pth")).isEqualTo("backbone w.pth: loaded 245 keys (of the network's 247; 2 keep"
                + " their initialisation); skipped 56: 6 not in PRETRAINED_LAYERS (incre_modules, downsamp_modules,"
                + " final_layer, classifier), 0 not in the network, 0 shape differs, 50 BN batch counter");
        Map<String, INDArray> after = GraphWeights.stateDict(CFG, g);
        assertThat(after.get("stage4.0.fuse_layers.0.3.1.running_var"))
                .isEqualTo(tiny.get("stage4.0.fuse_layers.0.3.1.running_var"));
        assertThat(after.get("conv1.weight")).isEqualTo(tiny.get("conv1.weight"));
        assertThat(after.get("final_layer.weight")).isEqualTo(headBefore);

        // PRETRAINED_LAYERS ['*']: the classification head is refused by shape, the rest is not in the network
        BackboneInit.Selection all = BackboneInit.select(imagenetLike(), io.hrnet4j.zoo.arch.Complexity.of(CFG)
                .stateDictShapes(), BackboneInit.ALL_LAYERS);
        assertThat(all.loaded()).hasSize(245);
        assertThat(all.skipped().get(BackboneInit.SkipReason.SHAPE_DIFFERS))
                .containsExactly("final_layer.weight", "final_layer.bias");
        assertThat(all.skipped().get(BackboneInit.SkipReason.NOT_IN_NETWORK)).containsExactly(
                "incre_modules.0.0.conv1.weight", "downsamp_modules.0.0.weight", "classifier.weight",
                "classifier.bias");
    }

    @Test
    void bothRealisationsReproduceTheOracleWhenTheWholeNetworkIsListed() throws Exception {
        INDArray input = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        INDArray expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
        StateDict full = StateDict.load(SharedData.oracle("tiny_hrnet.pth"));
        ComputationGraph g = new HRNet.Builder().config(CFG).seed(5).build().init();
        BackboneInit.apply(CFG, g, full, BackboneInit.ALL_LAYERS);
        assertThat(g.outputSingle(input).sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        SameDiffHRNet sd = new HRNet.Builder().config(CFG).seed(5).build().initSameDiff();
        BackboneInit.Selection s = BackboneInit.apply(sd, full, BackboneInit.ALL_LAYERS);
        assertThat(s.loaded()).hasSize(247);
        assertThat(sd.output(input).sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
    }

    @Test
    void theExperimentFileAndTheOptionDriveTheTrainersInitialWeights() throws Exception {
        Path ckpt = tmp.resolve("models/hrnet_tiny-imagenet.pth");
        Files.createDirectories(ckpt.getParent());
        Map<String, INDArray> file = new LinkedHashMap<>(imagenetLike().asMap());
        TorchSaveWriter.writeZip(TorchSaveWriter.stateDict(file, "module.", false), ckpt);
        Path yaml = tmp.resolve("tiny.yaml");
        Files.writeString(yaml, "MODEL:\n  INIT_WEIGHTS: true\n  PRETRAINED: 'models/hrnet_tiny-imagenet.pth'\n"
                + "  EXTRA:\n    PRETRAINED_LAYERS: ['conv1', 'bn1', 'conv2', 'bn2', 'layer1', 'transition1', 'stage2',"
                + " 'transition2', 'stage3', 'transition3', 'stage4']\n");
        ExperimentConfig.Pretrained p = ExperimentConfig.pretrained(ExperimentConfig.readTree(yaml), tmp);
        assertThat(p.enabled()).isTrue();
        assertThat(p.file()).isEqualTo(ckpt);
        assertThat(p.layers()).isEqualTo(OFFICIAL_LAYERS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Map<String, INDArray> init = BackboneInit.forTraining(CFG, null, yaml, 11, out).orElseThrow();
        assertThat(init.get("stage3.0.fuse_layers.2.1.0.0.weight")).isEqualTo(tiny.get("stage3.0.fuse_layers.2.1.0.0.weight"));
        assertThat(init.get("final_layer.weight")).isNotEqualTo(tiny.get("final_layer.weight"));
        assertThat(bytes.toString(StandardCharsets.UTF_8).strip()).isEqualTo("backbone " + ckpt + ": loaded 245 keys"
                + " (of the network's 247; 2 keep their initialisation); skipped 56: 6 not in PRETRAINED_LAYERS"
                + " (incre_modules, downsamp_modules, final_layer, classifier), 0 not in the network, 0 shape differs,"
                + " 50 BN batch counter");
        // the trainer's SameDiff model takes the complete dict
        SameDiffHRNet sd = new HRNet.Builder().config(CFG).build().initSameDiff();
        sd.loadStateDict(init);

        // no backbone asked for: nothing; INIT_WEIGHTS with a missing file: an error naming the key
        assertThat(BackboneInit.forTraining(CFG, null, null, 11, out)).isEmpty();
        Files.delete(ckpt);
        assertThatThrownBy(() -> BackboneInit.forTraining(CFG, null, yaml, 11, out))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(ckpt.toString())
                .hasMessageContaining("MODEL.INIT_WEIGHTS is true but MODEL.PRETRAINED does not exist")
                .hasMessageNotContaining("--");
        // a file of which nothing fits: an error with the summary
        Path foreign = tmp.resolve("classifier-only.pth");
        Map<String, INDArray> cls = new LinkedHashMap<>();
        cls.put("classifier.weight", Nd4j.ones(DataType.FLOAT, 1000, 2048));
        TorchSaveWriter.writeZip(TorchSaveWriter.stateDict(cls, "", false), foreign);
        assertThatThrownBy(() -> BackboneInit.initialWeights(CFG, foreign, BackboneInit.ALL_LAYERS, 1, out))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessage(foreign + ": no key of the file fits the network: backbone classifier-only.pth: loaded 0"
                        + " keys (of the network's 247; 247 keep their initialisation); skipped 1: 0 not in"
                        + " PRETRAINED_LAYERS, 1 not in the network (classifier), 0 shape differs, 0 BN batch counter");
    }
}
