package io.hrnet4j.zoo.arch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter and multiply-add counts of an architecture, computed from the one description ({@link HRNetTopology})
 * without building a network, plus the expected state-dict shapes (official key names, including the BN running
 * statistics and {@code num_batches_tracked}).
 *
 * <p>Counts: trainable parameters (conv weights and biases, BN weight and bias; BN running statistics are not
 * counted, as in DESIGN.md section 2); multiply-adds of convolutions at batch 1 ({@code k*k*Cin*Cout*Hout*Wout}),
 * which is what the HRNet paper reports as "GFLOPs" (divided by 2^30). Groups: {@code stem}, {@code layer1},
 * {@code transition1..3}, {@code stage2..4}, {@code final_layer}.
 */
public final class Complexity {
    private final long params;
    private final long macs;
    private final long bnStatistics;
    private final Map<String, long[]> groups;
    private final Map<String, long[]> stateDictShapes;

    private Complexity(long params, long macs, long bnStatistics, Map<String, long[]> groups,
                       Map<String, long[]> shapes) {
        this.params = params;
        this.macs = macs;
        this.bnStatistics = bnStatistics;
        this.groups = Collections.unmodifiableMap(groups);
        this.stateDictShapes = Collections.unmodifiableMap(shapes);
    }

    /**
     * @param cfg the architecture
     * @return its counts
     */
    public static Complexity of(HRNetConfig cfg) {
        Counter c = new Counter();
        HRNetTopology.emit(cfg, c);
        return new Complexity(c.params, c.macs, c.bnStats, c.groups, c.shapes);
    }

    /** @return trainable parameters */
    public long params() {
        return params;
    }

    /** @return conv multiply-adds for one input image */
    public long macs() {
        return macs;
    }

    /** @return BN running statistics (running_mean + running_var elements), not counted in {@link #params()} */
    public long bnStatistics() {
        return bnStatistics;
    }

    /** @return group name to {params, macs}, in network order */
    public Map<String, long[]> groups() {
        return groups;
    }

    /**
     * @return the state-dict key to shape map in official order ({@code num_batches_tracked} has shape {@code []})
     */
    public Map<String, long[]> stateDictShapes() {
        return stateDictShapes;
    }

    /** Shape {@code [C, H, W]} of one sample. */
    record Shape(int c, int h, int w) {
    }

    private static final class Counter implements NetworkEmitter<Shape> {
        long params;
        long macs;
        long bnStats;
        final Map<String, long[]> groups = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();

        private static String group(String key) {
            if (key.startsWith("conv") || key.startsWith("bn")) {
                return "stem";
            }
            int dot = key.indexOf('.');
            return dot < 0 ? key : key.substring(0, dot);
        }

        private void count(String key, long p, long m) {
            params += p;
            macs += m;
            long[] g = groups.computeIfAbsent(group(key), k -> new long[2]);
            g[0] += p;
            g[1] += m;
        }

        @Override
        public Shape input(int channels, int height, int width) {
            return new Shape(channels, height, width);
        }

        @Override
        public Shape conv(String key, Shape x, int in, int out, int kernel, int stride, boolean bias) {
            if (x.c() != in) {
                throw new InvalidConfigException(key + ": expects " + in + " input channels, gets " + x.c());
            }
            int pad = (kernel - 1) / 2;
            int h = (x.h() + 2 * pad - kernel) / stride + 1;
            int w = (x.w() + 2 * pad - kernel) / stride + 1;
            long weights = (long) out * in * kernel * kernel;
            shapes.put(key + ".weight", new long[] {out, in, kernel, kernel});
            if (bias) {
                shapes.put(key + ".bias", new long[] {out});
            }
            count(key, weights + (bias ? out : 0), weights * h * w);
            return new Shape(out, h, w);
        }

        @Override
        public Shape batchNorm(String key, Shape x, int channels) {
            for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
                shapes.put(key + "." + p, new long[] {channels});
            }
            shapes.put(key + ".num_batches_tracked", new long[0]);
            bnStats += 2L * channels;
            count(key, 2L * channels, 0);
            return x;
        }

        @Override
        public Shape relu(String name, Shape x) {
            return x;
        }

        @Override
        public Shape add(String name, List<Shape> xs) {
            for (Shape s : xs) {
                if (!s.equals(xs.get(0))) {
                    throw new InvalidConfigException(name + ": summed tensors differ in shape: " + xs);
                }
            }
            return xs.get(0);
        }

        @Override
        public Shape upsampleNearest(String name, Shape x, int factor) {
            return new Shape(x.c(), x.h() * factor, x.w() * factor);
        }

        @Override
        public void output(Shape heatmaps) {
            // nothing to record
        }
    }
}
