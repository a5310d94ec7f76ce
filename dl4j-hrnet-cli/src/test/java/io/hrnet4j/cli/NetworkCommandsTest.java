package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** summary, infer-raw and bench through the real command line. */
class NetworkCommandsTest {
    private final CliRun cli = new CliRun();

    @Test
    void summaryPrintsTheDesignCounts() throws Exception {
        assertThat(cli.run("summary", "--arch", "hrnet", "--width", "32", "--joints", "17", "--input", "256x192",
                "--json")).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(cli.out());
        assertThat(j.get("params").asLong()).isEqualTo(28_536_113L);
        assertThat(j.get("macs").asLong()).isEqualTo(7_645_003_776L);
        assertThat(j.get("stages").get("stage4").get("params").asLong()).isEqualTo(20_407_232L);
        assertThat(cli.run("summary", "--preset", "w48_384x288")).isEqualTo(0);
        assertThat(cli.out()).contains("total            63,595,745     35,306,606,592");
    }

    @Test
    void summaryErrorsGoToStderrWithNonZeroExit() {
        assertThat(cli.run("summary", "--arch", "resnet")).isEqualTo(1);
        assertThat(cli.err()).contains("unknown architecture 'resnet' (known: hrnet, small, dehrnet)");
        assertThat(cli.run("summary", "--input", "256by192")).isEqualTo(1);
        assertThat(cli.err()).contains("--input must be HxW (height x width), e.g. 256x192, got '256by192'");
        assertThat(cli.run("summary", "--width", "32", "--bogus")).isEqualTo(2);
    }

    @Test
    void inferRawReproducesTheOfficialOutputOnEveryBackend(@TempDir Path dir) throws Exception {
        INDArray expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
        for (String backend : new String[] {"graph", "samediff", "samediff_folded"}) {
            Path o = dir.resolve(backend + ".npy");
            assertThat(cli.run("infer-raw", "--config", CliRun.tinyJson().toString(), "--weights",
                    SharedData.oracle("tiny_hrnet.pth").toString(), "--input",
                    SharedData.oracle("tiny_input.npy").toString(), "--output", o.toString(), "--backend", backend))
                    .as(cli.err()).isEqualTo(0);
            INDArray got = NumpyFiles.readNpy(o);
            assertThat(got.shape()).containsExactly(2, 17, 32, 24);
            assertThat(got.sub(expected).amaxNumber().doubleValue()).as(backend).isLessThanOrEqualTo(2e-4);
        }
    }

    @Test
    void inferRawRejectsAWrongTensor(@TempDir Path dir) throws Exception {
        assertThat(cli.run("infer-raw", "--config", CliRun.tinyJson().toString(), "--weights",
                SharedData.oracle("tiny_hrnet.pth").toString(), "--input",
                SharedData.oracle("tiny_output.npy").toString(), "--output", dir.resolve("o.npy").toString()))
                .isEqualTo(1);
        assertThat(cli.err()).contains("expected a [N, 3, H, W] tensor, got [2, 17, 32, 24]");
    }

    @Test
    void benchReportsRatiosToTheBaseline() throws Exception {
        assertThat(cli.run("bench", "--config", CliRun.tinyJson().toString(), "--realisations", "samediff_folded",
                "--batches", "1", "--no-train", "--warmup", "0", "--iterations", "1", "--json")).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(cli.out());
        assertThat(j.get("baselineConv2dGflops").asDouble()).isPositive();
        JsonNode m = j.get("measurements").get(0);
        assertThat(m.get("realisation").asText()).isEqualTo("samediff_folded");
        assertThat(m.get("ratioToBaseline").asDouble())
                .isEqualTo(m.get("gflops").asDouble() / j.get("baselineConv2dGflops").asDouble(),
                        org.assertj.core.api.Assertions.within(1e-9));
    }
}
