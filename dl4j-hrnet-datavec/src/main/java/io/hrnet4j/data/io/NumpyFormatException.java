package io.hrnet4j.data.io;

import java.io.IOException;

/** A NumPy file that is malformed, truncated or of an unsupported kind; the message names the file and the problem. */
public class NumpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the file (or archive entry) and what is wrong */
    public NumpyFormatException(String message) {
        super(message);
    }

    /**
     * @param message names the file (or archive entry) and what is wrong
     * @param cause the underlying failure
     */
    public NumpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
