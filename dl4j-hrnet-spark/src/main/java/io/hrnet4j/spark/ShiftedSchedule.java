package io.hrnet4j.spark;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning-rate schedule seen from a later point of the run: {@code valueAt(i, e) = base.valueAt(i + iterationOffset,
 * e + epochOffset)}. dl4j-spark 1.0.0-M2 builds each worker's network from {@code ComputationGraphConfiguration
 * .clone()}, which drops the iteration and epoch counts, so every epoch's workers start at (0, 0); handing them the
 * recipe's schedule shifted to the epoch and the updates done makes them apply the rate of the run's position (the
 * multi-step drops by epoch, the warm-up by iteration).
 *
 * @param base the run's schedule
 * @param iterationOffset updates done before the workers' first iteration
 * @param epochOffset the epoch being trained
 */
public record ShiftedSchedule(@JsonProperty("base") ISchedule base,
                              @JsonProperty("iterationOffset") int iterationOffset,
                              @JsonProperty("epochOffset") int epochOffset) implements ISchedule {
    private static final long serialVersionUID = 1L;

    /** @throws NullPointerException when {@code base} is null */
    public ShiftedSchedule {
        Objects.requireNonNull(base, "base");
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return base.valueAt(iteration + iterationOffset, epoch + epochOffset);
    }

    @Override
    public ISchedule clone() {
        return new ShiftedSchedule(base.clone(), iterationOffset, epochOffset);
    }

    @Override
    public String toString() {
        return "ShiftedSchedule(" + base + ", +" + iterationOffset + " iterations, +" + epochOffset + " epochs)";
    }
}
