package io.hrnet4j.testing;

import io.hrnet4j.data.io.NumpyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Locates {@code ../shared} (reference vectors in {@code oracle/}, real samples in {@code data/}) beside the
 * checkout. Maven passes {@code -Dhrnet.shared.dir}; outside Maven the environment variable {@code HRNET_SHARED}
 * or {@code ../shared} relative to the working directory and its parents is used. Tests never copy these files.
 */
public final class SharedData {
    private SharedData() {
    }

    /** @return the shared folder; fails the test with a clear message when it is missing */
    public static Path root() {
        String p = System.getProperty("hrnet.shared.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("HRNET_SHARED");
        }
        if (p != null && !p.isBlank() && Files.isDirectory(Paths.get(p))) {
            return Paths.get(p).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path cand = dir.resolveSibling("shared");
            if (Files.isDirectory(cand.resolve("oracle"))) {
                return cand.normalize();
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("../shared not found: set -Dhrnet.shared.dir or HRNET_SHARED");
    }

    /** @param name a file in shared/oracle @return its path */
    public static Path oracle(String name) {
        return root().resolve("oracle").resolve(name);
    }

    /** @param relative a path under shared/data, e.g. {@code coco-sample/test_coco.json} @return its path */
    public static Path data(String relative) {
        return root().resolve("data").resolve(relative);
    }

    /**
     * The oracle tiny model's weights, read afresh on each call (callers may change the arrays).
     *
     * @return {@code shared/oracle/tiny_hrnet.npz}: the official state-dict keys of the tiny HRNet (296 entries,
     *     float32 tensors and int64 {@code num_batches_tracked} scalars), file order
     * @throws UncheckedIOException if the file cannot be read, so that a test class can hold the map in a static
     *     final field
     */
    public static Map<String, INDArray> tinyWeights() {
        try {
            return NumpyFiles.readNpz(oracle("tiny_hrnet.npz"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
