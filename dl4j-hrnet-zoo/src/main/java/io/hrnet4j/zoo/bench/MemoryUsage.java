package io.hrnet4j.zoo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A snapshot of a process's memory: the resident set (current and peak) as the Linux kernel reports it in
 * {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}, see {@code proc(5)}), and the off-heap bytes JavaCPP
 * accounts for ND4J's native buffers ({@link Pointer#totalBytes()}: bytes allocated through JavaCPP and not yet
 * freed; {@link Pointer#physicalBytes()}: the physical memory JavaCPP sees in use by the whole process, which is what
 * its {@code org.bytedeco.javacpp.maxphysicalbytes} limit is checked against), and ND4J's own count of its native
 * buffers ({@code Nd4j.getMemoryManager().allocatedMemory(0)}: JavaCPP's total plus the buffers and workspaces ND4J
 * allocates in libnd4j and tracks with {@code AllocationsTracker}). The JVM heap is part of the resident set.
 * Measured with ND4J 1.0.0-M2.1 on CPU, {@code totalBytes()} and ND4J's count stay 0 while HRNet-W32 runs (libnd4j
 * allocates the CPU buffers outside both accountings): the resident set is the figure to trust there.
 * Used by {@code hrnet bench} and available to the trainer for its summary.
 *
 * <p>All figures are bytes; {@code -1} where unknown (not Linux, or the field is absent).
 *
 * @param rssBytes current resident set ({@code VmRSS})
 * @param peakRssBytes peak resident set since the process started or since {@link #resetPeak()} ({@code VmHWM})
 * @param offHeapTotalBytes JavaCPP {@link Pointer#totalBytes()} (-1 when measured for another process)
 * @param offHeapPhysicalBytes JavaCPP {@link Pointer#physicalBytes()} (-1 when measured for another process)
 * @param nd4jBytes ND4J's allocated native bytes (-1 when measured for another process)
 */
public record MemoryUsage(long rssBytes, long peakRssBytes, long offHeapTotalBytes, long offHeapPhysicalBytes,
                          long nd4jBytes) {

    private static final Path SELF_STATUS = Path.of("/proc/self/status");
    private static final Path SELF_CLEAR_REFS = Path.of("/proc/self/clear_refs");

    /** @return this process's memory now, JavaCPP and ND4J figures included (loads ND4J's backend if needed) */
    public static MemoryUsage current() {
        long[] rss = readStatus(SELF_STATUS);
        long nd4j;
        try {
            nd4j = Nd4j.getMemoryManager().allocatedMemory(0);
        } catch (RuntimeException | LinkageError e) {
            nd4j = -1;
        }
        return new MemoryUsage(rss[0], rss[1], Pointer.totalBytes(), Pointer.physicalBytes(), nd4j);
    }

    /**
     * @param pid a process id (e.g. a child JVM's or Python process's, {@link Process#pid()})
     * @return that process's resident set figures; the JavaCPP figures are -1 (they exist only inside a JVM), and
     *     everything is -1 once the process has exited
     */
    public static MemoryUsage ofProcess(long pid) {
        long[] rss = readStatus(Path.of("/proc", Long.toString(pid), "status"));
        return new MemoryUsage(rss[0], rss[1], -1, -1, -1);
    }

    /**
     * Resets this process's peak resident set to the current one (writes {@code 5} to
     * {@code /proc/self/clear_refs}, Linux 4.0 and later), so that a following {@link #current()} reports the peak
     * of the work done in between.
     *
     * @return whether the kernel accepted the reset (false where unsupported; the peak then stays the lifetime peak)
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(SELF_CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * Parses a {@code /proc/<pid>/status} file.
     *
     * @param status the file
     * @return {VmRSS, VmHWM} in bytes, -1 for a field that is absent or a file that cannot be read
     */
    static long[] readStatus(Path status) {
        long[] out = {-1, -1};
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    out[0] = kilobytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    out[1] = kilobytes(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
        return out;
    }

    /** @return {@code "VmHWM:   123 kB"} as bytes, -1 if malformed */
    private static long kilobytes(String line) {
        String[] p = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        try {
            return p.length == 2 && p[1].equals("kB") ? Math.multiplyExact(Long.parseLong(p[0]), 1024L) : -1;
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }

    /** @return the figures as a JSON-friendly map: rss_bytes, peak_rss_bytes, offheap_total_bytes, ... */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rss_bytes", rssBytes);
        m.put("peak_rss_bytes", peakRssBytes);
        m.put("offheap_total_bytes", offHeapTotalBytes);
        m.put("offheap_physical_bytes", offHeapPhysicalBytes);
        m.put("nd4j_bytes", nd4jBytes);
        return m;
    }

    /**
     * @param m a map written by {@link #toMap()} (e.g. parsed from a child process's JSON); missing keys read -1
     * @return the snapshot
     */
    public static MemoryUsage fromMap(Map<String, ?> m) {
        return new MemoryUsage(longOf(m, "rss_bytes"), longOf(m, "peak_rss_bytes"), longOf(m, "offheap_total_bytes"),
                longOf(m, "offheap_physical_bytes"), longOf(m, "nd4j_bytes"));
    }

    private static long longOf(Map<String, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : -1;
    }

    /** @return e.g. {@code peak RSS 2.31 GiB, ND4J native 1.20 GiB, JavaCPP 0.00 GiB}; unknown figures omitted */
    public String describe() {
        StringBuilder sb = new StringBuilder("peak RSS ").append(gib(peakRssBytes));
        if (nd4jBytes >= 0) {
            sb.append(", ND4J native ").append(gib(nd4jBytes));
        }
        if (offHeapTotalBytes >= 0) {
            sb.append(", JavaCPP ").append(gib(offHeapTotalBytes));
        }
        return sb.toString();
    }

    /**
     * @param bytes a byte count, or -1
     * @return GiB with two decimals, or {@code ?} for -1
     */
    public static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
