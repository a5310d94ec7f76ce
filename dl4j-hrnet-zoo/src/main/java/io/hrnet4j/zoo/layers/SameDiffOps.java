package io.hrnet4j.zoo.layers;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Small SameDiff building blocks shared by the custom layers of this package. Every block is built only from ops
 * whose gradients are exact in ND4J 1.0.0-M2.1 (reshape, permute, matmul, strided slice, pad, element-wise
 * arithmetic, ReLU, sigmoid, abs, reductions); no gather/scatter op is used anywhere.
 */
public final class SameDiffOps {
    private SameDiffOps() {
    }

    /**
     * Identity in the forward pass that halves the gradient flowing back through it:
     * {@code y = 0.5 * x + 0.5 * stopGradient(x)}.
     * <p>
     * DL4J 1.0.0-M2.1 fact (measured and pinned by {@code SameDiffGradientFactTest}): a {@code SameDiffLayer}
     * inside a {@code ComputationGraph} returns exactly twice the correct gradient, both for its parameters and for
     * its input. Every DL4J layer of this package therefore ends its {@code defineLayer} with this identity; the
     * static {@code define(...)} subgraphs for a pure SameDiff network do <b>not</b> use it (there the gradient is
     * already correct).
     *
     * @param sd the SameDiff instance
     * @param x  any variable
     * @return a variable equal to {@code x} whose gradient is half the incoming gradient
     */
    public static SDVariable halveGradient(SameDiff sd, SDVariable x) {
        SDVariable stopped = new StopGradient(sd, x).outputVariable();
        return x.mul(0.5).add(stopped.mul(0.5));
    }

    /**
     * 1x1 convolution written as a matrix product (exact, differentiable, no im2col).
     *
     * @param x      input {@code [N, cIn, H, W]} (NCHW)
     * @param weight PyTorch layout {@code [cOut, cIn, 1, 1]}
     * @param bias   {@code [cOut]} or {@code null} for no bias
     * @param cIn    input channels
     * @param cOut   output channels
     * @param h      input height (must be static)
     * @param w      input width (must be static)
     * @return {@code [N, cOut, H, W]}
     */
    public static SDVariable conv1x1(SDVariable x, SDVariable weight, SDVariable bias, long cIn, long cOut, long h,
                                     long w) {
        SDVariable rows = x.permute(0, 2, 3, 1).reshape(-1, cIn);
        SDVariable wt = weight.reshape(cOut, cIn).permute(1, 0);
        SDVariable y = rows.mmul(wt);
        if (bias != null) {
            y = y.add(bias.reshape(1, cOut));
        }
        return y.reshape(-1, h, w, cOut).permute(0, 3, 1, 2);
    }

    /**
     * Global average pooling over the spatial axes.
     *
     * @param x {@code [N, C, H, W]}
     * @return {@code [N, C]}
     */
    public static SDVariable globalAveragePool(SDVariable x) {
        return x.mean(2, 3);
    }

    /**
     * Fully connected layer with PyTorch {@code nn.Linear} weight layout.
     *
     * @param x      {@code [N, in]}
     * @param weight {@code [out, in]}
     * @param bias   {@code [out]}
     * @param out    output width
     * @return {@code x · weightᵀ + bias}, {@code [N, out]}
     */
    public static SDVariable linear(SDVariable x, SDVariable weight, SDVariable bias, long out) {
        return x.mmul(weight.permute(1, 0)).add(bias.reshape(1, out));
    }

    /**
     * {@code min(max(x, lo), hi)} written with ReLUs so that its gradient is exactly 1 strictly inside the range
     * and 0 outside (the convention of PyTorch's {@code grid_sample} coordinate clipping).
     *
     * @param sd the SameDiff instance
     * @param x  any variable
     * @param lo lower bound, broadcastable to {@code x}
     * @param hi upper bound, broadcastable to {@code x}, {@code hi >= lo}
     * @return the clipped variable
     */
    public static SDVariable clip(SameDiff sd, SDVariable x, SDVariable lo, SDVariable hi) {
        SDVariable above = lo.add(sd.nn().relu(x.sub(lo), 0.0));
        return hi.sub(sd.nn().relu(hi.sub(above), 0.0));
    }

    /**
     * A window of {@code x} along one axis, {@code x[..., from:to, ...]} (strided slice; exact gradient).
     *
     * @param x    variable of rank {@code rank}
     * @param rank rank of {@code x}
     * @param axis axis to slice
     * @param from first index (inclusive)
     * @param to   last index (exclusive)
     * @return the slice
     */
    public static SDVariable slice(SDVariable x, int rank, int axis, long from, long to) {
        SDIndex[] idx = new SDIndex[rank];
        for (int i = 0; i < rank; i++) {
            idx[i] = i == axis ? SDIndex.interval(from, to) : SDIndex.all();
        }
        return x.get(idx);
    }
}
