package io.hrnet4j.zoo.train.parallel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * One training checkpoint: a standard DL4J {@link ModelSerializer} zip of the {@link ComputationGraph} with its
 * updater state (entries {@code configuration.json}, {@code coefficients.bin}, {@code updaterState.bin}) plus the
 * entry {@value #STATE_ENTRY} holding the {@link TrainingState} as JSON. The configuration's epoch count is set to
 * the state's epoch before writing and its iteration count (optimizer updates) is saved as it is, so a plain
 * {@code ComputationGraph.load(file, true)} (the single-device path) resumes with the same counts, the same parameters (batch-norm running statistics included:
 * DL4J keeps them among the parameters) and the same Adam moments.
 *
 * <p>Atomicity: the archive is written to a temporary file in the target folder, forced to disk, then renamed over
 * the target ({@code ATOMIC_MOVE}); a crash at any moment leaves either the old file or the new one, never a partial
 * one.
 */
public final class TrainingCheckpoint {
    /** Name of the zip entry holding the {@link TrainingState} as JSON. */
    public static final String STATE_ENTRY = "hrnet4j/training-state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingCheckpoint() {
    }

    /**
     * A checkpoint read back.
     *
     * @param graph the graph with parameters and updater state
     * @param state where the run stood
     * @param file the file it came from
     */
    public record Restored(ComputationGraph graph, TrainingState state, Path file) {
    }

    /**
     * Writes {@code graph} (parameters and updater state) and {@code state} to {@code file} atomically. Sets the
     * graph configuration's epoch count to {@code state.epoch()}.
     *
     * @param graph the model being trained
     * @param state where the run stands
     * @param file the checkpoint file (its folder must exist and be writable)
     * @throws IOException if writing fails (the previous content of {@code file}, if any, is then untouched and
     *         the temporary file is removed)
     */
    public static void write(ComputationGraph graph, TrainingState state, Path file) throws IOException {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(state, "state");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        graph.getConfiguration().setEpochCount(state.epoch());
        // unique names beside the target, created with the default permissions (createTempFile would make them 0600)
        String unique = Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(Thread.currentThread().getId());
        Path model = dir.resolve("." + target.getFileName() + ".model-" + unique + ".tmp");
        Path tmp = dir.resolve("." + target.getFileName() + "." + unique + ".tmp");
        try {
            ModelSerializer.writeModel(graph, model.toFile(), true);
            try (ZipFile in = new ZipFile(model.toFile());
                 OutputStream os = Files.newOutputStream(tmp);
                 ZipOutputStream out = new ZipOutputStream(os)) {
                Enumeration<? extends ZipEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    out.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream is = in.getInputStream(e)) {
                        is.transferTo(out);
                    }
                    out.closeEntry();
                }
                out.putNextEntry(new ZipEntry(STATE_ENTRY));
                out.write(toJson(state).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(model);
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a checkpoint: the graph with its updater state, and the training state.
     *
     * @param file a file written by {@link #write}
     * @return the graph, the state and the file
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws TrainingCheckpointException if it is not a complete checkpoint (message names the file and entry)
     * @throws IOException on other read errors
     */
    public static Restored read(Path file) throws IOException {
        TrainingState state = readState(file);
        ComputationGraph g;
        try {
            g = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new TrainingCheckpointException(file + ": the DL4J model entries cannot be read: " + e.getMessage(),
                    e);
        }
        return new Restored(g, state, file);
    }

    /**
     * Reads only the training state of a checkpoint (fast: the parameters are not loaded).
     *
     * @param file a file written by {@link #write}
     * @return the state
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws TrainingCheckpointException if the file is not a zip archive or has no valid state entry
     * @throws IOException on other read errors
     */
    public static TrainingState readState(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "training checkpoint not found");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (String required : new String[] {ModelSerializer.CONFIGURATION_JSON, ModelSerializer.COEFFICIENTS_BIN}) {
                if (zip.getEntry(required) == null) {
                    throw new TrainingCheckpointException(file + ": entry " + required
                            + " missing (not a DL4J model archive)");
                }
            }
            ZipEntry e = zip.getEntry(STATE_ENTRY);
            if (e == null) {
                throw new TrainingCheckpointException(file + ": entry " + STATE_ENTRY
                        + " missing (a DL4J model saved without training state)");
            }
            JsonNode n;
            try (InputStream is = zip.getInputStream(e)) {
                n = JSON.readTree(is);
            } catch (IOException ex) {
                throw new TrainingCheckpointException(file + ": entry " + STATE_ENTRY + ": invalid JSON: "
                        + ex.getMessage(), ex);
            }
            return fromJson(n, file);
        } catch (ZipException ex) {
            throw new TrainingCheckpointException(file + ": not a readable zip archive (truncated or corrupt): "
                    + ex.getMessage(), ex);
        }
    }

    static String toJson(TrainingState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", 1);
        o.put("epoch", s.epoch());
        o.put("batchInEpoch", s.batchInEpoch());
        o.put("iteration", s.iteration());
        o.put("seed", s.seed());
        if (Double.isFinite(s.lastLoss())) {
            o.put("lastLoss", s.lastLoss());
        } else {
            o.putNull("lastLoss");
        }
        return o.toString();
    }

    static TrainingState fromJson(JsonNode n, Path file) throws TrainingCheckpointException {
        String where = file + ": entry " + STATE_ENTRY + ": ";
        if (n == null || !n.isObject()) {
            throw new TrainingCheckpointException(where + "not a JSON object");
        }
        long epoch = integer(n, "epoch", where);
        long batch = integer(n, "batchInEpoch", where);
        long iteration = integer(n, "iteration", where);
        long seed = integer(n, "seed", where);
        JsonNode l = n.get("lastLoss");
        double loss = l == null || l.isNull() ? Double.NaN : l.asDouble();
        if (epoch < 0 || epoch > Integer.MAX_VALUE || batch < 0 || batch > Integer.MAX_VALUE || iteration < 0) {
            throw new TrainingCheckpointException(where + "negative or out-of-range count (epoch " + epoch
                    + ", batchInEpoch " + batch + ", iteration " + iteration + ")");
        }
        return new TrainingState((int) epoch, (int) batch, iteration, seed, loss);
    }

    private static long integer(JsonNode n, String field, String where) throws TrainingCheckpointException {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new TrainingCheckpointException(where + "field '" + field + "' missing");
        }
        if (!v.isIntegralNumber()) {
            throw new TrainingCheckpointException(where + "field '" + field + "' must be an integer, got " + v);
        }
        return v.asLong();
    }
}
