package io.hrnet4j.data.synthetic;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A synthetic dataset folder cannot be used: it holds other files, or a dataset generated with other parameters,
 * or its marker file is unreadable. The message names the folder and what was found there.
 */
public class SyntheticDatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The folder concerned. */
    private final transient Path folder;

    /**
     * @param folder the dataset folder
     * @param message what is wrong and what to do
     */
    public SyntheticDatasetException(Path folder, String message) {
        super(folder + ": " + message);
        this.folder = folder;
    }

    /**
     * @param folder the dataset folder
     * @param message what is wrong and what to do
     * @param cause the underlying error
     */
    public SyntheticDatasetException(Path folder, String message, Throwable cause) {
        super(folder + ": " + message, cause);
        this.folder = folder;
    }

    /** @return the dataset folder the problem concerns */
    public Path folder() {
        return folder;
    }
}
