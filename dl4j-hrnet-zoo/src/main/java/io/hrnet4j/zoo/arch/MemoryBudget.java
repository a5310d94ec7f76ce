package io.hrnet4j.zoo.arch;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The memory a run may use, stated once: the system property {@code hrnet.memory} or the environment variable
 * {@code HRNET_MEMORY} (a size such as {@code 12g}, {@code 6000m} or a byte count), else 75% of the machine's
 * physical memory. The {@code hrnet} launcher derives {@code -Xmx} and JavaCPP's off-heap limits from the same value
 * ({@link #configureJavaCpp()} does it for a JVM started otherwise), and {@link HRNetConfig} refuses an architecture
 * whose {@link MemoryEstimate} exceeds it, with the estimate in the message, before anything is allocated.
 *
 * <p>JavaCPP (which allocates every ND4J array off the Java heap) then fails an allocation beyond the budget with an
 * {@link OutOfMemoryError} ("Failed to allocate memory within limits") instead of the kernel killing the process;
 * allocations that ND4J makes outside JavaCPP's accounting (some workspace buffers) are not covered by that limit.
 */
public final class MemoryBudget {
    /** Environment variable holding the budget. */
    public static final String ENV = "HRNET_MEMORY";
    /** System property holding the budget (wins over the environment variable). */
    public static final String PROPERTY = "hrnet.memory";
    /** JavaCPP's limit on memory it allocates (Java system property read once, when JavaCPP's Pointer loads). */
    public static final String JAVACPP_MAX_BYTES = "org.bytedeco.javacpp.maxbytes";
    /** JavaCPP's limit on the resident set of the process (same). */
    public static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";

    private MemoryBudget() {
    }

    /**
     * @return the budget in bytes
     * @throws InvalidConfigException if {@code hrnet.memory} / {@code HRNET_MEMORY} is not a size
     */
    public static long bytes() {
        String v = System.getProperty(PROPERTY);
        String from = PROPERTY;
        if (v == null || v.isBlank()) {
            v = System.getenv(ENV);
            from = ENV;
        }
        if (v == null || v.isBlank()) {
            return defaultBytes();
        }
        return parseSize(v, from);
    }

    /** @return where the budget comes from and its value, e.g. {@code "18.0 GiB (75% of 24.0 GiB RAM)"} */
    public static String describe() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return gib(bytes()) + " (" + PROPERTY + "=" + p + ")";
        }
        String e = System.getenv(ENV);
        if (e != null && !e.isBlank()) {
            return gib(bytes()) + " (" + ENV + "=" + e + ")";
        }
        return gib(defaultBytes()) + " (75% of " + gib(physicalBytes()) + " RAM; set " + ENV + " to change)";
    }

    /**
     * Sets JavaCPP's limits from the budget when they are not set already: {@code maxphysicalbytes} = the budget,
     * {@code maxbytes} = the budget minus the Java heap's maximum. Effective only when called before JavaCPP's
     * {@code Pointer} class is loaded (first thing in {@code main}); later calls change nothing.
     */
    public static void configureJavaCpp() {
        long budget = bytes();
        long heap = Runtime.getRuntime().maxMemory();
        long offHeap = Math.max(budget - heap, budget / 4);
        if (System.getProperty(JAVACPP_MAX_BYTES) == null) {
            System.setProperty(JAVACPP_MAX_BYTES, Long.toString(offHeap));
        }
        if (System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(JAVACPP_MAX_PHYSICAL_BYTES, Long.toString(budget));
        }
    }

    /**
     * @param s {@code 123}, {@code 512m}, {@code 12g}, {@code 1.5g}, {@code 2t} (binary units, case-insensitive, an
     *     optional {@code b} / {@code ib} suffix)
     * @param from the property or variable name, for the message
     * @return bytes
     * @throws InvalidConfigException if it is not a positive size
     */
    static long parseSize(String s, String from) {
        String t = s.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        double mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            double v = Double.parseDouble(t) * mult;
            if (v >= 1 << 20 && v < 0x1p62) {
                return (long) v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigException(from + " must be a memory size of at least 1m, e.g. 12g, got '" + s + "'");
    }

    private static long defaultBytes() {
        return Math.max(1L << 30, physicalBytes() / 4 * 3);
    }

    /** @return the machine's physical memory (the Java heap's maximum when the platform does not tell) */
    static long physicalBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            if (total > 0) {
                return total;
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * @param bytes a byte count
     * @return it in GiB with one decimal, e.g. {@code "7.5 GiB"}
     */
    public static String gib(double bytes) {
        double g = bytes / (1L << 30);
        return g >= 1e5 ? String.format(Locale.ROOT, "%.3g GiB", g) : String.format(Locale.ROOT, "%.1f GiB", g);
    }
}
