package io.hrnet4j.zoo.weights;

import java.io.IOException;

/**
 * A weights file whose SHA-256 differs from the expected one. For a download the file has already been deleted (it
 * never reaches the cache); a local file given by the user is left in place. The message names the file or URL and
 * both checksums.
 */
public class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String actual;

    /**
     * @param message names the file or URL and both checksums
     * @param expected the expected SHA-256, lower-case hex
     * @param actual the SHA-256 of the bytes received, lower-case hex
     */
    public ChecksumMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the expected SHA-256 (64 lower-case hex digits, or the published prefix of 8 or more) */
    public String expected() {
        return expected;
    }

    /** @return the SHA-256 of the data actually received (64 lower-case hex digits) */
    public String actual() {
        return actual;
    }
}
