package io.hrnet4j.zoo.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hrnet4j.testing.JsonMutations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz-style robustness of {@link ExperimentConfig#read} on variants of the official W32 experiment file made by
 * truncation, bit flips and field mutations (seeded, bounded): each variant is read or refused with an {@link
 * InvalidConfigException} naming the file, in well under a second (the memory estimate refuses huge values before
 * anything is built); never another exception, never a hang.
 */
class ExperimentConfigFuzzTest {
    private static final int VARIANTS = 60;
    @Test
    void mutatedExperimentFilesAreReadOrRefusedWithTheFileNamed(@TempDir Path tmp) throws Exception {
        Path src = Path.of("src/test/resources/configs/w32_256x192_adam_lr1e-3.yaml");
        byte[] good = Files.readAllBytes(src);
        Random rnd = new Random(14);
        int[] counts = new int[2];
        for (int v = 0; v < VARIANTS; v++) {
            judge(Files.write(tmp.resolve("cut" + v + ".yaml"), java.util.Arrays.copyOf(good,
                    rnd.nextInt(good.length))), counts);
            byte[] b = good.clone();
            for (int k = 0, n = 1 + rnd.nextInt(8); k < n; k++) {
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            judge(Files.write(tmp.resolve("flip" + v + ".yaml"), b), counts);
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode root = yaml.readTree(good);
        for (int v = 0; v < 2 * VARIANTS; v++) {
            JsonNode copy = root.deepCopy();
            JsonMutations.mutate(copy.get("MODEL"), rnd);
            judge(Files.write(tmp.resolve("mut" + v + ".yaml"), yaml.writeValueAsBytes(copy)), counts);
        }
        System.out.printf("fuzz %-60s read %3d, refused (typed, file named) %3d%n",
                "YAML experiment files (ExperimentConfig)", counts[0], counts[1]);
        assertThat(counts[0] + counts[1]).isEqualTo(4 * VARIANTS);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void judge(Path f, int[] counts) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                ExperimentConfig.read(f);
                counts[0]++;
            } catch (InvalidConfigException e) {
                assertThat(e.getMessage()).startsWith(f.toString());
                counts[1]++;
            } catch (Throwable t) {
                throw new AssertionError(f.getFileName() + ": untyped " + t, t);
            }
        }, () -> f.getFileName() + " did not finish in 30 s: " + read(f));
    }
}
