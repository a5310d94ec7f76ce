package io.hrnet4j.zoo.bench;

/**
 * A benchmark cannot run or its result cannot be trusted: a peer process failed or answered nonsense, PyTorch is
 * missing and cannot be installed, or the PyTorch peer does not reproduce the oracle network. The message is one
 * or two lines naming the process, file or figure at fault.
 */
public class BenchmarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and where */
    public BenchmarkException(String message) {
        super(message);
    }

    /** @param message what failed and where @param cause the underlying error */
    public BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
