package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class NativeMemoryGuardTest {

    private static final long MIB = 1L << 20;

    /** Feeds the guard a series of resident-set readings (MiB) and returns the indices at which it collected. */
    private static List<Integer> collectionsAt(long headroomMib, long... rssMib) {
        PrimitiveIterator.OfLong it = LongStream.of(rssMib).map(m -> m * MIB).iterator();
        int[] gcs = {0};
        int[] trims = {0};
        NativeMemoryGuard g = new NativeMemoryGuard(headroomMib * MIB, it::nextLong, () -> gcs[0]++,
                () -> trims[0]++);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < rssMib.length; i++) {
            if (g.check()) {
                at.add(i);
            }
        }
        assertThat(g.collections()).isEqualTo(at.size()).isEqualTo(gcs[0]);
        // the freed pages are returned once per collection, at the next check (unless the series ended first)
        long trimmed = at.stream().filter(i -> i < rssMib.length - 1).count();
        assertThat(trims[0]).isEqualTo((int) trimmed);
        return at;
    }

    @Test
    void collectsWhenTheResidentSetGrowsBeyondTheHeadroomAboveTheLastFloor() {
        // floor 2000; 2400 within 512; 2600 beyond -> collect; 2100 is the new floor; 2500 within; 2700 beyond
        assertThat(collectionsAt(512, 2000, 2400, 2600, 2100, 2500, 2700, 2200)).containsExactly(2, 5);
    }

    @Test
    void theReadingAfterACollectionIsTheNewFloorEvenWhenHigher() {
        // a working set that grew for good (e.g. after the first validation) does not collect at every step
        assertThat(collectionsAt(100, 1000, 1200, 1300, 1350, 1420, 1460)).containsExactly(1, 4);
    }

    @Test
    void aDropLowersTheFloor() {
        assertThat(collectionsAt(100, 1000, 500, 650)).containsExactly(2);
    }

    @Test
    void unknownResidentSetNeverCollects() {
        assertThat(collectionsAt(1, -1, -1, -1)).isEmpty();
    }

    @Test
    void headroomMustBePositive() {
        assertThatThrownBy(() -> new NativeMemoryGuard(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headroom must be > 0 bytes, got 0");
    }
}
