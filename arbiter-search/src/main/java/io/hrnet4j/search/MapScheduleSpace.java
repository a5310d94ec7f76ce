package io.hrnet4j.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * A space of multi-step learning-rate schedules, the official HRNet {@code MultiStepLR} ({@code TRAIN.LR},
 * {@code TRAIN.LR_STEP = [170, 200]}, {@code TRAIN.LR_FACTOR = 0.1}): a value is an ND4J {@link MapSchedule}
 * {@code {0: lr, d1: lr * f, d2: lr * f^2, ...}} keyed by epoch (or iteration) of the drops. Arbiter 1.0.0-beta7 has
 * step, exponential and other closed-form schedule spaces but none for a list of drop points; this one works with
 * both {@code RandomSearchGenerator} and {@code GridSearchCandidateGenerator}.
 *
 * <p>Sub-spaces: the initial value (e.g. a log-uniform {@code ContinuousParameterSpace}), the drop factor and the
 * drop points ({@code ParameterSpace<List<Integer>>}, typically a {@code DiscreteParameterSpace} of alternatives
 * such as {@code [170, 200]} and {@code [140, 190]}). A {@code FixedValue} sub-space takes no search dimension.
 */
public class MapScheduleSpace extends CompositeSpace<ISchedule> {
    private final ScheduleType scheduleType;
    private final ParameterSpace<Double> initialValue;
    private final ParameterSpace<Double> factor;
    private final ParameterSpace<List<Integer>> drops;

    /**
     * @param scheduleType {@code EPOCH} (drop points in epochs, as the official recipe) or {@code ITERATION}
     * @param initialValue the value before the first drop (the base learning rate)
     * @param factor the multiplier applied at each drop (the official {@code LR_FACTOR}, 0.1), in (0, 1]
     * @param drops the drop points: strictly increasing positive epochs (or iterations)
     * @throws NullPointerException if an argument is null
     */
    public MapScheduleSpace(ScheduleType scheduleType, ParameterSpace<Double> initialValue,
                            ParameterSpace<Double> factor, ParameterSpace<List<Integer>> drops) {
        this.scheduleType = Objects.requireNonNull(scheduleType, "scheduleType");
        this.initialValue = Objects.requireNonNull(initialValue, "initialValue");
        this.factor = Objects.requireNonNull(factor, "factor");
        this.drops = Objects.requireNonNull(drops, "drops");
    }

    /**
     * Builds the schedule of one point of the space.
     *
     * @param parameterValues the candidate's values in [0, 1], indexed as assigned by the generator
     * @return a {@link MapSchedule}: {@code {0: lr}} plus one key per drop
     * @throws IllegalArgumentException if the drawn drops are not strictly increasing positive integers, the factor
     *     is not in (0, 1] or the initial value is not positive and finite
     */
    @Override
    public ISchedule getValue(double[] parameterValues) {
        double lr = initialValue.getValue(parameterValues);
        double f = factor.getValue(parameterValues);
        List<Integer> d = drops.getValue(parameterValues);
        return schedule(scheduleType, lr, f, d);
    }

    /**
     * The multi-step schedule {@code {0: lr, d1: lr f, d2: lr f^2, ...}}.
     *
     * @param type epoch or iteration keys
     * @param lr initial value, &gt; 0
     * @param f factor in (0, 1]
     * @param drops strictly increasing positive drop points (may be empty)
     * @return the schedule
     * @throws IllegalArgumentException on a value out of range
     */
    public static MapSchedule schedule(ScheduleType type, double lr, double f, List<Integer> drops) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        }
        if (!(f > 0 && f <= 1)) {
            throw new IllegalArgumentException("drop factor must be in (0, 1], got " + f);
        }
        Map<Integer, Double> m = new TreeMap<>();
        m.put(0, lr);
        int prev = 0;
        double v = lr;
        for (Integer p : drops) {
            if (p == null || p <= prev) {
                throw new IllegalArgumentException("drop points must be strictly increasing positive integers, got "
                        + drops);
            }
            v *= f;
            m.put(p, v);
            prev = p;
        }
        return new MapSchedule(type, m);
    }

    /** @return the schedule type (keys in epochs or iterations) */
    public ScheduleType scheduleType() {
        return scheduleType;
    }

    @Override
    protected List<ParameterSpace<?>> parts() {
        return List.of(initialValue, factor, drops);
    }

    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> m = new LinkedHashMap<>();
        m.put("initialValue", initialValue);
        m.put("factor", factor);
        m.put("drops", drops);
        return m;
    }

    @Override
    public String toString() {
        return "MapScheduleSpace(" + scheduleType + ", initial=" + initialValue + ", factor=" + factor + ", drops="
                + drops + ")";
    }
}
