package io.hrnet4j.zoo.weights;

import io.hrnet4j.data.io.HrnetException;
import java.io.IOException;
import java.util.Objects;

/**
 * A bad or foreign weights file, for one of three {@link Reason reasons}:
 * <ul>
 *   <li>{@link Reason#MALFORMED}: not a readable checkpoint: a truncated or corrupt zip archive, a foreign file (an
 *       image, a text file), a pickle that refers to a global outside the allow-list of a PyTorch state dict, a
 *       storage record that is missing or too short, or a file without any state dict in it, e.g.
 *       {@code "/tmp/w.pth: missing storage record 'w/data/7' needed by tensor 'conv1.weight'"};</li>
 *   <li>{@link Reason#CHECKSUM}: its SHA-256 differs from the expected one ({@link #expectedSha256()},
 *       {@link #actualSha256()}). A download has already been deleted then (it never reaches the cache); a local
 *       file given by the user is left in place;</li>
 *   <li>{@link Reason#NON_FINITE}: it holds NaN or infinite values, detected when the file is loaded, before any
 *       network is built, so that it can never produce NaN heatmaps silently ({@link #key()} is the first bad key in
 *       file order), e.g. {@code "/w/x.pth: weight 'stage2.0.fuse_layers.0.1.0.weight' [32, 64, 1, 1] holds 3 NaN
 *       and 0 infinite values (1 other key is also non-finite)"}.</li>
 * </ul>
 * The message always names the file (or URL) and what is wrong. One of the project's typed exceptions
 * ({@link HrnetException}); a file that is a valid state dict of another network is a {@link WeightMismatchException}.
 */
public class CheckpointFormatException extends IOException implements HrnetException {
    private static final long serialVersionUID = 1L;

    /** Why the file cannot be used. */
    public enum Reason {
        /** Not a readable checkpoint (corrupt, truncated, foreign, or without a state dict). */
        MALFORMED,
        /** The SHA-256 differs from the expected one. */
        CHECKSUM,
        /** A weight holds NaN or an infinite value. */
        NON_FINITE
    }

    private final Reason reason;
    private final String key;
    private final String expectedSha256;
    private final String actualSha256;

    /** @param message names the file and the problem ({@link Reason#MALFORMED}) */
    public CheckpointFormatException(String message) {
        this(message, null);
    }

    /**
     * @param message names the file and the problem ({@link Reason#MALFORMED})
     * @param cause the underlying failure (zip, pickle or I/O error), may be null
     */
    public CheckpointFormatException(String message, Throwable cause) {
        this(Reason.MALFORMED, message, cause, null, null, null);
    }

    private CheckpointFormatException(Reason reason, String message, Throwable cause, String key,
                                      String expectedSha256, String actualSha256) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.key = key;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    /**
     * @param message names the file or URL and both checksums
     * @param expected the expected SHA-256, lower-case hex (64 digits, or the published prefix of 8 or more)
     * @param actual the SHA-256 of the bytes received, lower-case hex (64 digits)
     * @return a {@link Reason#CHECKSUM} exception
     */
    public static CheckpointFormatException checksum(String message, String expected, String actual) {
        return new CheckpointFormatException(Reason.CHECKSUM, message, null, null, expected, actual);
    }

    /**
     * @param message names the file and the key (see the class comment)
     * @param key the first non-finite key, in file order
     * @return a {@link Reason#NON_FINITE} exception
     */
    public static CheckpointFormatException nonFinite(String message, String key) {
        return new CheckpointFormatException(Reason.NON_FINITE, message, null, key, null, null);
    }

    /** @return why the file cannot be used */
    public Reason reason() {
        return reason;
    }

    /** @return {@link Reason#NON_FINITE}: the first key, in file order, holding NaN or infinity; otherwise null */
    public String key() {
        return key;
    }

    /** @return {@link Reason#CHECKSUM}: the expected SHA-256 (hex, or its published prefix); otherwise null */
    public String expectedSha256() {
        return expectedSha256;
    }

    /** @return {@link Reason#CHECKSUM}: the SHA-256 of the data actually received (64 hex digits); otherwise null */
    public String actualSha256() {
        return actualSha256;
    }
}
