package io.hrnet4j.zoo.weights;

import java.io.IOException;

/**
 * A weights file that is not a readable checkpoint: a truncated or corrupt zip archive, a foreign file (an image, a
 * text file), a pickle that refers to a global outside the allow-list of a PyTorch state dict, a storage record that
 * is missing or too short, or a file without any state dict in it. The message always names the file and what is
 * wrong, e.g. {@code "/tmp/w.pth: missing storage record 'w/data/7' needed by tensor 'conv1.weight'"}.
 */
public class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the file and the problem */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /**
     * @param message names the file and the problem
     * @param cause the underlying failure (zip, pickle or I/O error)
     */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
