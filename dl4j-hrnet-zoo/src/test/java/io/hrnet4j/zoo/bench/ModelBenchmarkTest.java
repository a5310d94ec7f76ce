package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.PoseNetworks.Backend;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ModelBenchmark.Result}: the JSON results and the table written from given measurements. */
class ModelBenchmarkTest {
    private static final HRNetConfig CFG = Presets.small(16, 17, 64, 48);
    private static final ModelBenchmark.Result RESULT = new ModelBenchmark.Result(CFG, "", 12.5, List.of(
            new ModelBenchmark.Measurement(Backend.SAMEDIFF_FOLDED, "inference", 4, 0.25, 16.0, 3.5, 0.28),
            new ModelBenchmark.Measurement(Backend.GRAPH, "train-step", 2, 1.5, 1.3333333333333333, 0.75, 0.06)));

    @Test
    void jsonResultsNameEveryFieldOfEveryMeasurementInOrder() throws Exception {
        long macs = Complexity.of(CFG).macs();
        assertThat(new ObjectMapper().writeValueAsString(RESULT.toMap())).isEqualTo(
                "{\"natives\":\"generic\",\"baselineConv2dGflops\":12.5,\"macs\":" + macs + ",\"measurements\":["
                + "{\"realisation\":\"samediff_folded\",\"kind\":\"inference\",\"batch\":4,\"secondsPerCall\":0.25,"
                + "\"imagesPerSecond\":16.0,\"gflops\":3.5,\"ratioToBaseline\":0.28},"
                + "{\"realisation\":\"graph\",\"kind\":\"train-step\",\"batch\":2,\"secondsPerCall\":1.5,"
                + "\"imagesPerSecond\":1.3333333333333333,\"gflops\":0.75,\"ratioToBaseline\":0.06}]}");
    }

    @Test
    void tableHasOneLinePerMeasurementWithTheRealisationsName() {
        assertThat(RESULT.table().lines().toList()).containsExactly(
                "natives: generic; baseline conv2d: 12.50 GFLOP/s",
                "realisation      kind       batch     s/call      img/s   GFLOP/s    x base",
                "samediff_folded  inference      4      0.250      16.00      3.50     0.280",
                "graph            train-step     2      1.500       1.33      0.75     0.060");
    }
}
