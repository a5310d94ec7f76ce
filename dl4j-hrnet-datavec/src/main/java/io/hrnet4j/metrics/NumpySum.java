package io.hrnet4j.metrics;

/**
 * NumPy's pairwise summation of a contiguous float64 array ({@code numpy/core/src/umath/loops_utils.h.src},
 * {@code pairwise_sum_DOUBLE}): blocks of up to 128 values are summed with 8 interleaved accumulators, larger
 * arrays are split in halves (rounded to multiples of 8). Using it makes {@code np.sum} and {@code np.mean}
 * results bit-identical to NumPy's for the same inputs.
 */
final class NumpySum {
    private static final int PW_BLOCKSIZE = 128;

    private NumpySum() {
    }

    /** {@code np.sum(a[from:from+n])} of a contiguous array. */
    static double sum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else if (n <= PW_BLOCKSIZE) {
            double r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
            double r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                int o = from + i;
                r0 += a[o];
                r1 += a[o + 1];
                r2 += a[o + 2];
                r3 += a[o + 3];
                r4 += a[o + 4];
                r5 += a[o + 5];
                r6 += a[o + 6];
                r7 += a[o + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return sum(a, from, n2) + sum(a, from + n2, n - n2);
        }
    }

    /** {@code np.sum(a)}: 0 + the pairwise sum, as {@code np.add.reduce} starts from the identity. */
    static double sum(double[] a) {
        return 0.0 + sum(a, 0, a.length);
    }
}
