package io.hrnet4j.zoo.weights;

/**
 * A weights file holding NaN or infinite values, detected when the file is loaded (before any network is built), so
 * that it can never produce NaN heatmaps silently. The message names the file, the first bad key in file order and
 * how many of its elements are NaN or infinite, and how many other keys are affected, e.g.
 * {@code "/w/x.pth: weight 'stage2.0.fuse_layers.0.1.0.weight' [32, 64, 1, 1] holds 3 NaN and 0 infinite values
 * (1 other key is also non-finite)"}.
 */
public class NonFiniteWeightException extends CheckpointFormatException {
    private static final long serialVersionUID = 1L;
    private final String key;

    /**
     * @param message names the file and the key (see the class comment)
     * @param key the first non-finite key, in file order
     */
    public NonFiniteWeightException(String message, String key) {
        super(message);
        this.key = key;
    }

    /** @return the first key, in file order, that holds a NaN or infinite value */
    public String key() {
        return key;
    }
}
