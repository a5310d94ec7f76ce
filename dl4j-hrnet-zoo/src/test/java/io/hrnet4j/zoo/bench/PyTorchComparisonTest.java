package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The round protocol, alternation, medians and ratios of {@link PyTorchComparison}, with two scripted processes
 * standing for the sides (fixed times per round, so the expected medians are known).
 */
class PyTorchComparisonTest {
    private static final HRNetConfig CFG = HRNetConfig.standard(4, 17, 64, 64);
    private static final PyTorchPeer.Verification OK = new PyTorchPeer.Verification(0, true, "test", null);

    /** A process printing a ready line, then answers[i] for the i-th round, and logging "round" order to a file. */
    private static RoundProcess scripted(String name, String log, String... answers) {
        StringBuilder sh = new StringBuilder("echo '{\"ready\": true, \"threads\": 1}'; i=0; while read c; do "
                + "[ \"$c\" = quit ] && exit 0; echo " + name + " >> " + log + "; case $i in ");
        for (int i = 0; i < answers.length; i++) {
            sh.append(i).append(") echo '").append(answers[i]).append("';; ");
        }
        sh.append("*) echo 'not json';; esac; i=$((i+1)); done");
        try {
            return new RoundProcess(name, new ProcessBuilder("/bin/sh", "-c", sh.toString()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mediansRatiosAndAlternation() throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("rounds", ".log");
        String l = log.toString();
        List<String> order = new ArrayList<>();
        PyTorchComparison.Result r = PyTorchComparison.run(CFG, OK, List.of(2),
                t -> scripted("ours", l,
                        "{\"seconds\": {\"graph\": {\"infer_b1\": 9, \"train_b8\": 9}}, \"memory\": {}}",
                        "{\"seconds\": {\"graph\": {\"infer_b1\": 2, \"train_b8\": 8}}, "
                                + "\"memory\": {\"peak_rss_bytes\": 5}}",
                        "{\"seconds\": {\"graph\": {\"infer_b1\": 4, \"train_b8\": 4}}, "
                                + "\"memory\": {\"peak_rss_bytes\": 7, \"nd4j_bytes\": 3}}",
                        "{\"seconds\": {\"graph\": {\"infer_b1\": 3, \"train_b8\": 6}}, "
                                + "\"memory\": {\"peak_rss_bytes\": 9, \"nd4j_bytes\": 4}}"),
                t -> scripted("torch", l,
                        "{\"seconds\": {\"infer_b1\": 1, \"train_b8\": 1}, \"peak_rss_bytes\": 1}",
                        "{\"seconds\": {\"infer_b1\": 1, \"train_b8\": 2}, \"peak_rss_bytes\": 1}",
                        "{\"seconds\": {\"infer_b1\": 2, \"train_b8\": 3}, \"peak_rss_bytes\": 1}",
                        "{\"seconds\": {\"infer_b1\": 3, \"train_b8\": 2}, \"peak_rss_bytes\": 11}"),
                1, 3, order::add);
        assertThat(java.nio.file.Files.readAllLines(log)).containsExactly("torch", "ours", "ours", "torch", "torch",
                "ours", "ours", "torch");
        assertThat(order).hasSize(4).allMatch(s -> s.startsWith("2 threads"));
        PyTorchComparison.ThreadResult t = r.results().get(0);
        assertThat(t.pytorchSeconds()).containsEntry("infer_b1", 2.0).containsEntry("train_b8", 2.0);
        assertThat(t.oursSeconds().get("graph")).containsEntry("infer_b1", 3.0).containsEntry("train_b8", 6.0);
        assertThat(t.ratios("graph").get("infer_b1")).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(t.pytorchPeakRssBytes()).isEqualTo(11);
        assertThat(t.oursMemory().peakRssBytes()).isEqualTo(9);
        Map<String, Object> doc = r.toMap();
        assertThat(doc).containsOnlyKeys("pytorch", "realisations", "ratios");
        var json = new ObjectMapper().valueToTree(doc);
        assertThat(json.at("/ratios/graph/train_b8").asDouble()).isCloseTo(1.0 / 3.0, within(1e-12));
        assertThat(json.at("/ratios/graph/threads/2/infer_b1").asDouble()).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(json.at("/pytorch/threads/2/seconds/infer_b1").asDouble()).isEqualTo(2.0);
        assertThat(json.at("/realisations/graph/threads/2/memory/nd4j_bytes").asLong()).isEqualTo(4);
        assertThat(json.at("/pytorch/config/MODEL/IMAGE_SIZE").toString()).isEqualTo("[64,64]");
        assertThat(r.table()).contains("2       infer_b1        2.000            3.000   0.67x");
        java.nio.file.Files.delete(log);
    }

    @Test
    void aSideThatAnswersNonsenseIsNamed() throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("rounds", ".log");
        assertThatThrownBy(() -> PyTorchComparison.run(CFG, OK, List.of(1),
                t -> scripted("ours", log.toString()),
                t -> scripted("torch", log.toString(), "{\"seconds\": {\"infer_b1\": 1}}"), 0, 1, null))
                .isInstanceOf(IllegalStateException.class).hasMessage("ours: expected a JSON line, got: not json");
        assertThatThrownBy(() -> PyTorchComparison.run(CFG, OK, List.of(1),
                t -> scripted("ours", log.toString(), "{\"seconds\": {\"graph\": {\"infer_b1\": 0}}}"),
                t -> scripted("torch", log.toString(), "{\"seconds\": {\"infer_b1\": 1}}"), 0, 1, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("invalid time for graph infer_b1");
        java.nio.file.Files.delete(log);
    }
}
