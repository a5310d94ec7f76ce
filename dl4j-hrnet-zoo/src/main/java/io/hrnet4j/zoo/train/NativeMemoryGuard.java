package io.hrnet4j.zoo.train;

import io.hrnet4j.zoo.bench.MemoryUsage;
import java.lang.reflect.Method;
import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * Bounds the resident memory of a training run by collecting dead ND4J arrays before they pile up.
 *
 * <p>Why: ND4J 1.0.0-M2.1 on CPU frees an array's native buffer only after the garbage collector has found its Java
 * object unreachable (a phantom reference processed by ND4J's deallocator thread). A training step leaves tens of
 * megabytes of such arrays behind (the minibatch, the data pipeline's crops and heatmaps, validation outputs: about
 * 36 MB per step for the embedded default), but their Java objects are small, so the Java heap hardly grows and the
 * collector rarely runs; objects that survive a young collection are promoted to the old generation, which G1 does
 * not collect while the heap stays far below {@code -Xmx}. Measured on the embedded default (W16 128x96, batch 32,
 * 2 cores): resident memory climbed linearly by ~440 MiB per 100 iterations to the JavaCPP
 * {@code maxphysicalbytes} limit (17.7 GiB with the launcher's default budget), and a full collection brought it
 * from 3.9 GiB back to 0.64 GiB. Nothing was leaked: the memory was garbage waiting for a collection.
 *
 * <p>What: after every training step (and after validation) the guard reads the process's resident set
 * ({@link MemoryUsage#current()}, {@code VmRSS}) and, when it has grown more than {@code headroomBytes} above the
 * level measured after the last collection, asks for a full collection ({@link System#gc()}). At the next call
 * (ND4J's deallocator thread has freed the native buffers by then) it returns the freed pages to the system with
 * glibc's {@code malloc_trim(0)} (through JavaCPP's {@code Pointer.trimMemory()}, the call JavaCPP itself makes when
 * it reaches its {@code maxphysicalbytes} limit; without it glibc keeps the freed memory in its per-thread arenas:
 * measured, a full collection plus the trim took a training process from 3.9 GiB to 0.64 GiB, the trim alone 0.4
 * GiB) and takes the resident set then as the new floor. So the peak resident set is the step's own working set
 * plus at most the headroom, by construction rather than by collector timing. A full
 * collection of the ~100 MB heap of a training run takes tens of milliseconds; with the default headroom it runs
 * every ~30 steps of the embedded default.
 *
 * <p>Not thread-safe: called by the training loop only. Without a readable {@code /proc/self/status} (not Linux)
 * it does nothing.
 */
public final class NativeMemoryGuard {

    /**
     * The default headroom: 1 GiB above the level after the last collection. Measured on the embedded default
     * (W16 128x96, batch 32, 2 cores): 512 MiB held the run at 1.1 GiB resident but collected every ~14 steps and
     * trained ~25% slower (each trim returns pages the next steps fault in again); 1 GiB halves the collections.
     */
    public static final long DEFAULT_HEADROOM_BYTES = 1L << 30;

    private final long headroomBytes;
    private final LongSupplier rssBytes;
    private final Runnable collect;
    private final Runnable trim;
    private long floor = -1;
    private boolean collected;
    private int collections;

    /**
     * @param headroomBytes growth of the resident set, in bytes above the level after the last collection, that
     *     triggers a collection; {@code > 0}
     * @throws IllegalArgumentException when {@code headroomBytes <= 0}
     */
    public NativeMemoryGuard(long headroomBytes) {
        this(headroomBytes, () -> MemoryUsage.current().rssBytes(), System::gc, NativeMemoryGuard::mallocTrim);
    }

    /**
     * @param headroomBytes as {@link #NativeMemoryGuard(long)}
     * @param rssBytes the resident set in bytes, -1 when unknown
     * @param collect the collection to ask for
     * @param trim returns freed native memory to the system (called at the check after a collection)
     */
    NativeMemoryGuard(long headroomBytes, LongSupplier rssBytes, Runnable collect, Runnable trim) {
        if (headroomBytes <= 0) {
            throw new IllegalArgumentException("headroom must be > 0 bytes, got " + headroomBytes);
        }
        this.headroomBytes = headroomBytes;
        this.rssBytes = rssBytes;
        this.collect = collect;
        this.trim = trim;
    }

    /** JavaCPP 1.5.7's {@code Pointer.trimMemory()} ({@code malloc_trim(0)} on Linux) is private: called reflectively. */
    private static final Method TRIM = findTrim();

    private static Method findTrim() {
        try {
            Method m = Pointer.class.getDeclaredMethod("trimMemory");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another JavaCPP: the collection alone still frees the buffers for reuse
        }
    }

    private static void mallocTrim() {
        if (TRIM != null) {
            try {
                TRIM.invoke(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // not fatal: glibc keeps the freed pages for reuse
            }
        }
    }

    /**
     * Reads the resident set and collects when it has grown beyond the headroom. Call after each training step and
     * after each validation.
     *
     * @return true when this call asked for a collection
     */
    public boolean check() {
        if (collected) {
            trim.run();
        }
        long rss = rssBytes.getAsLong();
        if (rss < 0) {
            return false;
        }
        if (floor < 0 || collected || rss < floor) {
            floor = rss; // the first reading, the level after a collection, or a drop (the JVM gave memory back)
            collected = false;
            return false;
        }
        if (rss - floor > headroomBytes) {
            collect.run();
            collected = true;
            collections++;
            return true;
        }
        return false;
    }

    /** @return the collections this guard asked for */
    public int collections() {
        return collections;
    }

    /** @return the headroom in bytes */
    public long headroomBytes() {
        return headroomBytes;
    }
}
