package io.hrnet4j.zoo.samediff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Op-level wall-clock profile of SameDiff execution: for every executed op, the time from the session's
 * {@code preOpExecution} to its {@code opExecution} callback (the op's execution including the allocation of its
 * outputs and its op-context set-up), summed per op type ({@code conv2d}, {@code conv2d_bp}, {@code batchnorm_bp}, ...).
 * What a step costs beyond the sum of these (dependency tracking, array-use tracking, listener dispatch, the session's
 * set-up) is {@code step time - }{@link #totalNanos()}.
 *
 * <p>Active for {@link Operation#TRAINING} and {@link Operation#INFERENCE}. Not thread-safe (one session at a time).
 */
public class OpTimingListener extends BaseListener {
    /** One row of the profile. */
    public record Row(String op, long calls, long nanos) {
    }

    private final Map<String, long[]> byOp = new LinkedHashMap<>();
    private long started;
    private long total;

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING || operation == Operation.INFERENCE;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        started = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                            INDArray[] outputs) {
        record(op.getOp().opName(), System.nanoTime() - started);
    }

    /**
     * Adds one execution of an op to the profile (the entry point of timers outside SameDiff, e.g.
     * {@code io.hrnet4j.zoo.bench.OpTimer} for any ND4J op execution).
     *
     * @param op the op's name ({@code conv2d}, {@code add}, ...)
     * @param nanos its wall-clock nanoseconds
     */
    public void record(String op, long nanos) {
        long[] acc = byOp.computeIfAbsent(op, k -> new long[2]);
        acc[0]++;
        acc[1] += nanos;
        total += nanos;
    }

    /** Forgets everything recorded (e.g. after warm-up steps). */
    public void reset() {
        byOp.clear();
        total = 0;
    }

    /** @return the nanoseconds spent inside ops since the last {@link #reset()} */
    public long totalNanos() {
        return total;
    }

    /** @return one row per op type, most expensive first */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        byOp.forEach((k, v) -> rows.add(new Row(k, v[0], v[1])));
        rows.sort(Comparator.comparingLong(Row::nanos).reversed());
        return rows;
    }

    /**
     * @param steps the number of steps recorded (calls and ms are given per step)
     * @param stepNanos the wall-clock nanoseconds of those steps (shares are of this)
     * @param top the number of op types listed; the rest are summed in one row
     * @return a Markdown table {@code | op | calls | ms | share |} per step, then the rows "all ops" and
     *     "outside ops (session, graph)"
     */
    public String markdown(int steps, long stepNanos, int top) {
        StringBuilder sb = new StringBuilder("| op | calls | ms | share |\n|---|---:|---:|---:|\n");
        List<Row> rows = rows();
        long restCalls = 0;
        long restNanos = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i < top) {
                sb.append(line(r.op(), r.calls(), r.nanos(), steps, stepNanos));
            } else {
                restCalls += r.calls();
                restNanos += r.nanos();
            }
        }
        if (restCalls > 0) {
            sb.append(line("other (" + (rows.size() - top) + " op types)", restCalls, restNanos, steps, stepNanos));
        }
        long calls = rows.stream().mapToLong(Row::calls).sum();
        sb.append(line("**all ops**", calls, total, steps, stepNanos));
        sb.append(line("**outside ops** (session, graph)", 0, stepNanos - total, steps, stepNanos));
        return sb.toString();
    }

    private static String line(String op, long calls, long nanos, int steps, long stepNanos) {
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f%% |%n", op,
                calls == 0 ? "" : Long.toString(calls / steps), nanos / 1e6 / steps, 100.0 * nanos / stepNanos);
    }
}
