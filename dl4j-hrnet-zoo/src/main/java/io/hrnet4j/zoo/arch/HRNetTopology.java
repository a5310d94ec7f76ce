package io.hrnet4j.zoo.arch;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks an {@link HRNetConfig} and emits the forward pass of the official {@code PoseHighResolutionNet}
 * ({@code lib/models/pose_hrnet.py}) to a {@link NetworkEmitter}: stem, layer1, transitions, stages of
 * HighResolutionModules (branches, fuse layers), final layer. This class is the single definition of the network;
 * every realisation is driven by it, so their structure and parameter names cannot drift apart. With
 * {@link HRNetConfig#deHrnet()} set it emits DE-HRNet: DySample in place of the nearest upsampling of fuse paths
 * j &gt; i (after the 1x1 conv + BN, scale 2^(j-i) in one step) and Detail Enhancement Modules after fusion
 * (docs/architecture.md, "DE-HRNet choices").
 */
public final class HRNetTopology {
    private HRNetTopology() {
    }

    /**
     * Emits the whole network.
     *
     * @param cfg the architecture
     * @param e the realisation
     * @param <T> handle type
     * @return the output handle (heatmaps {@code [N, K, H/4, W/4]}), also passed to {@link NetworkEmitter#output}
     */
    public static <T> T emit(HRNetConfig cfg, NetworkEmitter<T> e) {
        T x = e.input(3, cfg.inputHeight(), cfg.inputWidth());
        int stem = cfg.stemChannels();
        x = e.conv("conv1", x, 3, stem, 3, 2, false);
        x = e.batchNorm("bn1", x, stem);
        x = e.relu("relu.1", x);
        x = e.conv("conv2", x, stem, stem, 3, 2, false);
        x = e.batchNorm("bn2", x, stem);
        x = e.relu("relu.2", x);

        // layer1: Bottlenecks, planes layer1Planes, expansion 4
        int inplanes = stem;
        int planes = cfg.layer1Planes();
        for (int b = 0; b < cfg.layer1Blocks(); b++) {
            x = bottleneck(e, "layer1." + b, x, inplanes, planes);
            inplanes = planes * BlockType.BOTTLENECK.expansion();
        }

        List<T> ys = List.of(x);
        int[] pre = {inplanes};
        for (int s = 0; s < cfg.stages().size(); s++) {
            StageConfig st = cfg.stages().get(s);
            int[] cur = new int[st.numBranches()];
            for (int b = 0; b < cur.length; b++) {
                cur[b] = st.outChannels(b);
            }
            List<T> xs = transition(e, "transition" + (s + 1), ys, pre, cur);
            boolean last = s == cfg.stages().size() - 1;
            ys = stage(e, cfg, "stage" + (s + 2), xs, st, cur, !last);
            DeHrnetOptions de = cfg.deHrnet();
            if (de != null && de.dem() && de.placement() == DeHrnetOptions.Placement.STAGE_OUTPUT) {
                ys = dem(e, "stage" + (s + 2) + ".dem", ys, cur, de);
            }
            pre = cur;
        }
        int k = cfg.finalConvKernel();
        T out = e.conv("final_layer", ys.get(0), pre[0], cfg.numJoints(), k, 1, true);
        e.output(out);
        return out;
    }

    /**
     * The official {@code _make_transition_layer} and its use in {@code forward}: an existing branch whose width
     * changes gets 3x3 s1 + BN + ReLU ({@code key.i.{0,1}}); a new branch gets a chain of 3x3 s2 + BN + ReLU from the
     * previous stage's lowest-resolution output ({@code key.i.j.{0,1}}).
     */
    private static <T> List<T> transition(NetworkEmitter<T> e, String key, List<T> ys, int[] pre, int[] cur) {
        List<T> xs = new ArrayList<>();
        for (int i = 0; i < cur.length; i++) {
            if (i < pre.length) {
                if (cur[i] != pre[i]) {
                    String k = key + "." + i;
                    T t = e.conv(k + ".0", ys.get(i), pre[i], cur[i], 3, 1, false);
                    t = e.batchNorm(k + ".1", t, cur[i]);
                    xs.add(e.relu(k + ".2", t));
                } else {
                    xs.add(ys.get(i));
                }
            } else {
                T t = ys.get(ys.size() - 1);
                int in = pre[pre.length - 1];
                for (int j = 0; j < i + 1 - pre.length; j++) {
                    int out = j == i - pre.length ? cur[i] : in;
                    String k = key + "." + i + "." + j;
                    t = e.conv(k + ".0", t, in, out, 3, 2, false);
                    t = e.batchNorm(k + ".1", t, out);
                    t = e.relu(k + ".2", t);
                    in = out;
                }
                xs.add(t);
            }
        }
        return xs;
    }

    private static <T> List<T> stage(NetworkEmitter<T> e, HRNetConfig cfg, String key, List<T> xs, StageConfig st,
                                     int[] ch, boolean multiScaleOutput) {
        List<T> cur = xs;
        DeHrnetOptions de = cfg.deHrnet();
        for (int m = 0; m < st.numModules(); m++) {
            boolean multi = multiScaleOutput || m < st.numModules() - 1;
            cur = module(e, cfg, key + "." + m, cur, st, ch, multi);
            if (de != null && de.dem() && de.placement() == DeHrnetOptions.Placement.EVERY_MODULE) {
                cur = dem(e, key + "." + m + ".dem", cur, ch, de);
            }
        }
        return cur;
    }

    /**
     * DE-HRNet Detail Enhancement Modules on a list of fused branch outputs (DE-HRNet choice 1, docs/architecture.md):
     * branch 0 gets the single-input DEM {@code (A(F_0) + 1) * F_0} ({@code key.0.attention}); branch i > 0 the
     * dual-input DEM {@code Dropout((A(a) + 1) * a)}, {@code a = F_i + BN(conv3x3_s2(F_{i-1}))}
     * ({@code key.i.down.{0,1}}, {@code key.i.attention}), where F_{i-1} is the fused output of branch i-1 (before
     * its own DEM).
     */
    private static <T> List<T> dem(NetworkEmitter<T> e, String key, List<T> fs, int[] ch, DeHrnetOptions de) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < fs.size(); i++) {
            String k = key + "." + i;
            if (i == 0) {
                out.add(e.channelAttention(k + ".attention", fs.get(0), ch[0], de));
            } else {
                T d = e.conv(k + ".down.0", fs.get(i - 1), ch[i - 1], ch[i], 3, 2, false);
                d = e.batchNorm(k + ".down.1", d, ch[i]);
                T a = e.add(k + ".add", List.of(fs.get(i), d));
                T y = e.channelAttention(k + ".attention", a, ch[i], de);
                out.add(de.dropout() > 0 ? e.dropout(k + ".dropout", y, de.dropout()) : y);
            }
        }
        return out;
    }

    /** The official {@code HighResolutionModule.forward}: branches, then fuse layers (SUM) and ReLU. */
    private static <T> List<T> module(NetworkEmitter<T> e, HRNetConfig cfg, String key, List<T> xs, StageConfig st,
                                      int[] ch, boolean multiScaleOutput) {
        int nb = st.numBranches();
        List<T> br = new ArrayList<>();
        for (int b = 0; b < nb; b++) {
            T t = xs.get(b);
            int in = ch[b];
            for (int k = 0; k < st.numBlocks()[b]; k++) {
                String bk = key + ".branches." + b + "." + k;
                t = st.block() == BlockType.BASIC ? basic(e, bk, t, in, st.numChannels()[b])
                        : bottleneck(e, bk, t, in, st.numChannels()[b]);
                in = st.outChannels(b);
            }
            br.add(t);
        }
        if (nb == 1) {
            return br;
        }
        List<T> out = new ArrayList<>();
        int outputs = multiScaleOutput ? nb : 1;
        for (int i = 0; i < outputs; i++) {
            List<T> terms = new ArrayList<>();
            for (int j = 0; j < nb; j++) {
                String fk = key + ".fuse_layers." + i + "." + j;
                if (j == i) {
                    terms.add(br.get(j));
                } else if (j > i) {
                    T t = e.conv(fk + ".0", br.get(j), ch[j], ch[i], 1, 1, false);
                    t = e.batchNorm(fk + ".1", t, ch[i]);
                    DeHrnetOptions de = cfg.deHrnet();
                    if (de != null && de.dysample()) {
                        int h = cfg.heatmapHeight() >> j;
                        int w = cfg.heatmapWidth() >> j;
                        terms.add(e.dySample(fk + ".2", t, ch[i], h, w, 1 << (j - i), de));
                    } else {
                        terms.add(e.upsampleNearest(fk + ".2", t, 1 << (j - i)));
                    }
                } else {
                    T t = br.get(j);
                    for (int k = 0; k < i - j; k++) {
                        String kk = fk + "." + k;
                        if (k == i - j - 1) {
                            t = e.conv(kk + ".0", t, ch[j], ch[i], 3, 2, false);
                            t = e.batchNorm(kk + ".1", t, ch[i]);
                        } else {
                            t = e.conv(kk + ".0", t, ch[j], ch[j], 3, 2, false);
                            t = e.batchNorm(kk + ".1", t, ch[j]);
                            t = e.relu(kk + ".2", t);
                        }
                    }
                    terms.add(t);
                }
            }
            T sum = e.add(key + ".fuse." + i + ".sum", terms);
            out.add(e.relu(key + ".fuse." + i + ".relu", sum));
        }
        return out;
    }

    /** Official {@code BasicBlock}: 3x3, BN, ReLU, 3x3, BN, (+ downsample), + residual, ReLU. */
    private static <T> T basic(NetworkEmitter<T> e, String key, T x, int in, int planes) {
        T t = e.relu(key + ".relu1", convBn(e, key, 1, x, in, planes, 3));
        t = convBn(e, key, 2, t, planes, planes, 3);
        return residual(e, key, t, x, in, planes);
    }

    /** Official {@code Bottleneck}: 1x1, BN, ReLU, 3x3, BN, ReLU, 1x1 (x4), BN, (+ downsample), + residual, ReLU. */
    private static <T> T bottleneck(NetworkEmitter<T> e, String key, T x, int in, int planes) {
        int out = planes * BlockType.BOTTLENECK.expansion();
        T t = e.relu(key + ".relu1", convBn(e, key, 1, x, in, planes, 1));
        t = e.relu(key + ".relu2", convBn(e, key, 2, t, planes, planes, 3));
        t = convBn(e, key, 3, t, planes, out, 1);
        return residual(e, key, t, x, in, out);
    }

    /** The block's {@code conv<n>} (stride 1, no bias) and {@code bn<n>}. */
    private static <T> T convBn(NetworkEmitter<T> e, String key, int n, T x, int in, int out, int kernel) {
        return e.batchNorm(key + ".bn" + n, e.conv(key + ".conv" + n, x, in, out, kernel, 1, false), out);
    }

    /** The block's residual: {@code relu(t + x)}, through the 1x1 {@code downsample} when the channels differ. */
    private static <T> T residual(NetworkEmitter<T> e, String key, T t, T x, int in, int out) {
        T res = in != out ? downsample(e, key, x, in, out) : x;
        return e.relu(key + ".relu", e.add(key + ".add", List.of(t, res)));
    }

    private static <T> T downsample(NetworkEmitter<T> e, String key, T x, int in, int out) {
        T d = e.conv(key + ".downsample.0", x, in, out, 1, 1, false);
        return e.batchNorm(key + ".downsample.1", d, out);
    }
}
