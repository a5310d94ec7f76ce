package io.hrnet4j.zoo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The resident set size of this process as the Linux kernel reports it in {@code /proc/self/status}
 * ({@code VmHWM}: the peak, {@code VmRSS}: the current value; see {@code proc(5)}). It counts the JVM heap and the
 * off-heap memory of ND4J / JavaCPP alike, which {@code Runtime.totalMemory()} does not. On systems without
 * {@code /proc} both readings are 0.
 */
public final class PeakMemory {
    private static final Path STATUS = Paths.get("/proc/self/status");

    private PeakMemory() {
    }

    /** @return the peak resident set size of this process so far, bytes ({@code VmHWM}); 0 when unknown */
    public static long peakRssBytes() {
        return field("VmHWM:");
    }

    /** @return the current resident set size of this process, bytes ({@code VmRSS}); 0 when unknown */
    public static long rssBytes() {
        return field("VmRSS:");
    }

    /** @return the value of a {@code kB} line of {@code /proc/self/status} in bytes, 0 when absent */
    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] p = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
