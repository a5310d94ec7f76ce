package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bad inputs through the real command line: each gives a non-zero exit and one or two lines naming what
 * is wrong, never a stack trace (unless --verbose), never an output file written.
 */
class CliErrorsTest {
    private final CliRun cli = new CliRun();

    @Test
    void badInputSizesAreRefusedNotIgnored() {
        cli.assertOneLineError(cli.run("summary", "--input=-128x96"), "--input -128x96: height and width must be positive");
        cli.assertOneLineError(cli.run("summary", "--input", "0x96"), "--input 0x96: height and width must be positive");
        cli.assertOneLineError(cli.run("summary", "--input", "100000x100000"),
                "hrnet summary: error: IMAGE_SIZE 100000x100000 (HxW): inference needs at least 707.9 GiB, more "
                        + "than the memory budget");
        cli.assertOneLineError(cli.run("summary", "--input", "20000x20000"), "IMAGE_SIZE 20000x20000 (HxW): inference needs");
        cli.assertOneLineError(cli.run("summary", "--input", "99999999999x96"), "height and width must be at most");
    }

    @Test
    void aMillionModulesAreRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.yaml");
        // the official W32 experiment file (zoo's test resources) with STAGE3.NUM_MODULES 4 -> 1000000
        Files.writeString(f, Files.readString(Path.of("../dl4j-hrnet-zoo/src/test/resources/configs/"
                + "w32_256x192_adam_lr1e-3.yaml")).replaceFirst("NUM_MODULES: 4", "NUM_MODULES: 1000000"));
        cli.assertOneLineError(cli.run("summary", "--config", f.toString()), f + ": STAGE3 (NUM_MODULES 1000000): ");
    }

    @Test
    void verboseShowsTheStackTrace() {
        assertThat(cli.run("summary", "--input=-128x96", "--verbose")).isEqualTo(1);
        assertThat(cli.err()).contains("height and width must be positive").contains("\tat ");
    }

    @Test
    void inferRawChecksItsOutputFirstAndNeverWritesNonFiniteResults(@TempDir Path dir) throws Exception {
        String weights = SharedData.oracle("tiny_hrnet.pth").toString();
        String input = SharedData.oracle("tiny_input.npy").toString();
        cli.assertOneLineError(cli.run("infer-raw", "--config", CliRun.tinyJson().toString(), "--weights", weights, "--input", input,
                "--output", "/proc/x.npy"), "/proc: cannot write here");

        // NaN in the input: the element is named, the existing good output is kept
        Path good = dir.resolve("out.npy");
        Files.writeString(good, "good");
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        x.putScalar(new long[] {1, 2, 3, 4}, Float.NaN);
        Path nanInput = dir.resolve("nan.npy");
        NumpyFiles.writeNpy(x, nanInput);
        cli.assertOneLineError(cli.run("infer-raw", "--config", CliRun.tinyJson().toString(), "--weights", weights, "--input", nanInput.toString(),
                "--output", good.toString()), nanInput + ": record element [1, 2, 3, 4] = NaN (first of 1 "
                + "non-finite): not a finite number");
        assertThat(Files.readString(good)).isEqualTo("good");

        // NaN weights: the output is not finite, nothing is written
        Map<String, INDArray> sd = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        sd.get("final_layer.weight").putScalar(0, Float.NaN);
        Path nanWeights = dir.resolve("nan_weights.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(nanWeights))) {
            for (Map.Entry<String, INDArray> e : sd.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                NumpyFiles.writeNpy(e.getValue(), z);
                z.closeEntry();
            }
        }
        cli.assertOneLineError(cli.run("infer-raw", "--config", CliRun.tinyJson().toString(), "--weights", nanWeights.toString(), "--input",
                input, "--output", good.toString()),
                "weight 'final_layer.weight' [17, 4, 1, 1] holds 1 NaN and 0 infinite values");
        assertThat(Files.readString(good)).isEqualTo("good");
    }

    @Test
    void filesThatAreFoldersOrMissingAreNamed(@TempDir Path dir) throws Exception {
        cli.assertOneLineError(cli.run("predict", "--config", CliRun.tinyJson().toString(), "--weights", SharedData.oracle("tiny_hrnet.pth")
                .toString(), "--image", dir.toString(), "--out", dir.resolve("o.png").toString()),
                dir + ": record --image, field 'image': is a directory, expected an image file");
        cli.assertOneLineError(cli.run("search", "--dataset", "synthetic", "--space", dir.resolve("missing.yaml").toString(),
                "--out", dir.resolve("s").toString()), dir.resolve("missing.yaml") + ": no such file");
        assertThat(dir.resolve("s")).doesNotExist();
    }

    @Test
    void errorsAndOutOfMemoryAreDescribedInOneLine() {
        assertThat(HrnetCli.describe(new OutOfMemoryError("Java heap space")))
                .startsWith("out of memory (Java heap space); memory budget ")
                .contains("raise HRNET_MEMORY").doesNotContain("\n");
        assertThat(HrnetCli.describe(new java.nio.file.NoSuchFileException("/x/y.json")))
                .isEqualTo("/x/y.json: no such file");
        assertThat(HrnetCli.describe(new java.nio.file.NoSuchFileException("/x/w.pth", null, "weights file not found")))
                .isEqualTo("/x/w.pth: weights file not found");
        assertThat(HrnetCli.describe(new java.nio.file.FileSystemException("/proc/x", null, "Permission denied")))
                .isEqualTo("/proc/x: Permission denied");
        assertThat(HrnetCli.describe(new NullPointerException()))
                .isEqualTo("NullPointerException (run with --verbose for the stack trace)");
    }
}
