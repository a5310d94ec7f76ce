package io.hrnet4j.data.io;

/**
 * A NumPy file ({@code .npy}, or an entry of a {@code .npz}) that is malformed, truncated or of an unsupported kind:
 * the {@link DataFormatException} of NumPy files. The message is {@code "source: problem"}, where the source is the
 * file or {@code archive.npz!entry.npy}.
 */
public class NumpyFormatException extends DataFormatException {
    private static final long serialVersionUID = 1L;

    /**
     * @param source the file, or {@code archive.npz!entry.npy}
     * @param problem what is wrong, e.g. {@code "truncated .npy data"}
     */
    public NumpyFormatException(String source, String problem) {
        super(source, "-", "-", problem, null);
    }

    /**
     * @param source the file, or {@code archive.npz!entry.npy}
     * @param problem what is wrong
     * @param cause the underlying failure
     */
    public NumpyFormatException(String source, String problem, Throwable cause) {
        super(source, "-", "-", problem, cause);
    }
}
