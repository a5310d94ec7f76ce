package io.hrnet4j.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.zoo.train.WarmupSchedule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

class MapScheduleSpaceTest {

    private static MapScheduleSpace space() {
        return new MapScheduleSpace(ScheduleType.EPOCH,
                new ContinuousParameterSpace(new LogUniformDistribution(1e-4, 1e-2)),
                new DiscreteParameterSpace<>(0.1, 0.5),
                new DiscreteParameterSpace<List<Integer>>(List.of(170, 200), List.of(3)));
    }

    @Test
    void gridEnumeratesEveryCombinationWithLogSpacedRates() {
        GridSearchCandidateGenerator gen = new GridSearchCandidateGenerator(space(), 3,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        assertThat(gen.getTotalNumCandidates()).isEqualTo(12);
        Set<String> seen = new HashSet<>();
        List<Double> rates = new ArrayList<>();
        while (gen.hasMoreCandidates()) {
            Candidate c = gen.getCandidate();
            MapSchedule s = (MapSchedule) c.getValue();
            double lr = s.valueAt(0, 0);
            rates.add(lr);
            seen.add(s.getValues().toString());
            // the first drop multiplies by the factor exactly once
            int first = s.getAllKeysSorted()[1];
            double f = s.valueAt(0, first) / lr;
            assertThat(f).satisfiesAnyOf(v -> assertThat(v).isCloseTo(0.1, within(1e-12)),
                    v -> assertThat(v).isCloseTo(0.5, within(1e-12)));
            if (s.getAllKeysSorted().length == 3) {
                assertThat(s.valueAt(0, 200)).isCloseTo(lr * f * f, within(1e-15));
                assertThat(s.valueAt(0, 199)).isCloseTo(lr * f, within(1e-15));
            }
        }
        assertThat(seen).hasSize(12);
        // log-uniform grid of 3: 1e-4, 1e-3, 1e-2
        assertThat(rates.stream().distinct().sorted().toList()).hasSize(3);
        assertThat(rates.stream().mapToDouble(Double::doubleValue).min().orElseThrow()).isCloseTo(1e-4,
                within(1e-12));
        assertThat(rates.stream().mapToDouble(Double::doubleValue).sorted().toArray()[5]).isCloseTo(1e-3,
                within(1e-10));
        assertThat(rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow()).isCloseTo(1e-2,
                within(1e-10));
    }

    @Test
    void randomDrawsStayInRangeAndRepeatUnderASeed() {
        List<String> first = draw(7);
        assertThat(draw(7)).isEqualTo(first);
        assertThat(draw(8)).isNotEqualTo(first);
        RandomSearchGenerator gen = new RandomSearchGenerator(space(), null);
        gen.setRngSeed(3);
        for (int i = 0; i < 50; i++) {
            ISchedule s = (ISchedule) gen.getCandidate().getValue();
            assertThat(s.valueAt(0, 0)).isBetween(1e-4, 1e-2);
            assertThat(s).isInstanceOf(MapSchedule.class);
        }
    }

    private static List<String> draw(long seed) {
        RandomSearchGenerator gen = new RandomSearchGenerator(space(), null);
        gen.setRngSeed(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(((MapSchedule) gen.getCandidate().getValue()).getValues().toString());
        }
        return out;
    }

    @Test
    void invalidDropsAndFactorsAreRefused() {
        assertThatThrownBy(() -> MapScheduleSpace.schedule(ScheduleType.EPOCH, 1e-3, 0.1, List.of(5, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> MapScheduleSpace.schedule(ScheduleType.EPOCH, 1e-3, 1.5, List.of(5)))
                .hasMessage("drop factor must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> MapScheduleSpace.schedule(ScheduleType.EPOCH, Double.NaN, 0.1, List.of(5)))
                .hasMessage("learning rate must be positive and finite, got NaN");
    }

    @Test
    void warmupRampsLinearlyThenFollowsTheSchedule() {
        MapSchedule s = MapScheduleSpace.schedule(ScheduleType.EPOCH, 1e-3, 0.1, List.of(2));
        WarmupSchedule w = new WarmupSchedule(4, s);
        assertThat(w.valueAt(0, 0)).isCloseTo(2.5e-4, within(1e-15));
        assertThat(w.valueAt(3, 0)).isCloseTo(1e-3, within(1e-15));
        assertThat(w.valueAt(10, 2)).isCloseTo(1e-4, within(1e-15));
    }
}
