package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.weights.MmposeCheckpoints;
import io.hrnet4j.zoo.weights.TorchSaveWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight files as users bring them, through {@code hrnet infer-raw}: the oracle tiny model saved as mmpose 0.x and
 * 1.x checkpoints (with their {@code meta}) reproduces the official output with no extra option; truncated, NaN and
 * foreign-architecture files end with one short error naming the file.
 */
class WeightFilesCliTest {
    static Map<String, INDArray> tiny;
    static INDArray expected;

    private final CliRun cli = new CliRun();

    @BeforeAll
    static void load() throws Exception {
        tiny = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
    }

    private int inferRaw(Path weights, Path output) throws Exception {
        return cli.run("infer-raw", "--config", CliRun.tinyJson().toString(), "--weights", weights.toString(), "--input",
                SharedData.oracle("tiny_input.npy").toString(), "--output", output.toString());
    }

    @Test
    void mmposeCheckpointsReproduceTheOfficialOutputWithNoExtraOption(@TempDir Path dir) throws Exception {
        Path v0 = dir.resolve("td_hrnet_tiny_mmpose0x.pth");
        Path v1 = dir.resolve("td-hm_hrnet-tiny_mmpose1x.pth");
        MmposeCheckpoints.writeMmpose0x(tiny, v0);
        MmposeCheckpoints.writeMmpose1x(tiny, v1);
        for (Path w : new Path[] {v0, v1}) {
            Path o = dir.resolve(w.getFileName() + ".npy");
            assertThat(inferRaw(w, o)).as(cli.err()).isEqualTo(0);
            INDArray got = NumpyFiles.readNpy(o);
            assertThat(got.shape()).containsExactly(2, 17, 32, 24);
            assertThat(got.sub(expected).amaxNumber().doubleValue()).as(w.toString()).isLessThanOrEqualTo(2e-4);
        }
    }

    @Test
    void truncatedWeightFilesGiveOneLineNamingTheFile(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"tiny_hrnet.pth", "tiny_hrnet.npz"}) {
            byte[] all = Files.readAllBytes(SharedData.oracle(name));
            Path cut = dir.resolve("cut-" + name);
            Files.write(cut, Arrays.copyOf(all, all.length * 2 / 3));
            assertThat(inferRaw(cut, dir.resolve("o.npy"))).isEqualTo(1);
            assertThat(cli.err().strip()).startsWith("hrnet infer-raw: error: " + cut
                    + ": truncated or corrupt zip archive").doesNotContain("\n");
        }
        assertThat(dir.resolve("o.npy")).doesNotExist();
    }

    @Test
    void nanWeightsAreRejectedNamingTheKey(@TempDir Path dir) throws Exception {
        Map<String, INDArray> bad = new LinkedHashMap<>(tiny);
        bad.put("stage3.0.branches.2.0.conv2.weight", tiny.get("stage3.0.branches.2.0.conv2.weight").dup()
                .putScalar(5, Float.NaN));
        Path f = dir.resolve("nan.pth");
        TorchSaveWriter.writeZip(TorchSaveWriter.stateDict(bad, "", false), f);
        assertThat(inferRaw(f, dir.resolve("o.npy"))).isEqualTo(1);
        assertThat(cli.err().strip()).isEqualTo("hrnet infer-raw: error: " + f
                + ": weight 'stage3.0.branches.2.0.conv2.weight' [16, 16, 3, 3] holds 1 NaN and 0 infinite values");
        assertThat(dir.resolve("o.npy")).doesNotExist();
    }

    @Test
    void trainInitialisesTheBackboneFromTheExperimentFileAndTheOption(@TempDir Path dir) throws Exception {
        // an ImageNet-style checkpoint: the tiny backbone plus a classification head and HRNet-ImageNet's extra modules
        Map<String, INDArray> imagenet = new LinkedHashMap<>();
        tiny.forEach((k, v) -> {
            if (!k.startsWith("final_layer.")) {
                imagenet.put(k, v);
            }
        });
        imagenet.put("incre_modules.0.0.conv1.weight", org.nd4j.linalg.factory.Nd4j.ones(32, 4, 1, 1));
        imagenet.put("final_layer.weight", org.nd4j.linalg.factory.Nd4j.ones(2048, 4, 1, 1));
        imagenet.put("classifier.weight", org.nd4j.linalg.factory.Nd4j.ones(1000, 2048));
        Path backbone = dir.resolve("hrnet_tiny-imagenet.pth");
        TorchSaveWriter.writeZip(TorchSaveWriter.stateDict(imagenet, "", false), backbone);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode exp = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(CliRun.tinyJson().toFile());
        com.fasterxml.jackson.databind.node.ObjectNode model = (com.fasterxml.jackson.databind.node.ObjectNode) exp.get("MODEL");
        model.put("INIT_WEIGHTS", true).put("PRETRAINED", "hrnet_tiny-imagenet.pth");
        ((com.fasterxml.jackson.databind.node.ObjectNode) model.get("EXTRA")).putArray("PRETRAINED_LAYERS")
                .add("conv1").add("bn1").add("conv2").add("bn2").add("layer1").add("transition1").add("stage2")
                .add("transition2").add("stage3").add("transition3").add("stage4");
        Path config = dir.resolve("tiny_imagenet_init.json");
        json.writeValue(config.toFile(), exp);
        Path coco = SharedData.data("coco-sample");
        String[] train = {"train", "--dataset", "coco", "--images", coco.toString(), "--annotations",
                coco.resolve("test_coco.json").toString(), "--config", config.toString(), "--backend", "graph",
                "--epochs", "1", "--batch", "4", "--workers", "1", "--max-iterations", "1", "--checkpoint-every", "0",
                "--max-val-samples", "4", "--out", dir.resolve("run").toString()};
        assertThat(cli.run(train)).as(cli.err()).isZero();
        assertThat(cli.out()).contains("backbone " + backbone + ": loaded 245 keys (of the network's 247; 2 keep"
                + " their initialisation); skipped 52: 3 not in PRETRAINED_LAYERS (incre_modules, final_layer,"
                + " classifier), 0 not in the network, 0 shape differs, 49 BN batch counter");
        // --pretrained-backbone overrides MODEL.PRETRAINED (here: a file that does not exist) and is one line too
        String[] withOption = Arrays.copyOf(train, train.length + 2);
        withOption[withOption.length - 2] = "--pretrained-backbone";
        withOption[withOption.length - 1] = dir.resolve("absent.pth").toString();
        withOption[withOption.length - 3] = dir.resolve("run2").toString();
        assertThat(cli.run(withOption)).isEqualTo(1);
        assertThat(cli.err()).contains(dir.resolve("absent.pth") + ": pretrained backbone file not found");
    }
}
