package io.hrnet4j.zoo.arch;

/** An architecture configuration that is inconsistent or unsupported; the message names the offending field. */
public class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message names the field and the problem */
    public InvalidConfigException(String message) {
        super(message);
    }

    /**
     * @param message names the field and the problem
     * @param cause the underlying failure (e.g. a parse error)
     */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
