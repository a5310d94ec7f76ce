package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** The identity the int8 / bf16 kernel rows of {@link PrecisionKernels} rely on (no timings asserted). */
class PrecisionKernelsTest {

    private static INDArray run(String op, INDArray x, INDArray w, long outChannels) {
        INDArray z = Nd4j.create(DataType.FLOAT, x.size(0), outChannels, x.size(2), x.size(3));
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x, w).addOutputs(z)
                .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0).build());
        return z;
    }

    @Test
    void strideOneConvolutionEqualsTheTransposedConvolutionWithFlippedSwappedWeights() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 5, 7, 6);
        INDArray w = Nd4j.randn(DataType.FLOAT, 3, 3, 5, 4); // [kH, kW, iC, oC]
        INDArray wt = PrecisionKernels.transposedWeights(w);
        assertThat(wt.shape()).containsExactly(3, 3, 4, 5);
        INDArray conv = run("conv2d", x, w, 4);
        INDArray deconv = run("deconv2d", x, wt, 4);
        assertThat(deconv.shape()).containsExactly(2, 4, 7, 6);
        assertThat(deconv.sub(conv).amaxNumber().doubleValue())
                .isLessThan(1e-5 * conv.amaxNumber().doubleValue());
        // a corner tap: output (0, 0, 0) sums x[., 0..1, 0..1] against w[1..2, 1..2]
        double expected = 0;
        for (int c = 0; c < 5; c++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    expected += x.getDouble(0, c, i, j) * w.getDouble(i + 1, j + 1, c, 0);
                }
            }
        }
        assertThat(deconv.getDouble(0, 0, 0, 0)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void theTransposedConvolutionsInputGradientOfTheInputIsTheConvolution() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 5, 7, 6);
        INDArray w = Nd4j.randn(DataType.FLOAT, 3, 3, 5, 4); // [kH, kW, iC, oC], read by deconv2d as [kH, kW, oC', iC']
        INDArray conv = run("conv2d", x, w, 4);
        INDArray gradI = Nd4j.create(DataType.FLOAT, 2, 4, 7, 6);
        INDArray gradW = Nd4j.create(DataType.FLOAT, 3, 3, 5, 4);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d_bp").addInputs(Nd4j.zeros(DataType.FLOAT, 2, 4, 7, 6), w, x)
                .addOutputs(gradI, gradW).addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0).build());
        assertThat(gradI.sub(conv).amaxNumber().doubleValue()).isLessThan(1e-5 * conv.amaxNumber().doubleValue());
        assertThat(gradW.amaxNumber().doubleValue()).as("zero deconv input: zero weight gradient").isZero();
    }
}
