package io.hrnet4j.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws IOException {
        Path f = dir.resolve("sub/out.json");
        AtomicFiles.writeString(f, "{\"a\":1}");
        assertThat(Files.readString(f)).isEqualTo("{\"a\":1}");
        AtomicFiles.writeString(f, "{\"a\":2}");
        assertThat(Files.readString(f)).isEqualTo("{\"a\":2}");
        try (var s = Files.list(f.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out.json");
        }
    }

    @Test
    void writtenFilesHaveTheDefaultPermissionsOfANewFile() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        Path atomic = dir.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "x");
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void failedValidationKeepsTheGoodFile() throws IOException {
        Path f = dir.resolve("results.json");
        Files.writeString(f, "good");
        assertThatThrownBy(() -> AtomicFiles.write(f,
                tmp -> Files.writeString(tmp, "NaN"),
                tmp -> {
                    if (Files.readString(tmp).contains("NaN")) {
                        throw new IOException("results contain NaN");
                    }
                })).isInstanceOf(IOException.class).hasMessage("results contain NaN");
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("good");
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void writerFailureLeavesNoFile() {
        Path f = dir.resolve("x.bin");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void checkWritableRejectsFoldersAndUnwritablePlaces() throws IOException {
        assertThatThrownBy(() -> AtomicFiles.checkWritable(dir))
                .isInstanceOf(IOException.class).hasMessageContaining("is a folder");
        Path file = dir.resolve("plain");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> AtomicFiles.checkWritable(file.resolve("child.json")))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a folder");
        assertThatThrownBy(() -> AtomicFiles.checkWritable(Path.of("/proc/hrnet4j-out.json")))
                .isInstanceOf(IOException.class).hasMessageStartingWith("/proc: cannot write here");
        AtomicFiles.checkWritable(dir.resolve("new/deeper/out.json"));
        assertThat(dir.resolve("new/deeper")).isDirectory().isEmptyDirectory();
    }
}
