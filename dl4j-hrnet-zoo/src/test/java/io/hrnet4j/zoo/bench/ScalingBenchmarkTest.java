package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.PoseNetworks.Backend;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ScalingBenchmark#runIsolated}: one process per network, each answering one round with
 * {@link ScalingBenchmark#roundAnswer}; here scripted processes answer fixed points, so the merged table's rows,
 * order, figures and DE-HRNet / HRNet ratios are known exactly.
 */
class ScalingBenchmarkTest {
    private static final HRNetConfig HR = HRNetConfig.standard(4, 17, 64, 64);
    private static final HRNetConfig DE = HR.withDeHrnet(DeHrnetOptions.defaults());
    private static final int[] BATCHES = {1, 2};
    private static final long MIB = 1L << 20;

    private static ScalingBenchmark.Point point(HRNetConfig cfg, int batch, double seconds, long peakMib) {
        return new ScalingBenchmark.Point(cfg, batch, seconds, Double.NaN,
                new MemoryUsage(peakMib * MIB / 2, peakMib * MIB, 0, 0, 0), true);
    }

    /** A child's answer as the real child writes it: {@code roundAnswer} of its in-process result. */
    private static String answer(ScalingBenchmark.Point... points) throws IOException {
        return new ObjectMapper().writeValueAsString(ScalingBenchmark.roundAnswer(new ScalingBenchmark.Result(
                Backend.SAMEDIFF_FOLDED, 0, 1, List.of(points), 2, "-onednn-avx512", false)));
    }

    /** A process printing a ready line, then {@code answer} to its first round; logs its rounds to a file. */
    private static RoundProcess scripted(String name, String answer) {
        String sh = "echo '{\"ready\": true}'; while read c; do [ \"$c\" = quit ] && exit 0; echo '" + answer
                + "'; done";
        try {
            return new RoundProcess(name, new ProcessBuilder("/bin/sh", "-c", sh).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void oneProcessPerNetworkMergedInOrderWithRatios() throws Exception {
        List<ScalingBenchmark.Point> hr = List.of(point(HR, 1, 0.5, 1000), point(HR, 2, 0.8, 1200));
        List<ScalingBenchmark.Point> de = List.of(point(DE, 1, 1.5, 1500), point(DE, 2, 3.2, 1800));
        Map<HRNetConfig, String> answers = Map.of(HR, answer(hr.toArray(ScalingBenchmark.Point[]::new)),
                DE, answer(de.toArray(ScalingBenchmark.Point[]::new)));
        List<String> started = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        ScalingBenchmark.Result r = ScalingBenchmark.runIsolated(List.of(HR, DE), Backend.SAMEDIFF_FOLDED, BATCHES,
                0, 1, cfg -> {
                    started.add(cfg.isDeHrnet() ? "de" : "hr");
                    return scripted(cfg.toString(), answers.get(cfg));
                }, progress::add);

        assertThat(started).containsExactly("hr", "de");
        assertThat(progress).hasSize(2).allMatch(l -> l.endsWith(": measuring in its own JVM"));
        List<ScalingBenchmark.Point> all = new ArrayList<>(hr);
        all.addAll(de);
        assertThat(r.points()).containsExactlyElementsOf(all);
        assertThat(r.isolated()).isTrue();
        assertThat(r.threads()).isEqualTo(2);
        assertThat(r.natives()).isEqualTo("-onednn-avx512");

        String md = r.markdown();
        assertThat(md).startsWith("Realisation samediff_folded, median of 1 after 0 warm-up; 2 ND4J threads, "
                + "-onednn-avx512 natives; peak RSS per point (VmHWM reset before each), one JVM per network.");
        assertThat(md.lines().filter(l -> l.matches("\\| (DE-)?HRNet-W4 \\| .*"))).containsExactly(
                "| HRNet-W4 | 64x64 | 1 | 0.500 | 2.00 | - | 0.98 | 0.00 |",
                "| HRNet-W4 | 64x64 | 2 | 0.800 | 2.50 | - | 1.17 | 0.00 |",
                "| DE-HRNet-W4 | 64x64 | 1 | 1.500 | 0.67 | - | 1.46 | 0.00 |",
                "| DE-HRNet-W4 | 64x64 | 2 | 3.200 | 0.63 | - | 1.76 | 0.00 |");
        assertThat(md.lines().filter(l -> l.startsWith("| W4 |"))).containsExactly(
                "| W4 | 64x64 | 1 | 3.00 | - | 1.50 |", "| W4 | 64x64 | 2 | 4.00 | - | 1.50 |");
        assertThat(r.toMap()).containsEntry("isolated", true).containsEntry("natives", "-onednn-avx512");
    }

    @Test
    void aProcessAnsweringAnotherNetworkOrBatchIsAnError() throws Exception {
        String hrAnswer = answer(point(HR, 1, 0.5, 1000), point(HR, 2, 0.8, 1200));
        assertThatThrownBy(() -> ScalingBenchmark.runIsolated(List.of(DE), Backend.SAMEDIFF_FOLDED, BATCHES, 0, 1,
                cfg -> scripted("de", hrAnswer), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("scaling point of DE-HRNet-W4 64x64 expected, got {\"network\":\"HRNet-W4\"");
        String swapped = answer(point(HR, 2, 0.8, 1200), point(HR, 1, 0.5, 1000));
        assertThatThrownBy(() -> ScalingBenchmark.runIsolated(List.of(HR), Backend.SAMEDIFF_FOLDED, BATCHES, 0, 1,
                cfg -> scripted("hr", swapped), null))
                .isInstanceOf(IllegalStateException.class).hasMessageEndingWith("expected batch 1 as point 1, got 2");
        String one = answer(point(HR, 1, 0.5, 1000));
        assertThatThrownBy(() -> ScalingBenchmark.runIsolated(List.of(HR), Backend.SAMEDIFF_FOLDED, BATCHES, 0, 1,
                cfg -> scripted("hr", one), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expected 2 scaling points");
    }
}
