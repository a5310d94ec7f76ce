package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory soak's RSS slope: least squares after the warm-up cut, on synthetic series with a known answer. */
class RssTrendTest {
    private static final long MIB = 1 << 20;

    /** A warm-up ramp, then a leak of exactly 3 MiB per 100 iterations: the fit sees only the leak. */
    @Test
    void slopeAfterTheWarmupCutIsTheLeak() {
        int n = 100;
        long[] it = new long[n];
        long[] rss = new long[n];
        for (int i = 0; i < n; i++) {
            it[i] = 10L * (i + 1);
            // 2 GiB of warm-up growth over the first 200 iterations, then 3 MiB per 100 iterations from 4 GiB
            rss[i] = it[i] <= 200 ? it[i] * (2048 * MIB / 200) : 4096 * MIB + (it[i] - 200) * 3 * MIB / 100;
        }
        RssTrend t = RssTrend.fit(it, rss, 200);
        assertThat(t.samples()).isEqualTo(80);
        assertThat(t.firstIteration()).isEqualTo(210);
        assertThat(t.lastIteration()).isEqualTo(1000);
        assertThat(t.mibPer100Iterations()).isCloseTo(3.0, within(1e-6));
        assertThat(t.interceptBytes()).isCloseTo(4096.0 * MIB - 6.0 * MIB, within(1.0));
        assertThat(t.peakBytes()).isEqualTo(rss[n - 1]);
        assertThat(t.minBytes()).isEqualTo(rss[20]);
        assertThat(t.flat(1.0)).isFalse();
        assertThat(t.flat(3.5)).isTrue();
        assertThat(t.describe(1.0)).startsWith("RSS NOT flat: slope +3.00 MiB per 100 iterations over iterations "
                + "210..1000 (80 samples after the warm-up cut at iteration 200; flat means at most 1.00)");
        // without the cut the warm-up ramp dominates
        assertThat(RssTrend.fit(it, rss, 0).mibPer100Iterations()).isGreaterThan(100);
    }

    /** A flat series with a GC sawtooth and noise: the slope is 0 within the noise, and counted flat. */
    @Test
    void flatSeriesWithSawtoothAndNoiseIsFlat() {
        Random rnd = new Random(7);
        int n = 400;
        long[] it = new long[n];
        long[] rss = new long[n];
        for (int i = 0; i < n; i++) {
            it[i] = i + 1;
            rss[i] = 1500 * MIB + (i % 10) * MIB / 2 + (long) (rnd.nextGaussian() * MIB);
        }
        RssTrend t = RssTrend.fit(it, rss, 80);
        assertThat(t.samples()).isEqualTo(320);
        // a sawtooth of amplitude A and period T over a span S biases the slope by at most about A T / S^2 (here
        // 4.5 MiB * 10 / 320^2, 0.04 MiB per 100 iterations); the noise's standard error is 0.06 MiB per 100
        assertThat(Math.abs(t.mibPer100Iterations())).isLessThan(0.3);
        assertThat(t.flat(RssSampler.FLAT_LIMIT_MIB_PER_100)).isTrue();
        assertThat(t.toMap(1.0)).containsEntry("flat", true).containsEntry("warmup_cut_iteration", 80L)
                .containsEntry("samples_after_cut", 320);
    }

    @Test
    void tooFewSamplesGiveNoSlopeAndBadSeriesAreRefused() {
        RssTrend t = RssTrend.fit(new long[] {10, 20, 30}, new long[] {5 * MIB, 6 * MIB, 7 * MIB}, 10);
        assertThat(t.samples()).isEqualTo(2);
        assertThat(t.slopeBytesPerIteration()).isNaN();
        assertThat(t.flat(1e9)).isFalse();
        assertThat(t.toMap(1.0).get("slope_mib_per_100_iterations")).isNull();
        assertThat(t.describe(1.0)).isEqualTo("RSS: 2 samples after the warm-up cut at iteration 10, too few for a "
                + "slope (peak 7 MiB)");
        assertThatThrownBy(() -> RssTrend.fit(new long[] {1, 2}, new long[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RSS samples: 2 iterations but 1 RSS values");
        assertThatThrownBy(() -> RssTrend.fit(new long[] {1, 3, 3}, new long[] {1, 1, 1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RSS samples: iteration 3 at sample 2 does not follow 3");
    }

    /** The sampler samples every N iterations and writes the CSV rows, the JSON trend and the plot. */
    @Test
    void samplerWritesOneRowPerSample(@TempDir Path dir) throws Exception {
        RssSampler s = new RssSampler(3);
        for (int i = 1; i <= 30; i++) {
            s.stepDone(i);
        }
        assertThat(s.samples()).hasSize(10);
        assertThat(s.samples().get(0)[0]).isEqualTo(3);
        assertThat(s.samples().get(0)[1]).isGreaterThan(10 * MIB);
        assertThat(s.warmupCut()).isEqualTo(6);
        s.write(dir, "test run");
        List<String> rows = Files.readAllLines(dir.resolve("rss.csv"));
        assertThat(rows).hasSize(11);
        assertThat(rows.get(0)).isEqualTo("iteration,rss_bytes,heap_used_bytes");
        assertThat(rows.get(10)).startsWith("30,");
        JsonNode j = new ObjectMapper().readTree(dir.resolve("rss.json").toFile());
        assertThat(j.get("every").asInt()).isEqualTo(3);
        assertThat(j.at("/conditions/run").asText()).isEqualTo("test run");
        assertThat(j.at("/trend/samples_after_cut").asInt()).isEqualTo(8);
        assertThat(j.at("/trend/first_iteration").asInt()).isEqualTo(9);
        assertThat(j.at("/trend/flat").asBoolean()).isEqualTo(s.flat());
        assertThat(Files.size(dir.resolve("rss.png"))).isGreaterThan(1000);
        assertThatThrownBy(() -> new RssSampler(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RSS sampling interval must be >= 1 iteration, got 0");
        assertThatThrownBy(() -> new RssSampler(1, 1.0, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RSS warm-up fraction must be in [0, 1), got 1.0");
    }
}
