package io.hrnet4j.zoo.samediff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * libnd4j's fused {@code batchnorm} op (NCHW, channel axis 1) with a derivative that works in a SameDiff graph:
 * {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}, {@code x [N, C, H, W]}, {@code mean, var, gamma, beta [C]}.
 * Forward and backward are one native op each ({@code batchnorm} / {@code batchnorm_bp}, oneDNN where the natives
 * have it), instead of the ~9 forward and ~20 backward elementwise ops of a composed batch norm.
 *
 * <p>Why not ND4J's own {@code BatchNorm} class: in 1.0.0-M2.1 its derivative cannot be built.
 * {@code SameDiff.createGradFunction} clones every op through FlatBuffers ({@code FlatBuffersMapper.cloneViaSerialize}),
 * which loses {@code BatchNorm.jaxis} ("Invalid axis argument: axis must be specified"), and
 * {@code BatchNormDerivative} declares one output data type for an op with 3 to 5 outputs. This class keeps its whole
 * configuration in the op's integer / floating arguments (which survive the clone) and declares every output. So that
 * the clone is an instance of this class (not of ND4J's), {@link #register()} maps the {@code batchnorm} and
 * {@code batchnorm_bp} op hashes to these classes in ND4J's op registry ({@code DifferentialFunctionClassHolder});
 * both classes implement the ops in general (any axis, optional gamma / beta), so other graphs in the JVM that
 * contain these ops are executed as before.
 *
 * <p>Semantics of the derivative (libnd4j {@code batchnorm_bp}, {@code ops/declarable/generic/nn/batchnorm.cpp}):
 * {@code dL/dx} is the full derivative for batch statistics, i.e. it already contains the paths through
 * {@code mean = E[x]} and {@code var = E[(x - mean)^2]}; {@code dL/dmean} and {@code dL/dvar} are returned as zeros.
 * Feed it the batch statistics of {@code x} (e.g. {@code moments}) for training, or constants (running statistics)
 * for inference, where {@code dL/dx} must not be used.
 */
public class FusedBatchNorm extends RegisteredCustomOp {
    /** libnd4j op name of the forward op. */
    public static final String OP = "batchnorm";
    /** libnd4j op name of the backward op. */
    public static final String OP_BP = "batchnorm_bp";

    private static volatile boolean registered;

    /** For ND4J's op registry and deserialisation (arguments come from the serialised op). */
    public FusedBatchNorm() {
    }

    /**
     * @param sd the graph
     * @param x input {@code [N, C, H, W]}
     * @param mean {@code [C]}
     * @param variance {@code [C]} (biased, as used for normalisation)
     * @param gamma {@code [C]}
     * @param beta {@code [C]}
     * @param epsilon added to the variance
     */
    public FusedBatchNorm(SameDiff sd, SDVariable x, SDVariable mean, SDVariable variance, SDVariable gamma,
                          SDVariable beta, double epsilon) {
        super(sd, new SDVariable[] {x, mean, variance, gamma, beta});
        register();
        addIArgument(1, 1, 1);      // apply gamma, apply beta, channel axis 1 (NCHW)
        addTArgument(epsilon);
    }

    /**
     * Adds the op to a graph.
     *
     * @param sd the graph
     * @param name name of the output {@code [N, C, H, W]}
     * @param x input {@code [N, C, H, W]}
     * @param mean {@code [C]}
     * @param variance {@code [C]}
     * @param gamma {@code [C]}
     * @param beta {@code [C]}
     * @param epsilon added to the variance
     * @return the normalised output
     */
    public static SDVariable apply(SameDiff sd, String name, SDVariable x, SDVariable mean, SDVariable variance,
                                   SDVariable gamma, SDVariable beta, double epsilon) {
        return named(new FusedBatchNorm(sd, x, mean, variance, gamma, beta, epsilon).outputVariable(), name);
    }

    @Override
    public String opName() {
        return OP;
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable[] in = args();
        SDVariable[] bpIn = Arrays.copyOf(in, in.length + 1);
        bpIn[in.length] = grads.get(0);
        Backprop bp = new Backprop(sameDiff, bpIn, iArguments, tArguments);
        // outputs in the order of the forward inputs: dL/dx, dL/dmean, dL/dvar [, dL/dgamma] [, dL/dbeta]
        return new ArrayList<>(Arrays.asList(bp.outputVariables()));
    }

    /**
     * Maps the {@code batchnorm} / {@code batchnorm_bp} op hashes to {@link FusedBatchNorm} / {@link Backprop} in
     * ND4J's op registry, once per JVM (see the class comment). Called by the constructors.
     *
     * @throws IllegalStateException if this ND4J version's registry does not have the expected structure
     */
    public static void register() {
        if (registered) {
            return;
        }
        synchronized (FusedBatchNorm.class) {
            if (registered) {
                return;
            }
            registerCustomOp(new FusedBatchNorm().opHash(), OP, FusedBatchNorm.class);
            registerCustomOp(new Backprop().opHash(), OP_BP, Backprop.class);
            registered = true;
        }
    }

    /**
     * libnd4j's {@code batchnorm_bp}: inputs {@code x, mean, variance [, gamma] [, beta], dL/dy}; outputs
     * {@code dL/dx, dL/dmean, dL/dvariance [, dL/dgamma] [, dL/dbeta]}, same arguments as the forward op.
     */
    public static class Backprop extends RegisteredCustomOp {
        /** For ND4J's op registry and deserialisation. */
        public Backprop() {
        }

        Backprop(SameDiff sd, SDVariable[] inputs, List<Long> iArgs, List<Double> tArgs) {
            super(sd, inputs);
            iArguments.addAll(iArgs);
            tArguments.addAll(tArgs);
        }

        @Override
        public String opName() {
            return OP_BP;
        }

        @Override
        public int getNumOutputs() {
            int n = 3;
            if (iArguments.size() > 0 && iArguments.get(0) != 0) {
                n++;
            }
            if (iArguments.size() > 1 && iArguments.get(1) != 0) {
                n++;
            }
            return n;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> dataTypes) {
            return Collections.nCopies(getNumOutputs(), dataTypes.get(0));
        }
    }
}
