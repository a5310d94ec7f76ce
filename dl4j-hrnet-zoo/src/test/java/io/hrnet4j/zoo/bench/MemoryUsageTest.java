package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MemoryUsage}: /proc status parsing, the live figures and the JSON round trip. */
class MemoryUsageTest {

    @Test
    void parsesVmRssAndVmHwmInKilobytes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("status");
        Files.writeString(f, "Name:\tjava\nVmPeak:\t 9999 kB\nVmHWM:\t  204800 kB\nVmRSS:\t   102400 kB\n"
                + "Threads:\t3\n");
        assertThat(MemoryUsage.readStatus(f)).containsExactly(100L << 20, 200L << 20);
        Files.writeString(f, "Name:\tjava\nVmRSS:\t12 MB\n");
        assertThat(MemoryUsage.readStatus(f)).containsExactly(-1L, -1L);
        assertThat(MemoryUsage.readStatus(dir.resolve("missing"))).containsExactly(-1L, -1L);
    }

    @Test
    void currentFiguresAreThoseOfThisProcess() {
        MemoryUsage m = MemoryUsage.current();
        assertThat(m.rssBytes()).isGreaterThan(10L << 20);
        assertThat(m.peakRssBytes()).isGreaterThanOrEqualTo(m.rssBytes());
        assertThat(m.offHeapTotalBytes()).isNotNegative();
        assertThat(m.nd4jBytes()).isNotNegative();
        MemoryUsage other = MemoryUsage.ofProcess(ProcessHandle.current().pid());
        assertThat(other.peakRssBytes()).isGreaterThanOrEqualTo(m.peakRssBytes());
        assertThat(other.nd4jBytes()).isEqualTo(-1);
        assertThat(MemoryUsage.ofProcess(Long.MAX_VALUE).peakRssBytes()).isEqualTo(-1);
    }

    @Test
    void peakFollowsANewAllocationAndResetForgetsIt() {
        boolean canReset = MemoryUsage.resetPeak();
        long before = MemoryUsage.current().peakRssBytes();
        // 256 MiB off-heap: above glibc's mmap threshold, so these are pages new to the process (a heap array may
        // reuse pages a long-running test JVM already holds)
        java.nio.ByteBuffer big = java.nio.ByteBuffer.allocateDirect(256 << 20);
        for (int i = 0; i < big.capacity(); i += 4096) {
            big.put(i, (byte) 1);
        }
        long withBig = MemoryUsage.current().peakRssBytes();
        if (canReset) {
            // the peak was reset to the RSS just before: it must now include the 256 MiB just touched. Half of it is
            // asked for: other threads of a long-running test JVM (collector, ND4J deallocator) may return pages to
            // the system in between (a loaded run saw +190 MiB), while a peak that did not follow would stay at +0
            assertThat(withBig - before).isGreaterThanOrEqualTo(128L << 20);
            assertThat(MemoryUsage.resetPeak()).isTrue();
            MemoryUsage after = MemoryUsage.current();
            assertThat(after.peakRssBytes()).isLessThanOrEqualTo(after.rssBytes() + (8L << 20));
        } else {
            assertThat(withBig).isGreaterThanOrEqualTo(before);
        }
        assertThat(big.get(4096)).isEqualTo((byte) 1);
    }

    @Test
    void mapRoundTripAndDescription() {
        MemoryUsage m = new MemoryUsage(1L << 30, 3L << 29, 0, 5L << 30, 1L << 31);
        Map<String, Object> map = m.toMap();
        assertThat(map).containsEntry("peak_rss_bytes", 3L << 29).containsEntry("nd4j_bytes", 1L << 31);
        assertThat(MemoryUsage.fromMap(map)).isEqualTo(m);
        assertThat(m.describe()).isEqualTo("peak RSS 1.50 GiB, ND4J native 2.00 GiB, JavaCPP 0.00 GiB");
        assertThat(MemoryUsage.ofProcess(Long.MAX_VALUE).describe()).isEqualTo("peak RSS ?");
    }
}
