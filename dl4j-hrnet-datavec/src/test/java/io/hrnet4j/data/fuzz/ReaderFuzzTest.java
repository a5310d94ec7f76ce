package io.hrnet4j.data.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.CocoResults;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.testing.JsonMutations;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz-style robustness of every data reader, on variants of the real samples (shared/data, shared/oracle) made by
 * truncation, bit flips and JSON field mutations (seeded, a bounded count per reader): each variant is read
 * successfully or refused with the project's one bad-data exception ({@link DataFormatException}, NumPy files
 * included) whose message names the file; never another
 * exception, never a hang (each read has a time limit). The outcome counts are printed for docs/reliability.md.
 */
class ReaderFuzzTest {
    private static final int VARIANTS = 60;

    /** A reader under test: reads {@code file}, any result is fine, exceptions are judged. */
    @FunctionalInterface
    interface Reader {
        void read(Path file) throws Exception;
    }

    private final Map<String, int[]> outcomes = new TreeMap<>();

    @Test
    void cocoAnnotations(@TempDir Path tmp) throws Exception {
        Path src = SharedData.data("coco-sample/test_coco.json");
        Path images = SharedData.data("coco-sample");
        fuzzJson("COCO annotations (CocoKeypoints)", src, tmp, 1,
                f -> CocoKeypoints.groundTruth(f, images, 0.75));
        fuzzJson("COCO ground truth (CocoGroundTruth)", src, tmp, 2, CocoGroundTruth::read);
        report();
    }

    @Test
    void detections(@TempDir Path tmp) throws Exception {
        Path ann = SharedData.data("coco-sample/test_coco.json");
        Path images = SharedData.data("coco-sample");
        fuzzJson("COCO detections (CocoKeypoints)", SharedData.data("coco-sample/test_coco_det_AP_H_56.json"), tmp,
                3, f -> CocoKeypoints.detections(f, ann, images, 0.75, 0.0));
        report();
    }

    @Test
    void mpii(@TempDir Path tmp) throws Exception {
        Path images = SharedData.data("mpii-sample");
        fuzzJson("MPII annotations (MpiiAnnotations)", SharedData.data("mpii-sample/test_mpii.json"), tmp, 4,
                f -> MpiiAnnotations.load(f, images));
        fuzzJson("MPII ground truth (MpiiGroundTruth)", SharedData.oracle("mpii_gt.json"), tmp, 5,
                MpiiGroundTruth::read);
        fuzzJson("MPII predictions (MpiiGroundTruth)", SharedData.oracle("mpii_pred.json"), tmp, 6,
                MpiiGroundTruth::readPredictions);
        report();
    }

    @Test
    void results(@TempDir Path tmp) throws Exception {
        fuzzJson("COCO results (CocoResults)", SharedData.oracle("coco_dt.json"), tmp, 7, CocoResults::read);
        report();
    }

    @Test
    void numpy(@TempDir Path tmp) throws Exception {
        fuzzBytes("npy (NumpyFiles.readNpy)", SharedData.oracle("final_preds_1_preds.npy"), tmp, 8, ".npy",
                NumpyFiles::readNpy);
        fuzzBytes("npz (NumpyFiles.readNpz)", SharedData.oracle("eca_weights.npz"), tmp, 9, ".npz",
                NumpyFiles::readNpz);
        report();
    }

    // ------------------------------------------------------------------------------------------------ engine

    private void fuzzJson(String name, Path src, Path tmp, long seed, Reader reader) throws Exception {
        byte[] bytes = Files.readAllBytes(src);
        fuzzBytes(name, src, tmp, seed, ".json", reader);
        JsonNode root = JsonFields.readTree(src);
        Random rnd = new Random(seed * 7919);
        for (int v = 0; v < VARIANTS * 2; v++) {
            JsonNode copy = root.deepCopy();
            JsonMutations.mutate(copy, rnd);
            Path f = tmp.resolve("mut" + v + ".json");
            Files.writeString(f, copy.toString());
            judge(name, "field mutation", f, reader);
        }
        assertThat(bytes).isNotEmpty();
    }

    private void fuzzBytes(String name, Path src, Path tmp, long seed, String ext, Reader reader) throws Exception {
        byte[] good = Files.readAllBytes(src);
        Random rnd = new Random(seed);
        for (int v = 0; v < VARIANTS; v++) {
            byte[] cut = java.util.Arrays.copyOf(good, rnd.nextInt(good.length));
            Path f = Files.write(tmp.resolve("cut" + v + ext), cut);
            judge(name, "truncation", f, reader);
        }
        for (int v = 0; v < VARIANTS; v++) {
            byte[] b = good.clone();
            int flips = 1 + rnd.nextInt(8);
            // half the variants flip bits in the first 256 bytes, where the headers and the first records are
            int span = v % 2 == 0 ? Math.min(256, b.length) : b.length;
            for (int k = 0; k < flips; k++) {
                int i = rnd.nextInt(span);
                b[i] ^= (byte) (1 << rnd.nextInt(8));
            }
            Path f = Files.write(tmp.resolve("flip" + v + ext), b);
            judge(name, "bit flips", f, reader);
        }
    }

    private void judge(String name, String kind, Path f, Reader reader) {
        int[] counts = outcomes.computeIfAbsent(name + " | " + kind, k -> new int[2]);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                reader.read(f);
                counts[0]++;
            } catch (DataFormatException e) {
                assertThat(e.getMessage()).as("%s %s", name, kind).contains(f.getFileName().toString());
                assertThat(e.getMessage().lines().count()).as(e.getMessage()).isLessThanOrEqualTo(2);
                counts[1]++;
            } catch (Throwable t) {
                throw new AssertionError(name + ", " + kind + " of " + f.getFileName() + ": untyped " + t, t);
            }
        }, () -> name + ": " + kind + " of " + f.getFileName() + " did not finish in 30 s");
    }

    private void report() {
        outcomes.forEach((k, c) -> System.out.printf("fuzz %-60s read %3d, refused (typed, file named) %3d%n", k,
                c[0], c[1]));
    }
}
