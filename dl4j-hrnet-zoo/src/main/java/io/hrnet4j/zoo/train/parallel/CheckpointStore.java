package io.hrnet4j.zoo.train.parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of rolling training checkpoints {@code checkpoint-eEEEE-iIIIIIIIII.zip} (epoch in progress, iterations
 * done), each written atomically by {@link TrainingCheckpoint#write}. The newest {@code keep} are kept; older ones
 * are deleted only after a newer one is safely on disk, and {@link #loadLatest()} falls back to the previous
 * checkpoint when the newest cannot be read, so a run killed at any moment, or a corrupt last file, loses at most
 * the iterations since the last good checkpoint.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("checkpoint-e(\\d+)-i(\\d+)\\.zip");

    private final Path dir;
    private final int keep;

    /**
     * @param dir the checkpoint folder (created if missing)
     * @param keep how many of the newest checkpoints to keep, &gt;= 2 so that a fallback exists
     * @throws IllegalArgumentException if {@code keep < 2}
     * @throws IOException if the folder cannot be created or is not writable
     */
    public CheckpointStore(Path dir, int keep) throws IOException {
        if (keep < 2) {
            throw new IllegalArgumentException("keep must be >= 2 (the fallback needs a previous checkpoint), got "
                    + keep);
        }
        this.dir = dir.toAbsolutePath();
        this.keep = keep;
        Files.createDirectories(this.dir);
        if (!Files.isWritable(this.dir)) {
            throw new IOException("checkpoint folder is not writable: " + this.dir);
        }
    }

    /** @return the checkpoint folder */
    public Path dir() {
        return dir;
    }

    /**
     * @param state a training state
     * @return the file name of its checkpoint, e.g. {@code checkpoint-e0002-i000000016.zip}
     */
    public static String fileName(TrainingState state) {
        return String.format(Locale.ROOT, "checkpoint-e%04d-i%09d.zip", state.epoch(), state.iteration());
    }

    /**
     * Writes a checkpoint and deletes the ones beyond the newest {@code keep}.
     *
     * @param graph the model (parameters and updater state)
     * @param state where the run stands
     * @return the file written
     * @throws IOException if writing fails (nothing already saved is removed then)
     */
    public Path save(ComputationGraph graph, TrainingState state) throws IOException {
        Path f = dir.resolve(fileName(state));
        TrainingCheckpoint.write(graph, state, f);
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
        return f;
    }

    /**
     * @return the checkpoint files, newest first (by iterations done, then epoch)
     * @throws IOException if the folder cannot be listed
     */
    public List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        }
        out.sort(Comparator.comparingLong((Path p) -> key(p, 2)).thenComparingLong(p -> key(p, 1)).reversed());
        return out;
    }

    private static long key(Path p, int group) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("not a checkpoint name: " + p);
        }
        return Long.parseLong(m.group(group));
    }

    /**
     * Loads the newest readable checkpoint; an unreadable one is skipped with a warning naming it and why.
     *
     * @return the newest readable checkpoint, or empty if the folder has none
     * @throws IOException if the folder cannot be listed
     */
    public Optional<TrainingCheckpoint.Restored> loadLatest() throws IOException {
        for (Path p : list()) {
            try {
                return Optional.of(TrainingCheckpoint.read(p));
            } catch (TrainingCheckpointException | NoSuchFileException e) {
                LOG.warn("skipping unreadable checkpoint, falling back to the previous one: {}", e.getMessage());
            }
        }
        return Optional.empty();
    }
}
