package io.hrnet4j.zoo.train;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A linear learning-rate warm-up in front of another schedule: for iteration {@code i < warmupIterations} the value
 * is {@code after.valueAt(i, epoch) * (i + 1) / warmupIterations}, afterwards {@code after.valueAt(i, epoch)}. The
 * official HRNet recipe has no warm-up ({@code warmupIterations = 0} makes this the identity); it is offered as an
 * option (a common addition, e.g. mmpose's 500-iteration linear warm-up for its HRNet configs).
 */
public class WarmupSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    private final int warmupIterations;
    private final ISchedule after;

    /**
     * @param warmupIterations iterations of the linear ramp, &gt;= 0
     * @param after the schedule the ramp leads into (e.g. a {@link org.nd4j.linalg.schedule.MapSchedule} by epoch)
     * @throws IllegalArgumentException if {@code warmupIterations < 0}
     */
    public WarmupSchedule(@JsonProperty("warmupIterations") int warmupIterations,
                          @JsonProperty("after") ISchedule after) {
        TrainingRecipe.require(warmupIterations >= 0, "warm-up iterations must be >= 0, got " + warmupIterations);
        this.warmupIterations = warmupIterations;
        this.after = Objects.requireNonNull(after, "after");
    }

    /** @return the length of the ramp, iterations */
    public int getWarmupIterations() {
        return warmupIterations;
    }

    /** @return the schedule after the ramp */
    public ISchedule getAfter() {
        return after;
    }

    /**
     * @param iteration 0-based iteration count
     * @param epoch 0-based epoch count
     * @return the learning rate
     */
    @Override
    public double valueAt(int iteration, int epoch) {
        double v = after.valueAt(iteration, epoch);
        return iteration < warmupIterations ? v * (iteration + 1) / warmupIterations : v;
    }

    @Override
    public ISchedule clone() {
        return new WarmupSchedule(warmupIterations, after.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupSchedule w && w.warmupIterations == warmupIterations && w.after.equals(after);
    }

    @Override
    public int hashCode() {
        return 31 * warmupIterations + after.hashCode();
    }

    @Override
    public String toString() {
        return "WarmupSchedule(" + warmupIterations + ", " + after + ")";
    }
}
