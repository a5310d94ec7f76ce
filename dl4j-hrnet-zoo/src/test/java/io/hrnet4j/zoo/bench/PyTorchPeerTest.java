package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The PyTorch peer of {@code hrnet bench --vs-pytorch} is the official network: oracle output and sizes. */
class PyTorchPeerTest {
    private static final Path PYTHON = PyTorchPeer.DEFAULT_PYTHON;

    private static void assumeTorch() {
        assumeTrue(PyTorchPeer.torchAvailable(PYTHON), "/usr/bin/python3 has no torch: install Debian's "
                + "python3-torch to run the PyTorch peer tests");
    }

    @Test
    void peerReproducesTheTinyOracleOutput() {
        assumeTorch();
        PyTorchPeer.Verification v = PyTorchPeer.verify(PYTHON, PyTorchPeer.locateScript(),
                SharedData.oracle("tiny_output.npy").getParent(), 2);
        assertThat(v.maxAbsDiff()).isLessThanOrEqualTo(1e-4);
        assertThat(v.ok()).isTrue();
        assertThat(v.report().get("output_shape").toString()).isEqualTo("[2,17,32,24]");
        assertThat(v.report().get("params").asLong()).isEqualTo(394_133L);
        assertThat(v.report().get("state_dict_entries").asInt()).isEqualTo(296);
    }

    @Test
    void verificationFailsWhenTheExpectedOutputDiffers(@TempDir Path dir) throws Exception {
        assumeTorch();
        for (String f : new String[] {"tiny_config.json", "tiny_hrnet.npz", "tiny_input.npy"}) {
            Files.copy(SharedData.oracle(f), dir.resolve(f));
        }
        INDArray out = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
        out.putScalar(new long[] {1, 5, 10, 7}, out.getDouble(1, 5, 10, 7) + 0.5);
        NumpyFiles.writeNpy(out, dir.resolve("tiny_output.npy"));
        PyTorchPeer.Verification v = PyTorchPeer.verify(PYTHON, PyTorchPeer.locateScript(), dir, 2);
        assertThat(v.ok()).isFalse();
        assertThat(v.maxAbsDiff()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-4));
        assertThatThrownBy(() -> PyTorchComparison.run(HRNetConfig.standard(4, 17, 128, 96), v,
                java.util.List.of(1), t -> null, t -> null, 0, 1, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refusing to compare");
    }

    @Test
    void missingOracleIsOneClearError(@TempDir Path dir) {
        assumeTorch();
        assertThatThrownBy(() -> PyTorchPeer.verify(PYTHON, PyTorchPeer.locateScript(), dir, 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tiny_config.json");
    }

    @Test
    void peerBuildsW32WithTheDesignParameterCount(@TempDir Path dir) {
        assumeTorch();
        HRNetConfig w32 = Presets.get("w32_256x192");
        try (RoundProcess p = PyTorchPeer.start(PYTHON, PyTorchPeer.locateScript(), w32, 1, new int[0], 0, dir)) {
            assertThat(p.ready().get("params").asLong()).isEqualTo(Complexity.of(w32).params())
                    .isEqualTo(28_536_113L);
            assertThat(p.ready().get("threads").asInt()).isEqualTo(1);
        }
    }

    @Test
    void peerRoundsReportPositiveTimesForEachMeasurement(@TempDir Path dir) {
        assumeTorch();
        try (RoundProcess p = PyTorchPeer.start(PYTHON, PyTorchPeer.locateScript(), HRNetConfig.standard(4, 17, 64,
                64), 1, new int[] {1, 2}, 2, dir)) {
            var r = p.round();
            assertThat(r.get("seconds").get("infer_b1").asDouble()).isPositive();
            assertThat(r.get("seconds").get("infer_b2").asDouble()).isPositive();
            assertThat(r.get("seconds").get("train_b2").asDouble()).isPositive();
            assertThat(r.get("peak_rss_bytes").asLong()).isGreaterThan(10L << 20);
        }
    }

    @Test
    void peerRefusesDeHrnet(@TempDir Path dir) {
        HRNetConfig de = HRNetConfig.standard(4, 17, 64, 64).withDeHrnet(DeHrnetOptions.defaults());
        assertThatThrownBy(() -> PyTorchPeer.start(PYTHON, PyTorchPeer.locateScript(), de, 1, new int[] {1}, 0, dir))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("plain HRNet")
                .hasMessageNotContaining("--");
    }

    @Test
    void configTreeRoundTrips() {
        for (HRNetConfig cfg : new HRNetConfig[] {Presets.get("w48_384x288"), HRNetConfig.standard(4, 16, 64, 32),
                HRNetConfig.standard(32, 17, 256, 192).withDeHrnet(DeHrnetOptions.defaults().withDem(false))}) {
            assertThat(ExperimentConfig.parse(ExperimentConfig.toTree(cfg))).isEqualTo(cfg);
        }
        assertThat(ExperimentConfig.toTree(HRNetConfig.standard(32, 17, 256, 192)).at("/MODEL/IMAGE_SIZE")
                .toString()).isEqualTo("[192,256]");
    }
}
