package io.hrnet4j.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesRfc4180WithAHeader() throws Exception {
        Path f = dir.resolve("ranking.csv");
        CsvFiles.write(f, List.of("rank", "schedule", "failure"),
                List.of(List.of(1, "{\"0\":0.001,\"170\":1.0E-4}", ""), Arrays.asList(2, "plain", null)));
        assertThat(Files.readAllLines(f)).containsExactly("rank,schedule,failure",
                "1,\"{\"\"0\"\":0.001,\"\"170\"\":1.0E-4}\",", "2,plain,");
    }

    @Test
    void aRowOfTheWrongWidthIsRefusedAndNothingIsWritten() {
        Path f = dir.resolve("x.csv");
        assertThatThrownBy(() -> CsvFiles.write(f, List.of("a", "b"), List.of(List.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("row 1 has 1 values for 2 columns");
        assertThat(f).doesNotExist();
    }
}
