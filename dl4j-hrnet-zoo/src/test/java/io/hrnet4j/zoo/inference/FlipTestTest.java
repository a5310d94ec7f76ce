package io.hrnet4j.zoo.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The reference flip_back + SHIFT_HEATMAP + average, checked element by element on a [1, 3, 2, 4] tensor. */
class FlipTestTest {
    // value = 100*k + 10*y + x
    private static INDArray ramp() {
        float[] v = new float[3 * 2 * 4];
        for (int k = 0; k < 3; k++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 4; x++) {
                    v[(k * 2 + y) * 4 + x] = 100 * k + 10 * y + x;
                }
            }
        }
        return Nd4j.create(v, new long[] {1, 3, 2, 4}, 'c');
    }

    @Test
    void flipBackMirrorsAndSwapsPairs() {
        INDArray out = FlipTest.flipBack(ramp(), new int[][] {{1, 2}});
        // channel 0 mirrored: x -> 3 - x
        assertThat(out.getDouble(0, 0, 1, 0)).isEqualTo(13.0);
        assertThat(out.getDouble(0, 0, 0, 3)).isEqualTo(0.0);
        // channel 1 takes mirrored channel 2 and vice versa
        assertThat(out.getDouble(0, 1, 0, 0)).isEqualTo(203.0);
        assertThat(out.getDouble(0, 2, 1, 1)).isEqualTo(112.0);
    }

    @Test
    void shiftMovesColumnsRightAndKeepsColumnZero() {
        INDArray out = FlipTest.shiftRight(ramp());
        assertThat(out.getDouble(0, 1, 1, 0)).isEqualTo(110.0);
        assertThat(out.getDouble(0, 1, 1, 1)).isEqualTo(110.0);
        assertThat(out.getDouble(0, 1, 1, 3)).isEqualTo(112.0);
    }

    @Test
    void combineAveragesWithTheShiftedFlippedBackHeatmaps() {
        INDArray normal = Nd4j.ones(DataType.FLOAT, 1, 3, 2, 4);
        INDArray out = FlipTest.combine(normal, ramp(), new int[][] {{1, 2}}, true);
        // flipped back ch1 row0 = [203, 202, 201, 200]; shifted = [203, 203, 202, 201]; (1 + v) / 2
        assertThat(out.getDouble(0, 1, 0, 0)).isEqualTo(102.0);
        assertThat(out.getDouble(0, 1, 0, 1)).isEqualTo(102.0);
        assertThat(out.getDouble(0, 1, 0, 3)).isEqualTo(101.0);
        INDArray noShift = FlipTest.combine(normal, ramp(), new int[][] {{1, 2}}, false);
        assertThat(noShift.getDouble(0, 1, 0, 1)).isEqualTo(101.5);
        assertThatThrownBy(() -> FlipTest.flipBack(ramp(), new int[][] {{1, 3}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the 3 joints");
        assertThat(io.hrnet4j.data.keypoints.KeypointSchema.COCO.flipPairs()).hasDimensions(8, 2);
    }
}
