package io.hrnet4j.data.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way this project writes an output file: the content goes to a temporary file in the target's own folder,
 * is flushed to the device, optionally validated, and only then renamed over the target ({@code ATOMIC_MOVE} where
 * the file system supports it). A crash, a full disk, an exception in the writer or a failed validation at any
 * moment leaves either the old file or the new complete one, never a partial file and never a good file replaced by
 * a bad one; the temporary file is deleted on failure.
 *
 * <p>{@link #checkWritable(Path)} is the companion that commands call <em>before</em> any long work, so an unwritable
 * output location is reported in one line at once rather than after the work.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the content of a file given its (temporary) path. */
    @FunctionalInterface
    public interface PathWriter {
        /**
         * @param tmp the temporary file to write (exists, empty); its name ends in {@code .tmp}
         * @throws IOException on a write error
         */
        void write(Path tmp) throws IOException;
    }

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * @param out the stream of the temporary file (closed by the caller)
         * @throws IOException on a write error
         */
        void write(OutputStream out) throws IOException;
    }

    /** Checks a finished temporary file before it replaces the target. */
    @FunctionalInterface
    public interface Validator {
        /**
         * @param tmp the complete temporary file
         * @throws IOException (or a runtime exception) when the content must not replace the target; the message is
         *                     passed on unchanged
         */
        void validate(Path tmp) throws IOException;
    }

    /**
     * Writes {@code target} atomically through a writer that fills a temporary path.
     *
     * @param target the file to create or replace; its parent folder is created when missing
     * @param writer fills the temporary file
     * @param validator checked on the complete temporary file before the rename, or null
     * @throws IOException when the folder cannot be written, the writer or the validator fails (the target is then
     *                     unchanged)
     */
    public static void write(Path target, PathWriter writer, Validator validator) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IOException(abs + ": is a folder, expected a file to write");
        }
        Path dir = abs.getParent();
        createFolder(dir);
        Path tmp = createTemp(dir, abs.getFileName().toString(), ".tmp");
        try {
            writer.write(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (validator != null) {
                validator.validate(tmp);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncFolder(dir);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Writes {@code target} atomically through a stream writer.
     *
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws IOException as {@link #write(Path, PathWriter, Validator)}
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        write(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
        }, null);
    }

    /**
     * @param target the file to create or replace
     * @param bytes its complete content
     * @throws IOException as {@link #write(Path, PathWriter, Validator)}
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * @param target the file to create or replace
     * @param text its complete content, written as UTF-8
     * @throws IOException as {@link #write(Path, PathWriter, Validator)}
     */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks, before any long work, that {@code target} can be written later: it is not a folder, its folder exists
     * or can be created, and a file can really be created there (a probe file is created and deleted, which also
     * catches read-only mounts and pseudo file systems such as {@code /proc}).
     *
     * @param target the output file a command will write
     * @throws IOException one line naming the path and the reason
     */
    public static void checkWritable(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IOException(abs + ": is a folder, expected a file to write");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new IOException(abs + ": exists and is not writable");
        }
        Path dir = abs.getParent();
        createFolder(dir);
        Files.delete(createTemp(dir, abs.getFileName().toString(), ".probe"));
    }

    /**
     * Checks, before any long work, that {@code folder} exists or can be created and that files can be created in it.
     *
     * @param folder an output folder
     * @throws IOException one line naming the folder and the reason
     */
    public static void checkWritableFolder(Path folder) throws IOException {
        Path abs = folder.toAbsolutePath().normalize();
        createFolder(abs);
        Files.delete(createTemp(abs, "hrnet4j", ".probe"));
    }

    /**
     * Creates an empty hidden file {@code .NAME.<random>SUFFIX} in {@code dir} with the default permissions of a new
     * file (as {@code Files.createFile}: {@code 0666} less the umask), not the owner-only mode of
     * {@code Files.createTempFile}, so the renamed output has the permissions any other written file would have.
     */
    private static Path createTemp(Path dir, String name, String suffix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            } catch (IOException e) {
                throw new IOException(dir + ": cannot write here (" + reason(e) + ")", e);
            }
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static void createFolder(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new IOException(dir + ": is not a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException(dir + ": cannot create the folder (" + reason(e) + ")", e);
        }
    }

    /** Flushes the folder entry of the rename where the platform allows it (POSIX); ignored elsewhere. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can open a folder; the rename itself is atomic
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such folder";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
