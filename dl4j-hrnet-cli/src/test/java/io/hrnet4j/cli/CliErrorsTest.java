package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;

/**
 * The bad inputs through the real command line: each gives a non-zero exit and one or two lines naming what
 * is wrong, never a stack trace (unless --verbose), never an output file written.
 */
class CliErrorsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = HrnetCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** Exit 1, at most two lines on stderr, the expected text, no stack trace. */
    private void assertOneLineError(int code, String expected) {
        assertThat(code).as(err.toString()).isEqualTo(1);
        String e = err.toString().strip();
        assertThat(e.lines().count()).as(e).isLessThanOrEqualTo(2);
        assertThat(e).contains(expected).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    private static String tiny() throws Exception {
        return Paths.get(CliErrorsTest.class.getResource("/configs/tiny.json").toURI()).toString();
    }

    @Test
    void badInputSizesAreRefusedNotIgnored() {
        assertOneLineError(run("summary", "--input=-128x96"), "--input -128x96: height and width must be positive");
        assertOneLineError(run("summary", "--input", "0x96"), "--input 0x96: height and width must be positive");
        assertOneLineError(run("summary", "--input", "100000x100000"),
                "hrnet summary: error: IMAGE_SIZE 100000x100000 (HxW): inference needs at least 707.9 GiB, more "
                        + "than the memory budget");
        assertOneLineError(run("summary", "--input", "20000x20000"), "IMAGE_SIZE 20000x20000 (HxW): inference needs");
        assertOneLineError(run("summary", "--input", "99999999999x96"), "height and width must be at most");
    }

    @Test
    void aMillionModulesAreRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.yaml");
        // the official W32 experiment file (zoo's test resources) with STAGE3.NUM_MODULES 4 -> 1000000
        Files.writeString(f, Files.readString(Path.of("../dl4j-hrnet-zoo/src/test/resources/configs/"
                + "w32_256x192_adam_lr1e-3.yaml")).replaceFirst("NUM_MODULES: 4", "NUM_MODULES: 1000000"));
        assertOneLineError(run("summary", "--config", f.toString()), f + ": STAGE3 (NUM_MODULES 1000000): ");
    }

    @Test
    void verboseShowsTheStackTrace() {
        assertThat(run("summary", "--input=-128x96", "--verbose")).isEqualTo(1);
        assertThat(err.toString()).contains("height and width must be positive").contains("\tat ");
    }

    @Test
    void inferRawChecksItsOutputFirstAndNeverWritesNonFiniteResults(@TempDir Path dir) throws Exception {
        String weights = SharedData.oracle("tiny_hrnet.pth").toString();
        String input = SharedData.oracle("tiny_input.npy").toString();
        assertOneLineError(run("infer-raw", "--config", tiny(), "--weights", weights, "--input", input,
                "--output", "/proc/x.npy"), "/proc: cannot write here");

        // NaN in the input: the element is named, the existing good output is kept
        Path good = dir.resolve("out.npy");
        Files.writeString(good, "good");
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        x.putScalar(new long[] {1, 2, 3, 4}, Float.NaN);
        Path nanInput = dir.resolve("nan.npy");
        NumpyFiles.writeNpy(x, nanInput);
        assertOneLineError(run("infer-raw", "--config", tiny(), "--weights", weights, "--input", nanInput.toString(),
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
        assertOneLineError(run("infer-raw", "--config", tiny(), "--weights", nanWeights.toString(), "--input",
                input, "--output", good.toString()),
                "weight 'final_layer.weight' [17, 4, 1, 1] holds 1 NaN and 0 infinite values");
        assertThat(Files.readString(good)).isEqualTo("good");
    }

    @Test
    void filesThatAreFoldersOrMissingAreNamed(@TempDir Path dir) throws Exception {
        assertOneLineError(run("predict", "--config", tiny(), "--weights", SharedData.oracle("tiny_hrnet.pth")
                .toString(), "--image", dir.toString(), "--out", dir.resolve("o.png").toString()),
                dir + ": record --image, field 'image': is a directory, expected an image file");
        assertOneLineError(run("search", "--dataset", "synthetic", "--space", dir.resolve("missing.yaml").toString(),
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
