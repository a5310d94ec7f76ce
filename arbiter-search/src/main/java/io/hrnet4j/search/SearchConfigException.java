package io.hrnet4j.search;

/** A search space file, a stored candidate or a search setting is invalid; the message names the file and field. */
public class SearchConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file and the field */
    public SearchConfigException(String message) {
        super(message);
    }

    /** @param message what is wrong @param cause the underlying error */
    public SearchConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
