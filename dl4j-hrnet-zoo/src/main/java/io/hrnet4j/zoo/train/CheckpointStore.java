package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints in one folder: {@code checkpoint-i<iteration, 9 digits>.zip}, each holding named arrays
 * (ND4J binary format, {@link Nd4j#write(INDArray, java.io.DataOutputStream)}) and the {@link TrainingState} as
 * {@code state.json}.
 *
 * <p>This is the one checkpoint format of every execution backend (single device, ParallelWrapper, Spark): the
 * arrays are those of {@link TrainingBackend#checkpointArrays()}, their layout named by {@link TrainingState#arrays()}.
 *
 * <p>Writes are atomic ({@link AtomicFiles}): the bytes go to a temporary file through the {@link FileSink}, are
 * flushed to the disk ({@code fsync}), and the file is renamed over its final name; only then are checkpoints beyond the
 * last {@code keep} deleted. A failed write (e.g. "No space left on device") deletes its temporary file and leaves
 * every existing checkpoint untouched. {@link #loadLatest()} reads the newest checkpoint and, when it is unreadable
 * (truncated, not a zip, missing entries), logs a warning and falls back to the previous one.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("checkpoint-i(\\d{9})\\.zip");
    private static final String STATE = "state.json";
    private static final String ARRAY_PREFIX = "arrays/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Opens the output stream of a file being written; the default is {@link Files#newOutputStream}. */
    @FunctionalInterface
    public interface FileSink {
        /**
         * @param file the temporary file to create
         * @return a stream writing it
         * @throws IOException if the file cannot be created
         */
        OutputStream open(Path file) throws IOException;
    }

    /**
     * A checkpoint read back.
     *
     * @param file the checkpoint file
     * @param state the trainer state
     * @param arrays the named arrays (insertion order of the file)
     */
    public record Checkpoint(Path file, TrainingState state, Map<String, INDArray> arrays) {
    }

    private final Path dir;
    private final int keep;
    private final FileSink sink;

    /**
     * @param dir the checkpoint folder (created on the first write)
     * @param keep how many checkpoints to keep, &gt;= 1
     * @param sink opens the temporary files (inject one to simulate a full disk)
     * @throws IllegalArgumentException if {@code keep < 1}
     */
    public CheckpointStore(Path dir, int keep, FileSink sink) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        }
        this.dir = dir;
        this.keep = keep;
        this.sink = sink;
    }

    /** @param dir the checkpoint folder @param keep how many to keep @return a store writing plain files */
    public static CheckpointStore of(Path dir, int keep) {
        return new CheckpointStore(dir, keep, Files::newOutputStream);
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** @param iteration iterations done @return the file name of that checkpoint */
    public static String fileName(long iteration) {
        return String.format("checkpoint-i%09d.zip", iteration);
    }

    /**
     * Writes a checkpoint atomically and prunes old ones.
     *
     * @param state the trainer state ({@code state.iteration()} names the file)
     * @param arrays named arrays (model, updater state)
     * @return the checkpoint file
     * @throws IOException if writing fails; the temporary file is deleted and existing checkpoints are unchanged
     */
    public Path write(TrainingState state, Map<String, INDArray> arrays) throws IOException {
        Path target = dir.resolve(fileName(state.iteration()));
        writeAtomically(target, state, arrays, sink);
        prune();
        return target;
    }

    /**
     * Writes one checkpoint-format file atomically (temporary file, fsync, rename), outside the rotation (e.g. the
     * best model).
     *
     * @param target final path
     * @param state the trainer state
     * @param arrays named arrays
     * @param sink opens the temporary file
     * @throws IOException if writing fails; the temporary file is deleted and {@code target} is unchanged
     */
    public static void writeAtomically(Path target, TrainingState state, Map<String, INDArray> arrays, FileSink sink)
            throws IOException {
        byte[] stateJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state.toJson());
        AtomicFiles.write(target, tmp -> {
            try (OutputStream raw = sink.open(tmp);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry(ARRAY_PREFIX + e.getKey()));
                    DataOutputStream out = new DataOutputStream(zip);
                    Nd4j.write(e.getValue(), out);
                    out.flush();
                    zip.closeEntry();
                }
                zip.putNextEntry(new ZipEntry(STATE));
                zip.write(stateJson);
                zip.closeEntry();
            }
        }, null);
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /**
     * @return the checkpoints of the folder, oldest (fewest iterations) first; temporary files are ignored
     * @throws IOException if the folder cannot be listed
     */
    public List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /**
     * Reads the newest readable checkpoint; each unreadable newer one is skipped with a warning naming it and why.
     *
     * @return the checkpoint, or null when the folder holds none
     * @throws TrainingException when checkpoints exist but none is readable (naming each and its error)
     * @throws IOException if the folder cannot be listed
     */
    public Checkpoint loadLatest() throws IOException {
        List<Path> all = list();
        List<String> errors = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                Checkpoint c = read(all.get(i));
                if (!errors.isEmpty()) {
                    LOG.warn("resuming from {} instead", c.file());
                }
                return c;
            } catch (IOException | RuntimeException e) {
                String msg = all.get(i) + ": " + e;
                LOG.warn("checkpoint {} is unreadable ({}); falling back to the previous one", all.get(i), e.toString());
                errors.add(msg);
            }
        }
        if (!errors.isEmpty()) {
            throw new TrainingException("no readable checkpoint in " + dir + ": " + String.join("; ", errors));
        }
        return null;
    }

    /**
     * Reads one checkpoint file completely (every entry's CRC is checked by the zip reader).
     *
     * @param file a checkpoint
     * @return its content
     * @throws IOException if the file is truncated, not a zip, or lacks {@code state.json}
     */
    public static Checkpoint read(Path file) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        TrainingState state = null;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                try (InputStream in = zip.getInputStream(e)) {
                    if (e.getName().equals(STATE)) {
                        try {
                            state = TrainingState.fromJson(JSON.readTree(in.readAllBytes()));
                        } catch (IllegalArgumentException ex) {
                            throw new IOException(file + ": " + STATE + ": " + ex.getMessage(), ex);
                        }
                    } else if (e.getName().startsWith(ARRAY_PREFIX)) {
                        arrays.put(e.getName().substring(ARRAY_PREFIX.length()), Nd4j.read(new DataInputStream(in)));
                    }
                }
            }
        }
        if (state == null) {
            throw new IOException(file + ": no " + STATE + " entry (not a checkpoint, or written incompletely)");
        }
        return new Checkpoint(file, state, arrays);
    }

    /**
     * @param file a file name
     * @return its iteration when it is a checkpoint name, else -1
     */
    static int iterationOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
