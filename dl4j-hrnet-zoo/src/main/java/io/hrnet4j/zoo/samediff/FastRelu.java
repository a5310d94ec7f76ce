package io.hrnet4j.zoo.samediff;

import java.util.Collections;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.scalar.Step;

/**
 * ReLU {@code y = x > t ? x : 0} (threshold t, 0 for the network's ReLUs) as libnd4j's custom op {@code relu}
 * ({@code ops/declarable/generic/activations/relu.cpp}: the same scalar RELU kernel as ND4J's legacy
 * {@code RectifiedLinear}), with a fast derivative: {@code dL/dx = dL/dy * step(x - t)}, two vectorised legacy ops
 * (the scalar {@code step} and the pairwise multiply). ND4J's derivative of {@code relu},
 * {@code thresholdedrelu_bp}, runs a per-element lambda in M2.1 and took 9% of a W32 training step (12 ms per call at
 * batch 8 on one thread against 0.5 ms for the forward op). The values are the same: {@code dL/dy} where
 * {@code x > t}, zero elsewhere (a zero of the sign of {@code dL/dy}).
 *
 * <p>The gradient-graph clone of M2.1 ({@code FlatBuffersMapper.cloneViaSerialize}) re-creates custom ops from the
 * class registered for their op hash, so {@link #register()} maps the {@code relu} custom-op hash to this class in
 * ND4J's op registry (as {@link FusedBatchNorm#register()} does for batch norm); this class implements the op in
 * general (any threshold), so other graphs of the JVM that contain it run as before.
 */
public class FastRelu extends RegisteredCustomOp {
    /** libnd4j op name. */
    public static final String OP = "relu";

    private static volatile boolean registered;

    /** For ND4J's op registry and deserialisation (the threshold comes from the serialised op). */
    public FastRelu() {
    }

    /**
     * @param sd the graph
     * @param x input (any shape, floating point)
     * @param threshold t
     */
    public FastRelu(SameDiff sd, SDVariable x, double threshold) {
        super(sd, new SDVariable[] {x});
        register();
        addTArgument(threshold);
    }

    /**
     * Adds the op to a graph.
     *
     * @param sd the graph
     * @param name name of the output (same shape as {@code x})
     * @param x input
     * @param threshold t
     * @return {@code max(x, 0)} where {@code x > t}, else 0
     */
    public static SDVariable apply(SameDiff sd, String name, SDVariable x, double threshold) {
        return named(new FastRelu(sd, x, threshold).outputVariable(), name);
    }

    @Override
    public String opName() {
        return OP;
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        double t = tArguments.isEmpty() ? 0.0 : tArguments.get(0);
        SDVariable step = new Step(sameDiff, arg(), t).outputVariable();
        return Collections.singletonList(grads.get(0).mul(step));
    }

    /**
     * Maps the {@code relu} custom-op hash to this class in ND4J's op registry, once per JVM (see the class comment).
     *
     * @throws IllegalStateException if this ND4J version's registry does not have the expected structure
     */
    public static void register() {
        if (registered) {
            return;
        }
        synchronized (FastRelu.class) {
            if (!registered) {
                registerCustomOp(new FastRelu().opHash(), OP, FastRelu.class);
                registered = true;
            }
        }
    }
}
