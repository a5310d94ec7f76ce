package io.hrnet4j.search;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A linear learning-rate warm-up in front of another schedule: at iteration {@code i < warmupIterations} the value
 * is {@code (i + 1) / warmupIterations * base.valueAt(i, epoch)}, afterwards {@code base.valueAt(i, epoch)} (the
 * ramp of ND4J's {@code RampSchedule}, Goyal et al. 2017 "gradual warmup"). Unlike {@code RampSchedule} it
 * round-trips through DL4J's JSON configuration, so checkpoints holding it can be restored.
 */
public final class LinearWarmupSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;
    private final ISchedule base;
    private final int warmupIterations;

    /**
     * @param base the schedule after the warm-up
     * @param warmupIterations warm-up length in iterations, &gt;= 1
     * @throws IllegalArgumentException if the length is below 1
     */
    public LinearWarmupSchedule(@JsonProperty("base") ISchedule base,
                                @JsonProperty("warmupIterations") int warmupIterations) {
        this.base = Objects.requireNonNull(base, "base");
        if (warmupIterations < 1) {
            throw new IllegalArgumentException("warm-up length must be >= 1 iteration, got " + warmupIterations);
        }
        this.warmupIterations = warmupIterations;
    }

    /** @return the schedule after the warm-up */
    @JsonProperty("base")
    public ISchedule getBase() {
        return base;
    }

    /** @return the warm-up length, iterations */
    @JsonProperty("warmupIterations")
    public int getWarmupIterations() {
        return warmupIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double v = base.valueAt(iteration, epoch);
        return iteration < warmupIterations ? v * (iteration + 1) / warmupIterations : v;
    }

    @Override
    public ISchedule clone() {
        return new LinearWarmupSchedule(base.clone(), warmupIterations);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearWarmupSchedule w && w.warmupIterations == warmupIterations && w.base.equals(base);
    }

    @Override
    public int hashCode() {
        return 31 * base.hashCode() + warmupIterations;
    }

    @Override
    public String toString() {
        return "LinearWarmupSchedule(" + warmupIterations + ", " + base + ")";
    }
}
