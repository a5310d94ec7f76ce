package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.testing.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The one test harness of the CLI tests: runs the {@code hrnet} command line in this JVM through
 * {@link HrnetCli#commandLine()} (the same configuration as {@code main}: error handler, exit codes) and captures
 * what the last run printed on stdout and stderr. Every run starts with empty buffers.
 */
final class CliRun {
    /** The architecture of shared/oracle/tiny_hrnet.npz as an official experiment file. */
    static final String TINY_YAML = """
            MODEL:
              NAME: pose_hrnet
              NUM_JOINTS: 17
              IMAGE_SIZE: [96, 128]
              EXTRA:
                FINAL_CONV_KERNEL: 1
                STAGE2: {NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: BASIC, NUM_BLOCKS: [1, 1], NUM_CHANNELS: [4, 8]}
                STAGE3: {NUM_MODULES: 1, NUM_BRANCHES: 3, BLOCK: BASIC, NUM_BLOCKS: [1, 1, 1], NUM_CHANNELS: [4, 8, 16]}
                STAGE4: {NUM_MODULES: 1, NUM_BRANCHES: 4, BLOCK: BASIC, NUM_BLOCKS: [1, 1, 1, 1], NUM_CHANNELS: [4, 8, 16, 32]}
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * @param args the command line after {@code hrnet}
     * @return the exit code (0 success, 1 bad input or failed run, 2 usage error)
     */
    int run(String... args) {
        return runWithErr(err, args);
    }

    /**
     * Runs with stderr going through {@code errSink} (which may forward to {@link #err()} by writing to
     * {@link #errWriter()}), for tests that act when a given progress line appears.
     *
     * @param errSink receives what the command prints on stderr
     * @param args the command line after {@code hrnet}
     * @return the exit code
     */
    int runWithErr(Writer errSink, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = HrnetCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(errSink, true));
        return cl.execute(args);
    }

    /** @return what the last run printed on stdout */
    String out() {
        return out.toString();
    }

    /** @return what the last run printed on stderr */
    String err() {
        return err.toString();
    }

    /** @return the buffer behind {@link #err()}, for a forwarding sink of {@link #runWithErr} */
    StringWriter errWriter() {
        return err;
    }

    /**
     * Asserts the last run failed with exit code 1 and at most two lines on stderr holding {@code expected}, without a
     * stack trace.
     *
     * @param code the exit code of the run
     * @param expected text the message must contain
     */
    void assertOneLineError(int code, String expected) {
        assertThat(code).as(err()).isEqualTo(1);
        String e = err().strip();
        assertThat(e.lines().count()).as(e).isLessThanOrEqualTo(2);
        assertThat(e).contains(expected).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    /**
     * The command line of {@code hrnet train} on a real sample of {@code ../shared/data} with the micro model the
     * training tests run (the small HRNet at width 4).
     *
     * @param dataset {@code coco} ({@code coco-sample/test_coco.json}: 4 val2017 images) or {@code mpii}
     *     ({@code mpii-sample/test_mpii.json})
     * @param input the input size HxW, e.g. {@code 64x48}
     * @param more the further options
     * @return {@code train --dataset DATASET --images SAMPLE --annotations SAMPLE/test_DATASET.json --arch small
     *     --width 4 --input INPUT MORE...}
     */
    static String[] trainOnSample(String dataset, String input, String... more) {
        Path data = SharedData.data(dataset + "-sample");
        String[] head = {"train", "--dataset", dataset, "--images", data.toString(), "--annotations",
            data.resolve("test_" + dataset + ".json").toString(), "--arch", "small", "--width", "4", "--input", input};
        String[] all = Arrays.copyOf(head, head.length + more.length);
        System.arraycopy(more, 0, all, head.length, more.length);
        return all;
    }

    /** @return the tiny oracle architecture as a JSON config (test resource {@code configs/tiny.json}) */
    static Path tinyJson() {
        try {
            return Paths.get(CliRun.class.getResource("/configs/tiny.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param dir a folder
     * @return {@code dir/tiny.yaml} holding {@link #TINY_YAML} (written once)
     * @throws java.io.IOException if it cannot be written
     */
    static Path tinyYaml(Path dir) throws java.io.IOException {
        Path yaml = dir.resolve("tiny.yaml");
        return Files.exists(yaml) ? yaml : Files.writeString(yaml, TINY_YAML);
    }
}
