package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./hrnet} launcher's environment for the JVM it starts: run on a copy of the script beside an empty class
 * path, with a stub {@code java} first on the {@code PATH} that prints the glibc malloc variables and the JVM flags it
 * was given.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of("..", "hrnet").toAbsolutePath().normalize();
    private static final String TRAIN_MALLOC = "MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184 "
            + "MALLOC_TOP_PAD_=268435456";

    @TempDir
    Path root;

    @BeforeEach
    void copyLauncher() throws IOException {
        Files.copy(SCRIPT, root.resolve("hrnet"));
        Path target = Files.createDirectories(root.resolve("dl4j-hrnet-cli/target"));
        Files.writeString(target.resolve("classpath.txt"), "");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\n"
                + "echo \"MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-} MALLOC_TRIM_THRESHOLD_="
                + "${MALLOC_TRIM_THRESHOLD_:-} MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-}\"\n"
                + "echo \"args: $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String launch(Map<String, String> env, String... args) throws Exception {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "bash";
        cmd[1] = root.resolve("hrnet").toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("MALLOC_") || k.startsWith("HRNET_"));
        e.put("PATH", root.resolve("bin") + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
        e.put("HRNET_SKIP_BUILD", "1");
        e.put("HRNET_MEMORY", "4g");
        e.putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void trainGetsTheTrainingMallocThresholdsOtherCommandsKeepGlibcDefaults() throws Exception {
        assertThat(launch(Map.of(), "train", "--epochs", "1")).contains(TRAIN_MALLOC)
                .contains("io.hrnet4j.cli.HrnetCli train --epochs 1");
        assertThat(launch(Map.of(), "eval", "--help"))
                .contains("MALLOC_MMAP_THRESHOLD_= MALLOC_TRIM_THRESHOLD_= MALLOC_TOP_PAD_=\n");
        assertThat(launch(Map.of(), "predict")).doesNotContain("33554432");
    }

    @Test
    void theCallersSettingsWin() throws Exception {
        assertThat(launch(Map.of("HRNET_TRAIN_MALLOC", "0"), "train"))
                .contains("MALLOC_MMAP_THRESHOLD_= MALLOC_TRIM_THRESHOLD_= MALLOC_TOP_PAD_=\n");
        Map<String, String> own = new HashMap<>();
        own.put("MALLOC_TOP_PAD_", "1048576");
        assertThat(launch(own, "train"))
                .contains("MALLOC_MMAP_THRESHOLD_= MALLOC_TRIM_THRESHOLD_= MALLOC_TOP_PAD_=1048576\n");
    }

    @Test
    void theMemoryBudgetSetsHeapAndJavaCppLimits() throws Exception {
        // HRNET_MEMORY=4g: a third for the heap (1365 MiB), the rest off-heap, the whole budget as the RSS limit
        assertThat(launch(Map.of(), "train")).contains("-Xmx1365m -Dhrnet.memory=4294967296 "
                + "-Dorg.bytedeco.javacpp.maxbytes=2863311531 -Dorg.bytedeco.javacpp.maxphysicalbytes=4294967296");
    }
}
