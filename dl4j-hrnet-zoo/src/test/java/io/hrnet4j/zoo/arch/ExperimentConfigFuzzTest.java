package io.hrnet4j.zoo.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final JsonNode[] VALUES = {
        F.nullNode(), F.textNode(""), F.textNode("x"), F.textNode("BOTTLENECK"), F.textNode("-4"), F.numberNode(-1),
        F.numberNode(0), F.numberNode(1), F.numberNode(1_000_000), F.numberNode(Integer.MAX_VALUE),
        F.numberNode(1e308), F.numberNode(2.5), F.numberNode(new java.math.BigInteger("99999999999999999999")),
        F.objectNode(), F.arrayNode(), F.arrayNode().add(100000).add(100000), F.booleanNode(true),
    };

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
            List<JsonNode> containers = new ArrayList<>();
            collect(copy.get("MODEL"), containers);
            JsonNode parent = containers.get(rnd.nextInt(containers.size()));
            JsonNode value = VALUES[rnd.nextInt(VALUES.length)].deepCopy();
            if (parent instanceof ObjectNode o) {
                List<String> keys = new ArrayList<>();
                o.fieldNames().forEachRemaining(keys::add);
                String key = keys.get(rnd.nextInt(keys.size()));
                if (rnd.nextInt(5) == 0) {
                    o.remove(key);
                } else {
                    o.set(key, value);
                }
            } else if (parent instanceof ArrayNode a && a.size() > 0) {
                a.set(rnd.nextInt(a.size()), value);
            }
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

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n != null && n.isContainerNode() && n.size() > 0) {
            out.add(n);
            n.forEach(c -> collect(c, out));
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
