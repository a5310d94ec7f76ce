package io.hrnet4j.zoo.inference;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference flip test ({@code lib/core/function.py validate} with {@code TEST.FLIP_TEST} and
 * {@code TEST.SHIFT_HEATMAP}; {@code flip_back} in {@code lib/utils/transforms.py}): the network also sees the
 * mirrored crop; its heatmaps are mirrored back, the left/right joint channels swapped, shifted right by one cell
 * (column x takes column x-1; column 0 keeps its value) and averaged with the normal heatmaps.
 *
 * <p>All tensors are {@code [N, K, H, W]} NCHW; results are float32. Flip pairs come from the dataset's
 * {@code io.hrnet4j.data.keypoints.KeypointSchema#flipPairs()}.
 */
public final class FlipTest {
    private FlipTest() {
    }

    /**
     * The reference {@code flip_back}: mirror along W, then swap the channels of each pair.
     *
     * @param flipped heatmaps of the mirrored input, {@code [N, K, H, W]}
     * @param flipPairs joint pairs (0-based) to swap
     * @return a new float32 {@code [N, K, H, W]} array
     * @throws IllegalArgumentException if the input is not rank 4 or a pair index is outside {@code [0, K)}
     */
    public static INDArray flipBack(INDArray flipped, int[][] flipPairs) {
        HeatmapDecoder.Hm h = HeatmapDecoder.Hm.of(flipped);
        int[] source = channelMap(h.k, flipPairs);
        float[] out = new float[h.v.length];
        for (int n = 0; n < h.n; n++) {
            for (int k = 0; k < h.k; k++) {
                int src = h.base(n, source[k]);
                int dst = h.base(n, k);
                for (int y = 0; y < h.h; y++) {
                    for (int x = 0; x < h.w; x++) {
                        out[dst + y * h.w + x] = h.v[src + y * h.w + (h.w - 1 - x)];
                    }
                }
            }
        }
        return Nd4j.create(out, new long[] {h.n, h.k, h.h, h.w}, 'c');
    }

    /**
     * The {@code SHIFT_HEATMAP} step: {@code out[..., 1:] = in[..., :-1]}, column 0 unchanged.
     *
     * @param heatmaps {@code [N, K, H, W]}
     * @return a new float32 array
     */
    public static INDArray shiftRight(INDArray heatmaps) {
        HeatmapDecoder.Hm h = HeatmapDecoder.Hm.of(heatmaps);
        float[] out = h.v.clone();
        int rows = h.n * h.k * h.h;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(h.v, r * h.w, out, r * h.w + 1, h.w - 1);
        }
        return Nd4j.create(out, new long[] {h.n, h.k, h.h, h.w}, 'c');
    }

    /**
     * The whole flip test: {@code (normal + shift(flipBack(flipped))) * 0.5} (or without the shift).
     *
     * @param normal heatmaps of the crop, {@code [N, K, H, W]}
     * @param flippedOutput heatmaps of the mirrored crop, same shape
     * @param flipPairs joint pairs to swap
     * @param shiftHeatmap apply the one-cell right shift ({@code TEST.SHIFT_HEATMAP}, true in the official configs)
     * @return the averaged float32 heatmaps
     * @throws IllegalArgumentException if the shapes differ
     */
    public static INDArray combine(INDArray normal, INDArray flippedOutput, int[][] flipPairs, boolean shiftHeatmap) {
        if (!Arrays.equals(normal.shape(), flippedOutput.shape())) {
            throw new IllegalArgumentException("normal and flipped heatmaps differ in shape: "
                    + Arrays.toString(normal.shape()) + " vs " + Arrays.toString(flippedOutput.shape()));
        }
        INDArray back = flipBack(flippedOutput, flipPairs);
        if (shiftHeatmap) {
            back = shiftRight(back);
        }
        return normal.castTo(DataType.FLOAT).add(back).muli(0.5);
    }

    private static int[] channelMap(int k, int[][] pairs) {
        int[] m = new int[k];
        for (int i = 0; i < k; i++) {
            m[i] = i;
        }
        for (int[] p : pairs) {
            if (p.length != 2 || p[0] < 0 || p[1] < 0 || p[0] >= k || p[1] >= k) {
                throw new IllegalArgumentException("flip pair " + Arrays.toString(p) + " is outside the " + k + " joints");
            }
            int t = m[p[0]];
            m[p[0]] = m[p[1]];
            m[p[1]] = t;
        }
        return m;
    }
}
