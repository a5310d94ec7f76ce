package io.hrnet4j.zoo.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Comparison helpers for oracle vectors. */
final class Oracles {
    private Oracles() {
    }

    /** Asserts equal shapes (up to reshaping of equal length) and max |actual - expected| <= tol. */
    static void assertClose(INDArray actual, INDArray expected, double tol) {
        assertThat(actual.length()).as("length").isEqualTo(expected.length());
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(expected.shape());
        INDArray e = expected.castTo(DataType.DOUBLE);
        double maxAbs = a.sub(e).amaxNumber().doubleValue();
        assertThat(maxAbs).as("max |actual - expected| (expected max |value| %s)", e.amaxNumber()).isLessThanOrEqualTo(tol);
    }
}
