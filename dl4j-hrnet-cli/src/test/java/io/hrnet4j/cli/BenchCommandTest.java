package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.bench.PyTorchPeer;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code hrnet bench}: usage errors before any work, --vs-pytorch JSON, --scaling table, through the real CLI. */
class BenchCommandTest {
    private final CliRun cli = new CliRun();

    @Test
    void badOptionsAreOneLineUsageErrorsBeforeAnyWork() {
        String[][] cases = {
                {"--batches", "-1"}, {"--batches", "0"}, {"--batches", "1,100000"}, {"--iterations", "100000000"},
                {"--repeats", "0"}, {"--warmup", "-1"}, {"--realisations", "tensorflow"}, {"--threads", "0"},
                {"--vs-pytorch", "--threads", "1,100000"}, {"--train-batch", "-8"}, {"--natives", "cuda"},
                {"--vs-pytorch", "--scaling"}, {"--vs-pytorch", "--arch", "dehrnet"}, {"--vs-hrnet"},
                {"--scaling", "--width", "32"}, {"--scaling", "--inputs", "100x100"},
                {"--scaling", "--archs", "resnet"}, {"--scaling", "--realisations", "graph,samediff"},
                {"--kernels", "--scaling"}, {"--scaling", "--serve", "--widths", "4,8"}, {"--serve", "--kernels"}};
        String[] expected = {
                "--batches: batch size must be 1..1024, got -1", "--batches: batch size must be 1..1024, got 0",
                "--batches: batch size must be 1..1024, got 100000", "--iterations/--repeats must be 1..1000, got "
                + "100000000", "--iterations/--repeats must be 1..1000, got 0", "--warmup must be 0..1000, got -1",
                "--realisations: unknown backend 'tensorflow': expected graph, samediff or samediff_folded",
                "--threads: thread count must be 1..256, got 0", "--threads: thread count must be 1..256, got 100000",
                "--train-batch must be 1..1024, got -8", "--natives: unknown native build 'cuda'",
                "are separate modes", "the PyTorch peer is plain HRNet", "--vs-hrnet compares a DE-HRNet",
                "--scaling takes --widths, --inputs and --archs", "must be a positive multiple of 32",
                "--archs: unknown architecture 'resnet'", "--scaling measures one realisation", "are separate modes",
                "--scaling --serve measures one network: give one width, input and arch", "are separate modes"};
        for (int i = 0; i < cases.length; i++) {
            long t0 = System.nanoTime();
            String[] args = new String[cases[i].length + 1];
            args[0] = "bench";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            assertThat(cli.run(args)).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(cli.err()).as(String.join(" ", cases[i])).startsWith("hrnet bench: error: ")
                    .contains(expected[i]).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(cli.err().strip().lines().count()).as(String.join(" ", cases[i])).isEqualTo(1);
            assertThat(cli.out()).isEmpty();
            assertThat((System.nanoTime() - t0) / 1e9).as("no work before the error").isLessThan(5);
        }
    }

