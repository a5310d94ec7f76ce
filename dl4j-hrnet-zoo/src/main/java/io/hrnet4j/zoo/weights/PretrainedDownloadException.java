package io.hrnet4j.zoo.weights;

import java.io.IOException;

/**
 * A pretrained-weights download that failed: an HTTP error status (e.g. 404), a connection failure, or a body shorter
 * than its {@code Content-Length} (truncated). The partial file has already been deleted; the message names the URL
 * and what went wrong, e.g. {@code "http://host/w.pth: HTTP 404 Not Found"}.
 */
public class PretrainedDownloadException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the URL and the failure */
    public PretrainedDownloadException(String message) {
        super(message);
    }

    /**
     * @param message names the URL and the failure
     * @param cause the underlying I/O failure
     */
    public PretrainedDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
