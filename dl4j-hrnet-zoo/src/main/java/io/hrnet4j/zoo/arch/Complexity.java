package io.hrnet4j.zoo.arch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.hrnet4j.zoo.layers.DetailEnhancementModule;
import io.hrnet4j.zoo.layers.DySample;
import io.hrnet4j.zoo.layers.LayerParams;

/**
 * Parameter and multiply-add counts of an architecture, computed from the one description ({@link HRNetTopology})
 * without building a network, plus the expected state-dict shapes (official key names, including the BN running
 * statistics and {@code num_batches_tracked}).
 *
 * <p>Counts: trainable parameters (conv weights and biases, BN weight and bias; BN running statistics are not
 * counted, as PyTorch's {@code parameters()} of official {@code pose_hrnet.py}); multiply-adds of convolutions at batch 1 ({@code k*k*Cin*Cout*Hout*Wout}),
 * which is what the HRNet paper reports as "GFLOPs" (divided by 2^30). Groups: {@code stem}, {@code layer1},
 * {@code transition1..3}, {@code stage2..4}, {@code final_layer}.
 */
public final class Complexity {
    private final long params;
    private final long macs;
    private final long bnStatistics;
    private final Map<String, long[]> groups;
    private final Map<String, long[]> stateDictShapes;
    private final Map<String, ParamRef> owners;

    /** What a state-dict entry belongs to. */
    public enum Kind {
        /** A conv weight or bias (DL4J {@code W}, {@code b}). */
        CONV,
        /** A BN weight, bias, running mean or variance (DL4J {@code gamma, beta, mean, var}). */
        BN,
        /** A parameter of a custom layer (ECA / DEM / DySample), under the layer's own local name. */
        LAYER,
        /** A fixed buffer (DySample {@code init_pos}), derived from the configuration, not trained. */
        BUFFER,
        /** PyTorch's {@code num_batches_tracked}, without a counterpart here. */
        COUNTER
    }

    /**
     * The owner of a state-dict entry.
     *
     * @param module the module key (graph vertex name), e.g. {@code stage2.0.fuse_layers.0.1.2}
     * @param local the entry's name inside the module, e.g. {@code weight}, {@code running_var},
     *     {@code offset.weight}
     * @param kind what the entry is
     */
    public record ParamRef(String module, String local, Kind kind) {
    }

    private Complexity(Counter c) {
        this.params = c.params;
        this.macs = c.macs;
        this.bnStatistics = c.bnStats;
        this.groups = Collections.unmodifiableMap(c.groups);
        this.stateDictShapes = Collections.unmodifiableMap(c.shapes);
        this.owners = Collections.unmodifiableMap(c.owners);
    }

    /**
     * @param cfg the architecture
     * @return its counts
     */
    public static Complexity of(HRNetConfig cfg) {
        Counter c = new Counter();
        HRNetTopology.emit(cfg, c);
        return new Complexity(c);
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

    /** @return state-dict key to its owner (module, local name, kind), in official order */
    public Map<String, ParamRef> owners() {
        return owners;
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
        final Map<String, ParamRef> owners = new LinkedHashMap<>();

        private void entry(String module, String local, Kind kind, long... shape) {
            shapes.put(module + "." + local, shape);
            owners.put(module + "." + local, new ParamRef(module, local, kind));
        }

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
            entry(key, "weight", Kind.CONV, out, in, kernel, kernel);
            if (bias) {
                entry(key, "bias", Kind.CONV, out);
            }
            count(key, weights + (bias ? out : 0), weights * h * w);
            return new Shape(out, h, w);
        }

        @Override
        public Shape batchNorm(String key, Shape x, int channels) {
            for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
                entry(key, p, Kind.BN, channels);
            }
            entry(key, "num_batches_tracked", Kind.COUNTER);
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
        public Shape channelAttention(String key, Shape x, int channels, DeHrnetOptions o) {
            layerEntries(key, LayerParams.shapes(o.demLayer(channels)),
                    DetailEnhancementModule.macs(channels, o.attention(), o.seReduction(), o.seMinHidden(),
                            o.ecaKernel(), x.h(), x.w()));
            return x;
        }

        /** Records a custom layer's parameters (shapes from the layer itself) and counts them. */
        private void layerEntries(String key, Map<String, long[]> shapes, long layerMacs) {
            long n = 0;
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                entry(key, e.getKey(), Kind.LAYER, e.getValue());
                long size = 1;
                for (long d : e.getValue()) {
                    size *= d;
                }
                n += size;
            }
            count(key, n, layerMacs);
        }

        @Override
        public Shape dySample(String key, Shape x, int channels, int height, int width, int scale,
                              DeHrnetOptions o) {
            if (x.c() != channels || x.h() != height || x.w() != width) {
                throw new InvalidConfigException(key + ": DySample defined for " + channels + "x" + height + "x"
                        + width + ", gets " + x);
            }
            layerEntries(key, LayerParams.shapes(o.dySampleLayer(channels, scale)),
                    DySample.macs(channels, scale, o.groups(), o.style(), o.dynamicScope(), height, width));
            entry(key, "init_pos", Kind.BUFFER, DySample.initPos(scale, o.groups()).shape());
            return new Shape(x.c(), x.h() * scale, x.w() * scale);
        }

        @Override
        public void output(Shape heatmaps) {
            // nothing to record
        }
    }
}
