package io.hrnet4j.zoo.samediff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleConsumer;
import java.util.function.ToDoubleFunction;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Records the training loss of every {@code SameDiff.fit} iteration. In M2.1 the training session executes only
 * what the gradients need: for {@code loss = 0.5 * mean(d^2)} the loss op itself never runs (its gradient is a
 * constant), and {@code History} / {@code Loss} report 0. This listener therefore observes an activation that the
 * gradient does need (the weighted difference {@code d}) and reduces it to the loss value.
 */
public class LossRecorder extends BaseListener {
    private final String varName;
    private final ToDoubleFunction<INDArray> reduce;
    private final List<Double> losses = new ArrayList<>();
    private final DoubleConsumer onIteration;

    /**
     * @param varName the observed activation (computed during training)
     * @param reduce its reduction to the loss value
     * @param onIteration called with each iteration's loss (may be null)
     */
    public LossRecorder(String varName, ToDoubleFunction<INDArray> reduce, DoubleConsumer onIteration) {
        this.varName = varName;
        this.reduce = reduce;
        this.onIteration = onIteration;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void activationAvailable(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName,
                                    INDArray activation) {
        if (this.varName.equals(varName)) {
            double v = reduce.applyAsDouble(activation);
            losses.add(v);
            if (onIteration != null) {
                onIteration.accept(v);
            }
        }
    }

    /** @return the losses recorded so far, one per iteration */
    public List<Double> losses() {
        return Collections.unmodifiableList(losses);
    }
}
