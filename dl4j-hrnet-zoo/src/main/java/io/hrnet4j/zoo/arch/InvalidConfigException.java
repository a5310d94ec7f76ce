package io.hrnet4j.zoo.arch;

import io.hrnet4j.data.io.HrnetException;

/**
 * A bad configuration: an architecture, experiment file, preset, search space or stored search candidate, or a
 * benchmark setting, that is inconsistent or unsupported. The message names the file (where there is one) and the
 * offending field or setting, never a command-line option. One of the project's typed exceptions
 * ({@link HrnetException}).
 */
public class InvalidConfigException extends IllegalArgumentException implements HrnetException {
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