    @Test
    void vsPytorchJsonHasEveryRealisationAndRatiosFromThePrintedTimes() throws Exception {
        assumeTrue(PyTorchPeer.torchAvailable(PyTorchPeer.DEFAULT_PYTHON), "/usr/bin/python3 has no torch: "
                + "install Debian's python3-torch to run the --vs-pytorch test");
        assertThat(cli.run("bench", "--config", CliRun.tinyJson().toString(), "--vs-pytorch", "--json", "--threads", "1", "--batches",
                "1,2", "--train-batch", "2", "--warmup", "0", "--repeats", "1")).as(cli.err()).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(cli.out());
        assertThat(iterable(j.fieldNames())).containsExactly("pytorch", "realisations", "ratios");
        assertThat(j.at("/pytorch/verify_max_abs_diff").asDouble()).isLessThanOrEqualTo(1e-4);
        assertThat(j.at("/pytorch/threads/1/peak_rss_bytes").asLong()).isPositive();
        JsonNode pt = j.at("/pytorch/threads/1/seconds");
        assertThat(iterable(pt.fieldNames())).containsExactly("infer_b1", "infer_b2", "train_b2");
        assertThat(iterable(j.get("realisations").fieldNames())).containsExactly("graph", "samediff",
                "samediff_folded");
        assertThat(iterable(j.get("ratios").fieldNames())).containsExactly("graph", "samediff", "samediff_folded");
        for (String r : List.of("graph", "samediff", "samediff_folded")) {
            JsonNode ours = j.at("/realisations/" + r + "/threads/1/seconds");
            JsonNode mem = j.at("/realisations/" + r + "/threads/1/memory");
            assertThat(mem.get("peak_rss_bytes").asLong()).isGreaterThan(50L << 20);
            assertThat(mem.get("nd4j_bytes").asLong()).isNotNegative();
            List<String> keys = r.equals("samediff_folded") ? List.of("infer_b1", "infer_b2")
                    : List.of("infer_b1", "infer_b2", "train_b2");
            assertThat(iterable(ours.fieldNames())).containsExactlyElementsOf(keys);
            for (String k : keys) {
                double expected = pt.get(k).asDouble() / ours.get(k).asDouble();
                double ratio = j.at("/ratios/" + r + "/" + k).asDouble();
                assertThat(ratio).as(r + " " + k).isPositive().isFinite().isCloseTo(expected, within(1e-12));
                assertThat(j.at("/ratios/" + r + "/threads/1/" + k).asDouble()).isEqualTo(ratio);
            }
        }
        assertThat(cli.err()).contains("peer reproduces the tiny oracle")
                .contains("starting our side (child JVM, OMP_NUM_THREADS=1)");
    }

    @Test
    void scalingPrintsAMarkdownTableWithDeHrnetAgainstHrnet() {
        // no --realisations: the default is the fastest inference realisation, samediff_folded (cannot train, so
        // the training column stays empty without --no-train); each network in its own child JVM
        assertThat(cli.run("bench", "--scaling", "--widths", "4", "--inputs", "64x64", "--batches", "1,2",
                "--warmup", "0", "--iterations", "1")).as(cli.err()).isEqualTo(0);
        String md = cli.out();
        assertThat(md).contains("| network | input | batch | inference s | img/s | training step s | peak RSS GiB |");
        List<String> rows = md.lines().filter(l -> l.matches("\\| (DE-)?HRNet-W4 \\| .*")).toList();
        assertThat(rows).hasSize(4);
        String cell = "[0-9]+\\.[0-9]+";
        for (int i = 0; i < 4; i++) {
            assertThat(rows.get(i)).as("row %d", i).matches("\\| " + (i < 2 ? "" : "DE-") + "HRNet-W4 \\| 64x64 \\| "
                    + (i % 2 + 1) + " \\| " + cell + " \\| " + cell + " \\| - \\| " + cell + " \\| " + cell + " \\|");
            String[] c = rows.get(i).split(" \\| ");
            double seconds = Double.parseDouble(c[3]);
            double imagesPerSecond = Double.parseDouble(c[4]);
            assertThat(seconds).isPositive();
            assertThat(imagesPerSecond).isCloseTo((i % 2 + 1) / seconds, within(0.006 + 0.001 * imagesPerSecond));
            assertThat(Double.parseDouble(c[6])).as("peak RSS GiB of a child JVM").isGreaterThan(0.05);
        }
        assertThat(md.lines().filter(l -> l.matches("\\| W4 \\| 64x64 \\| [12] \\| " + cell + " \\| - \\| "
                + cell + " \\|"))).hasSize(2);
        assertThat(md).contains("Realisation samediff_folded, median of 1 after 0 warm-up; ")
                .containsPattern("; [0-9]+ ND4J threads, [a-z0-9-]+ natives; peak RSS per point \\(VmHWM reset "
                        + "before each\\), one JVM per network\\.");
        assertThat(cli.err()).contains("bench: HRNet-W4").contains(": measuring in its own JVM");
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

}
