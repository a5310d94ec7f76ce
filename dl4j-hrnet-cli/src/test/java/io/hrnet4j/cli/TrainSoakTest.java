package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.arch.MemoryBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hrnet train --soak} (RSS samples, slope, verdict) and the training memory check before any data is read. */
class TrainSoakTest {
    private final CliRun cli = new CliRun();

    /** A soak of 12 iterations sampled every 2: 6 rows, the fit over the 5 after the cut at iteration 2. */
    @Test
    void soakWritesOneRowPerSampleAndTheSlope(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("soak");
        int rc = cli.run(CliRun.trainOnSample("coco", "64x48", "--backend", "samediff", "--batch", "4", "--workers",
                "1", "--checkpoint-every", "0", "--validate-every", "0", "--soak", "12", "--rss-every", "2", "--out",
                dir.toString()));
        List<String> rows = Files.readAllLines(dir.resolve("rss.csv"));
        assertThat(rows).as(cli.err()).hasSize(7);
        assertThat(rows.get(0)).isEqualTo("iteration,rss_bytes,heap_used_bytes");
        for (int i = 1; i <= 6; i++) {
            String[] f = rows.get(i).split(",");
            assertThat(Long.parseLong(f[0])).isEqualTo(2L * i);
            assertThat(Long.parseLong(f[1])).as("RSS of row %d", i).isGreaterThan(100L << 20);
            assertThat(Long.parseLong(f[2])).as("heap of row %d", i).isPositive();
        }
        JsonNode j = new ObjectMapper().readTree(dir.resolve("rss.json").toFile());
        assertThat(j.at("/trend/warmup_cut_iteration").asInt()).isEqualTo(2);
        assertThat(j.at("/trend/samples_after_cut").asInt()).isEqualTo(5);
        assertThat(j.at("/trend/slope_mib_per_100_iterations").isNumber()).isTrue();
        assertThat(j.at("/trend/flat_limit_mib_per_100_iterations").asDouble()).isEqualTo(1.0);
        assertThat(j.at("/conditions/run").asText()).contains("batch 4, samediff backend");
        assertThat(dir.resolve("rss.png")).isRegularFile();
        boolean flat = j.at("/trend/flat").asBoolean();
        assertThat(rc).as(cli.err()).isEqualTo(flat ? 0 : 1);
        assertThat(cli.out()).contains("trained 12 iterations").contains("MiB per 100 iterations over "
                + "iterations 4..12 (5 samples after the warm-up cut at iteration 2; flat means at most 1.00)");
        if (!flat) {
            assertThat(cli.err()).contains("hrnet train --soak: RSS NOT flat: slope ");
        }
    }

    @Test
    void soakOptionsAreCheckedBeforeAnyWork(@TempDir Path tmp) {
        cli.assertOneLineError(cli.run("train", "--soak", "5", "--out", tmp.toString()),
                "--soak needs at least 10 iterations, got 5");
        cli.assertOneLineError(cli.run("train", "--soak", "20", "--max-iterations", "5", "--out", tmp.toString()),
                "--soak runs a fresh training of its own length: it excludes --max-iterations");
        cli.assertOneLineError(cli.run("train", "--soak", "30", "--rss-every", "20", "--out", tmp.toString()),
                "--rss-every with --soak 30 must be 1..10 (at least 3 samples), got 20");
        assertThat(tmp.resolve("config.yaml")).doesNotExist();
    }

    /** The case: train --input 4096x4096 under a 2 GiB budget is refused before the data is even looked at. */
    @Test
    void trainingBeyondTheBudgetIsRefusedBeforeTheDataIsRead(@TempDir Path tmp) {
        String saved = System.getProperty(MemoryBudget.PROPERTY);
        System.setProperty(MemoryBudget.PROPERTY, "2g");
        try {
            int rc = cli.run("train", "--dataset", "coco", "--images", tmp.resolve("no-images").toString(),
                    "--annotations", tmp.resolve("missing.json").toString(), "--arch", "small", "--width", "16",
                    "--input", "4096x4096", "--batch", "2", "--out", tmp.resolve("run").toString());
            cli.assertOneLineError(rc, "training needs about ");
            assertThat(cli.err()).containsPattern("IMAGE_SIZE 4096x4096 \\(HxW\\) at batch 2: training needs "
                    + "about \\d+\\.\\d GiB, more than the memory budget 2\\.0 GiB \\(hrnet\\.memory=2g\\)")
                    .doesNotContain("missing.json");
        } finally {
            if (saved == null) {
                System.clearProperty(MemoryBudget.PROPERTY);
            } else {
                System.setProperty(MemoryBudget.PROPERTY, saved);
            }
        }
    }
}
