package io.hrnet4j.zoo.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds pretrained weights: a local file, or a URL downloaded once into a cache directory and verified by SHA-256.
 * <p>
 * The default cache is DL4J's zoo-model resource folder,
 * {@code DL4JResources.getDirectory(ResourceType.ZOO_MODEL, modelName)} (by default
 * {@code ~/.deeplearning4j/models/<modelName>/}, moved with the system property {@code org.deeplearning4j.resources.directory}),
 * the same place the stock zoo models use. A download goes to a temporary {@code *.part} file in the cache folder while
 * its SHA-256 is computed, is checked against the HTTP {@code Content-Length} and the expected checksum, and only then
 * is renamed atomically to its final name, so the cache never holds a partial or corrupt file. The expected checksum
 * is a full SHA-256 (64 hex digits) or, where only that is published, a prefix of at least 8 hex digits (mmpose's
 * model-zoo file names end in the first 8 digits of the file's SHA-256), which the file's SHA-256 must start with. A cached file whose
 * checksum no longer matches is deleted and downloaded again. Progress is logged (SLF4J, INFO) every 10%.
 * <p>
 * Thread safety: instances are immutable; two processes downloading the same file at once each write their own
 * temporary file and the last atomic rename wins (both are verified).
 */
public final class PretrainedStore {
    private static final Logger log = LoggerFactory.getLogger(PretrainedStore.class);
    /** A full SHA-256 (64 hex digits) or a prefix of at least 8 digits (mmpose model-zoo file names). */
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{8,64}");

    private final Path cacheDir;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;

    /**
     * @param cacheDir the folder downloads are cached in (created when needed)
     */
    public PretrainedStore(Path cacheDir) {
        this(cacheDir, 30_000, 120_000);
    }

    /**
     * @param cacheDir the folder downloads are cached in (created when needed)
     * @param connectTimeoutMs HTTP connect timeout in milliseconds (&gt; 0)
     * @param readTimeoutMs HTTP read timeout in milliseconds (&gt; 0): the longest silence tolerated mid-download
     * @throws IllegalArgumentException if a timeout is not positive
     */
    public PretrainedStore(Path cacheDir, int connectTimeoutMs, int readTimeoutMs) {
        if (connectTimeoutMs <= 0 || readTimeoutMs <= 0) {
            throw new IllegalArgumentException("timeouts must be positive: connect " + connectTimeoutMs + " ms, read "
                    + readTimeoutMs + " ms");
        }
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    /**
     * @param modelName the zoo model name, e.g. {@code hrnet_w32_256x192}
     * @return a store caching under {@code DL4JResources.getDirectory(ResourceType.ZOO_MODEL, modelName)}
     */
    public static PretrainedStore forZooModel(String modelName) {
        return new PretrainedStore(DL4JResources.getDirectory(ResourceType.ZOO_MODEL, modelName).toPath());
    }

    /** @return the cache folder (absolute) */
    public Path cacheDirectory() {
        return cacheDir;
    }

    /**
     * Resolves a weights location to a local, verified file.
     *
     * @param location an {@code http://} or {@code https://} URL (downloaded into the cache, see
     *                 {@link #fetch(URI, String)}), a {@code file:} URI, or a local path
     * @param sha256 the expected SHA-256 (64 hex digits, or a prefix of 8 or more); required for a URL, optional
     *               (null) for a local file
     * @return the path of the verified file
     * @throws NoSuchFileException if a local file does not exist
     * @throws CheckpointFormatException ({@link CheckpointFormatException.Reason#CHECKSUM}) if the file's SHA-256
     *     differs (a local file is left in place)
     * @throws IllegalArgumentException if a URL is given without a valid SHA-256
     * @throws IOException if a file cannot be read or written, or a download fails (HTTP error status, truncated
     *     body, connection error: the message names the URL)
     */
    public Path resolve(String location, String sha256) throws IOException {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return fetch(URI.create(location), sha256);
        }
        Path file = lower.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "pretrained weights file not found");
        }
        if (sha256 != null) {
            String expected = checkSha(sha256);
            String actual = sha256(file);
            if (!actual.startsWith(expected)) {
                throw CheckpointFormatException.checksum(file + ": SHA-256 " + actual
                        + " does not match the expected " + describe(expected), expected, actual);
            }
        }
        return file;
    }

    /**
     * Returns the cached copy of {@code url} when present and intact, else downloads it. The cached file is named
     * after the last segment of the URL path.
     *
     * @param url the {@code http}/{@code https} URL
     * @param sha256 the expected SHA-256, 64 hex digits or a prefix of 8 or more (either case)
     * @return the path of the verified cached file
     * @throws CheckpointFormatException ({@link CheckpointFormatException.Reason#CHECKSUM}) if the downloaded bytes
     *     have another SHA-256 (the download is deleted)
     * @throws IllegalArgumentException if the checksum is missing or not 8 to 64 hex digits, or the URL names no file
     * @throws IOException if the server answers with a status other than 200, the body is shorter than its
     *     {@code Content-Length}, or the transfer fails (the partial file is deleted; the message names the URL), or
     *     the cache folder cannot be written
     */
    public Path fetch(URI url, String sha256) throws IOException {
        String expected = checkSha(sha256);
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(url + ": the URL path names no file to cache");
        }
        Files.createDirectories(cacheDir);
        Path target = cacheDir.resolve(name);
        if (Files.isRegularFile(target)) {
            String actual = sha256(target);
            if (actual.startsWith(expected)) {
                log.info("Using cached pretrained weights {}", target);
                return target;
            }
            log.warn("Cached {} has SHA-256 {}, expected {}: deleting it and downloading again", target, actual,
                    describe(expected));
            Files.delete(target);
        }
        Path part = Files.createTempFile(cacheDir, name + ".", ".part");
        try {
            String actual = download(url, part);
            if (!actual.startsWith(expected)) {
                throw CheckpointFormatException.checksum(url + ": downloaded file has SHA-256 " + actual
                        + ", expected " + describe(expected) + "; the corrupt download was deleted", expected, actual);
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            log.info("Saved pretrained weights {} ({} bytes, SHA-256 verified{})", target, Files.size(target),
                    expected.length() == 64 ? "" : " by its published " + expected.length() + "-digit prefix");
            return target;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Streams the URL into {@code file}; returns the SHA-256 of what was written. */
    private String download(URI url, Path file) throws IOException {
        URLConnection c = url.toURL().openConnection();
        c.setConnectTimeout(connectTimeoutMs);
        c.setReadTimeout(readTimeoutMs);
        long total;
        int status = HttpURLConnection.HTTP_OK;
        String statusText = null;
        try {
            if (c instanceof HttpURLConnection h) {
                h.setInstanceFollowRedirects(true);
                status = h.getResponseCode();
                statusText = h.getResponseMessage();
            }
            total = c.getContentLengthLong();
        } catch (IOException e) {
            throw new IOException(url + ": download failed: " + e, e);
        }
        if (status != HttpURLConnection.HTTP_OK) {
            ((HttpURLConnection) c).disconnect();
            throw new IOException(url + ": HTTP " + status + (statusText == null ? "" : " " + statusText));
        }
        log.info("Downloading {} ({}) to {}", url, total < 0 ? "size unknown" : total + " bytes", cacheDir);
        MessageDigest md = sha256Digest();
        long done = 0;
        int nextTenth = 1;
        try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                done += n;
                if (total > 0 && done * 10 >= nextTenth * total) {
                    log.info("Downloading {}: {}% ({} of {} bytes)", url, 100 * done / total, done, total);
                    nextTenth = (int) (done * 10 / total) + 1;
                }
            }
        } catch (IOException e) {
            throw new IOException(url + ": download interrupted after " + done + " bytes"
                    + (total > 0 ? " of " + total : "") + " (truncated transfer): " + e.getMessage()
                    + "; the partial file was deleted", e);
        }
        if (total >= 0 && done != total) {
            throw new IOException(url + ": truncated download: received " + done + " of " + total
                    + " bytes; the partial file was deleted");
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * @param file any file
     * @return its SHA-256, 64 lower-case hex digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String checkSha(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("expected a SHA-256 checksum of 64 hex digits (or a prefix of at least"
                    + " 8), got " + (sha256 == null ? "null" : "'" + sha256 + "'"));
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    /** @return the checksum, or "a SHA-256 starting with ..." for a prefix */
    private static String describe(String expected) {
        return expected.length() == 64 ? expected : "a SHA-256 starting with " + expected;
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
