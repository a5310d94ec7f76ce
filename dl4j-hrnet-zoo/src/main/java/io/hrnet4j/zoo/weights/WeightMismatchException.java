package io.hrnet4j.zoo.weights;

import io.hrnet4j.data.io.HrnetException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A state dict that does not fit the network it is meant for: thrown by {@link StateDict#checkAgainst(Map)} before
 * anything is assigned, so a network is never partly loaded. The message is a short summary (counts, the first
 * five keys of each kind, and which known preset the file's shapes belong to); the accessors hold every key, e.g.
 * <pre>
 * state dict does not match the network: 1 missing, 0 unexpected, 1 mis-shaped
 *   missing: final_layer.bias [17]
 *   mis-shaped: final_layer.weight: network [17, 32, 1, 1], file [16, 32, 1, 1]
 *   the file's shapes match no known preset; they look like HRNet-W32, 16 joints
 * </pre>
 */
public class WeightMismatchException extends IOException implements HrnetException {
    private static final long serialVersionUID = 1L;

    /** One key whose shape in the file differs from the shape the network expects. */
    public static final class ShapeMismatch implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final String key;
        private final long[] expected;
        private final long[] actual;

        /**
         * @param key the state-dict key
         * @param expected the shape the network expects
         * @param actual the shape found in the file
         */
        public ShapeMismatch(String key, long[] expected, long[] actual) {
            this.key = key;
            this.expected = expected.clone();
            this.actual = actual.clone();
        }

        /** @return the state-dict key */
        public String key() {
            return key;
        }

        /** @return the shape the network expects (a copy) */
        public long[] expected() {
            return expected.clone();
        }

        /** @return the shape found in the file (a copy) */
        public long[] actual() {
            return actual.clone();
        }

        @Override
        public String toString() {
            return key + ": network " + Arrays.toString(expected) + ", file " + Arrays.toString(actual);
        }
    }

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<ShapeMismatch> mismatched;

    /**
     * @param message the full report (see the class comment)
     * @param missing keys the network expects and the file lacks, in the network's order
     * @param unexpected keys the file has and the network does not expect, in the file's order
     * @param mismatched keys present in both with different shapes, in the network's order
     */
    public WeightMismatchException(String message, List<String> missing, List<String> unexpected,
                                   List<ShapeMismatch> mismatched) {
        super(message);
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    /** @return keys the network expects and the file lacks (unmodifiable) */
    public List<String> missingKeys() {
        return Collections.unmodifiableList(missing);
    }

    /** @return keys the file has that the network does not expect (unmodifiable) */
    public List<String> unexpectedKeys() {
        return Collections.unmodifiableList(unexpected);
    }

    /** @return keys whose shapes differ, with both shapes (unmodifiable) */
    public List<ShapeMismatch> shapeMismatches() {
        return Collections.unmodifiableList(mismatched);
    }
}
