package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandTest {
    @TempDir
    Path tmp;

    private final CliRun cli = new CliRun();

    @Test
    void searchesTheSyntheticDatasetAndWritesTableAndPlot() throws Exception {
        Path space = tmp.resolve("s.yaml");
        Files.writeString(space, "learningRate: {min: 1.0e-3, max: 1.0e-2}\nbatchSize: 8\nwidth: 4\n");
        System.setProperty("hrnet.cache.dir", tmp.resolve("cache").toString());
        int rc = cli.run("search", "--dataset", "synthetic", "--synthetic-counts", "4,2", "--space",
                space.toString(), "--candidates", "2", "--budget", "1i", "--seed", "3", "--out",
                tmp.resolve("out").toString());
        assertThat(rc).as(cli.err()).isZero();
        String text = cli.out();
        assertThat(text).contains("[1] rung 0 c0000-").contains("[2] rung 0 c0001-");
        assertThat(text).contains("rank id").contains("oks-ap");
        assertThat(tmp.resolve("out").resolve("score-vs-lr.png")).exists();
        assertThat(tmp.resolve("out").resolve("ranking.csv")).exists();
    }

    @Test
    void missingAnnotationsAndBadBudgetAreOneLineErrors() {
        int rc = cli.run("search", "--dataset", "coco", "--space-preset", "lr-schedule", "--out",
                tmp.toString());
        // the same message as train: the dataset options are one mixin (TrainingDataOptions)
        cli.assertOneLineError(rc, "hrnet search: error: --dataset coco needs --images DIR and --annotations FILE");
        rc = cli.run("search", "--dataset", "synthetic", "--space-preset", "lr-schedule", "--budget", "5x",
                "--synthetic-counts", "2,1", "--out", tmp.toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).contains("budget must be <n>e (epochs) or <n>i (iterations)");
    }
}
