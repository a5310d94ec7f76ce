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
 */
public final class ShiftedSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;
    private final ISchedule base;
    private final int iterationOffset;
    private final int epochOffset;

    /**
     * @param base the run's schedule
     * @param iterationOffset updates done before the workers' first iteration
     * @param epochOffset the epoch being trained
     */
    public ShiftedSchedule(@JsonProperty("base") ISchedule base, @JsonProperty("iterationOffset") int iterationOffset,
                           @JsonProperty("epochOffset") int epochOffset) {
        this.base = Objects.requireNonNull(base, "base");
        this.iterationOffset = iterationOffset;
        this.epochOffset = epochOffset;
    }

    /** @return the run's schedule */
    public ISchedule getBase() {
        return base;
    }

    /** @return updates done before the workers' first iteration */
    public int getIterationOffset() {
        return iterationOffset;
    }

    /** @return the epoch being trained */
    public int getEpochOffset() {
        return epochOffset;
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
    public boolean equals(Object o) {
        return o instanceof ShiftedSchedule s && s.base.equals(base) && s.iterationOffset == iterationOffset
                && s.epochOffset == epochOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, iterationOffset, epochOffset);
    }

    @Override
    public String toString() {
        return "ShiftedSchedule(" + base + ", +" + iterationOffset + " iterations, +" + epochOffset + " epochs)";
    }
}
