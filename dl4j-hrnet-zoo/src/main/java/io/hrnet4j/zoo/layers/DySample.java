package io.hrnet4j.zoo.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DySample dynamic upsampling (Liu et al., "Learning to Upsample by Learning to Sample", ICCV 2023), the same
 * computation as class {@code DySample} of the official {@code dysample.py} (github.com/tiny-smart/dysample,
 * commit 81a1de5): input {@code [N, C, H, W]} NCHW, output {@code [N, C, s·H, s·W]}.
 * <ul>
 * <li>style {@code lp} (default): {@code offset = conv1x1(x) · 0.25 + init_pos}, offset conv {@code C → 2·G·s²};
 * dynamic scope: {@code offset = conv1x1(x) · sigmoid(scope(x)) · 0.5 + init_pos};</li>
 * <li>style {@code pl}: the convs ({@code C/s² → 2·G}) run on {@code pixel_shuffle(x, s)} and their output is
 * {@code pixel_unshuffle}d before scaling (needs C divisible by s²);</li>
 * <li>offset channel {@code c = axis·G·s² + g·s² + i·s + j} (axis 0 = x/width, 1 = y/height) moves the sample of
 * output pixel {@code (s·h + i, s·w + j)} of channel group {@code g} (channels {@code g·C/G .. (g+1)·C/G - 1});
 * offsets are in input pixels; the sample position is {@code (w + off_x, h + off_y)} in input pixel indices
 * (the official base grid {@code (w + 0.5, h + 0.5)} normalised by (W, H) and unnormalised by {@code grid_sample}
 * with {@code align_corners=False});</li>
 * <li>bilinear sampling with border padding: the position is clamped to {@code [0, W-1] × [0, H-1]} (gradient 0
 * for a clamped coordinate, as PyTorch).</li>
 * </ul>
 * Parameters (PyTorch state_dict names): {@code offset.weight} {@code [O, C', 1, 1]}, {@code offset.bias}
 * {@code [O]}, and with dynamic scope {@code scope.weight} {@code [O, C', 1, 1]} (no bias), where
 * {@code O = 2·G·s², C' = C} for lp and {@code O = 2·G, C' = C/s²} for pl. Initialisation as the official module:
 * offset weight normal std 0.001, bias 0, scope weight 0. The official buffer {@code init_pos} {@code [1, 2·G·s², 1, 1]}
 * is not a parameter: it is a constant fixed by (s, G), see {@link #initPos(int, int)} (a weight importer should
 * check it against the checkpoint and skip it).
 *
 * <h2>Sampler: exact, differentiable, linear in the output size</h2>
 * Bilinear sampling is written as a sum over a bounded window of integer shifts {@code (dy, dx) ∈ [-R, R]²}:
 * {@code out = Σ tent(e_y - dy) · tent(e_x - dx) · x[h + dy, w + dx]} with {@code tent(t) = max(0, 1 - |t|)} and
 * {@code e = clamp(offset)} the effective offset relative to the source pixel. Each term is a shifted (zero-padded)
 * copy of the input times a weight map of the offset tensor's size; each of the (2R+1)² terms has exactly the
 * output's number of elements, so memory and time are linear in the output size; no gather op and no one-hot
 * interpolation matrix is used. The tent equals the bilinear weight, so the result is exact wherever the window
 * holds the two bilinear neighbours, i.e. whenever {@code |offset| ≤ R} (in input pixels, init_pos included).
 * <p>
 * <b>Limits.</b> (1) Each offset component is clamped to {@code [-R, R]} input pixels before sampling
 * ({@link Builder#windowRadius(int)}, default 2, 25 shifts); beyond that bound the layer deviates from the
 * official module (the official offsets are unbounded) and the gradient with respect to that offset is 0.
 * init_pos is below 0.5 px, the official initialisation keeps the learned part near 0, and the oracle vectors'
 * deliberately large offsets reach 1.32 px, so R = 2 reproduces them exactly. The border clamp needs no extra bound:
 * clamping moves a sample towards its source pixel. (2) At a sample position that is exactly an integer (and not clamped) the tent's
 * derivative uses ND4J's subgradients ({@code sign(0) = 0}, {@code relu'(0) = 0}) while PyTorch differentiates
 * within the cell to the right; the gradients differ only on that set of measure zero. (3) H and W are fixed when the graph is defined (as for any DL4J SameDiff layer,
 * whose placeholders keep the first input's shape).
 * <p>
 * Checked against shared/oracle {@code dysample_s2_*} and {@code dysample_s4_*} (README section 4).
 */
public class DySample extends NchwLayer {
    /** Offset conv weight key (PyTorch state_dict naming). */
    public static final String OFFSET_WEIGHT = "offset.weight";
    /** Default window radius R (input pixels): exact for |offset| &lt;= 2 (see the class Javadoc). */
    public static final int DEFAULT_WINDOW_RADIUS = 2;
    /** Offset conv bias key. */
    public static final String OFFSET_BIAS = "offset.bias";
    /** Dynamic-scope conv weight key (only with dynamic scope). */
    public static final String SCOPE_WEIGHT = "scope.weight";

    /** Where the offsets are generated: the official styles. */
    public enum Style {
        /** Linear then pixel shuffle: offset conv on the low-resolution input (default). */
        LP,
        /** Pixel shuffle then linear: offset conv on {@code pixel_shuffle(x, s)}. */
        PL
    }

    private long height;
    private long width;
    private int scale = 2;
    private int groups = 4;
    private Style style = Style.LP;
    private boolean dynamicScope;
    private int windowRadius = DEFAULT_WINDOW_RADIUS;

    /** For JSON deserialisation only. */
    protected DySample() {
    }

    protected DySample(Builder b) {
        super(b);
        this.scale = b.scale;
        this.groups = b.groups;
        this.style = b.style;
        this.dynamicScope = b.dynamicScope;
        this.windowRadius = b.windowRadius;
        if (scale != 2 && scale != 4 && scale != 8) {
            throw new IllegalArgumentException("DySample scale must be 2, 4 or 8, got " + scale);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("DySample groups must be >= 1, got " + groups);
        }
        if (windowRadius < 1) {
            throw new IllegalArgumentException("DySample window radius must be >= 1 input pixel, got " + windowRadius);
        }
        if (getChannels() > 0) {
            validateChannels(getChannels());
        }
    }

    private void validateChannels(long c) {
        if (c % groups != 0) {
            throw new IllegalArgumentException("DySample layer '" + getLayerName() + "': channels " + c
                    + " not divisible by groups " + groups);
        }
        if (style == Style.PL && c % ((long) scale * scale) != 0) {
            throw new IllegalArgumentException("DySample layer '" + getLayerName() + "': style pl needs channels "
                    + "divisible by scale² = " + scale * scale + ", got " + c);
        }
    }

    /**
     * The official {@code init_pos} buffer: channel {@code c = axis·G·s² + g·s² + i·s + j} holds {@code h[j]} for
     * axis 0 (x) and {@code h[i]} for axis 1 (y), {@code h = (arange(s) - (s-1)/2) / s}.
     *
     * @param scale  s
     * @param groups G
     * @return {@code [1, 2·G·s², 1, 1]}, float32
     */
    public static INDArray initPos(int scale, int groups) {
        int s2 = scale * scale;
        float[] v = new float[2 * groups * s2];
        for (int axis = 0; axis < 2; axis++) {
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < scale; i++) {
                    for (int j = 0; j < scale; j++) {
                        int k = axis == 0 ? j : i;
                        v[axis * groups * s2 + g * s2 + i * scale + j] = (float) ((k - (scale - 1) / 2.0) / scale);
                    }
                }
            }
        }
        return Nd4j.createFromArray(v).reshape(1, v.length, 1, 1);
    }

    /**
     * Trainable parameters of one DySample module (DE-HRNet choice 4): lp static {@code 2·G·s²·C + 2·G·s²}; pl static
     * {@code 2·G·C/s² + 2·G}; dynamic scope adds the scope conv's weights ({@code 2·G·s²·C} for lp, {@code 2·G·C/s²}
     * for pl). {@code init_pos} is a buffer and not counted.
     *
     * @param channels C
     * @param scale    s
     * @param groups   G
     * @param style    lp or pl
     * @param dynamic  dynamic scope
     * @return the parameter count
     */
    public static long numParams(long channels, int scale, int groups, Style style, boolean dynamic) {
        long s2 = (long) scale * scale;
        long out = style == Style.LP ? 2L * groups * s2 : 2L * groups;
        long in = style == Style.LP ? channels : channels / s2;
        return out * in + out + (dynamic ? out * in : 0);
    }

    /**
     * Multiply-adds at batch 1 for an input of {@code H × W}: the offset (and scope) 1x1 convs plus 4 per output
     * element for the bilinear sampling (the standard count for {@code grid_sample}; the window formulation used
     * here executes {@code (2R+1)²} products per output element instead).
     *
     * @param channels C
     * @param scale    s
     * @param groups   G
     * @param style    lp or pl
     * @param dynamic  dynamic scope
     * @param height   input H
     * @param width    input W
     * @return multiply-adds
     */
    public static long macs(long channels, int scale, int groups, Style style, boolean dynamic, long height,
                            long width) {
        long s2 = (long) scale * scale;
        long convOut = style == Style.LP ? 2L * groups * s2 : 2L * groups;
        long convIn = style == Style.LP ? channels : channels / s2;
        long positions = style == Style.LP ? height * width : height * width * s2;
        long conv = convOut * convIn * positions * (dynamic ? 2 : 1);
        return conv + 4L * channels * height * width * s2;
    }

    /**
     * DySample as a SameDiff subgraph (no gradient correction: for pure SameDiff networks).
     *
     * @param sd            SameDiff instance
     * @param namePrefix    prefix of the output's name ({@code namePrefix + "out"}), e.g. the module's state_dict
     *                      prefix
     * @param x             input {@code [N, C, H, W]}
     * @param offsetWeight  {@code offset.weight} {@code [O, C', 1, 1]}
     * @param offsetBias    {@code offset.bias} {@code [O]}
     * @param scopeWeight   {@code scope.weight} {@code [O, C', 1, 1]} for dynamic scope, else {@code null}
     * @param channels      C
     * @param height        H (static)
     * @param width         W (static)
     * @param scale         s (2, 4 or 8)
     * @param groups        G
     * @param style         lp or pl
     * @param windowRadius  R, the offset bound in input pixels (see the class Javadoc)
     * @return {@code [N, C, s·H, s·W]}
     */
    public static SDVariable define(SameDiff sd, String namePrefix, SDVariable x, SDVariable offsetWeight,
                                    SDVariable offsetBias, SDVariable scopeWeight, long channels, long height,
                                    long width, int scale, int groups, Style style, int windowRadius) {
        DataType dt = x.dataType();
        long s = scale;
        long s2 = s * s;
        long o = 2L * groups * s2;
        SDVariable offset;
        if (style == Style.LP) {
            SDVariable raw = SameDiffOps.conv1x1(x, offsetWeight, offsetBias, channels, o, height, width);
            if (scopeWeight != null) {
                SDVariable scope = SameDiffOps.conv1x1(x, scopeWeight, null, channels, o, height, width);
                offset = raw.mul(sd.nn().sigmoid(scope)).mul(0.5);
            } else {
                offset = raw.mul(0.25);
            }
        } else {
            long cs = channels / s2;
            long og = 2L * groups;
            SDVariable xs = pixelShuffle(x, cs, s, height, width);
            SDVariable raw = SameDiffOps.conv1x1(xs, offsetWeight, offsetBias, cs, og, height * s, width * s);
            if (scopeWeight != null) {
                SDVariable scope = SameDiffOps.conv1x1(xs, scopeWeight, null, cs, og, height * s, width * s);
                offset = pixelUnshuffle(raw.mul(sd.nn().sigmoid(scope)), og, s, height, width).mul(0.5);
            } else {
                offset = pixelUnshuffle(raw, og, s, height, width).mul(0.25);
            }
        }
        offset = offset.add(sd.constant(initPos(scale, groups).castTo(dt)));
        return sample(sd, namePrefix, x, offset, channels, height, width, scale, groups, windowRadius);
    }

    /**
     * The sampler alone (official {@code DySample.sample}): bilinear, align_corners false, border padding.
     *
     * @param sd           SameDiff instance
     * @param namePrefix   prefix of the output's name ({@code namePrefix + "out"})
     * @param x            input {@code [N, C, H, W]}
     * @param offset       {@code [N, 2·G·s², H, W]} in input pixels, init_pos included
     * @param channels     C
     * @param height       H
     * @param width        W
     * @param scale        s
     * @param groups       G
     * @param windowRadius R: offsets are clamped to {@code [-R, R]}
     * @return {@code [N, C, s·H, s·W]}
     */
    public static SDVariable sample(SameDiff sd, String namePrefix, SDVariable x, SDVariable offset, long channels,
                                    long height, long width, int scale, int groups, int windowRadius) {
        DataType dt = x.dataType();
        long s = scale;
        long s2 = s * s;
        long cg = channels / groups;
        int r = windowRadius;
        SDVariable[] xy = sd.unstack(offset.reshape(-1, 2, groups, s2, height, width), 1, 2);
        SDVariable ex = SameDiffOps.clip(sd, xy[0], sd.constant(bounds(width, r, true, false).castTo(dt)),
                sd.constant(bounds(width, r, false, false).castTo(dt)));
        SDVariable ey = SameDiffOps.clip(sd, xy[1], sd.constant(bounds(height, r, true, true).castTo(dt)),
                sd.constant(bounds(height, r, false, true).castTo(dt)));
        SDVariable[] tx = new SDVariable[2 * r + 1];
        SDVariable[] ty = new SDVariable[2 * r + 1];
        for (int d = -r; d <= r; d++) {
            tx[d + r] = sd.nn().relu(sd.math().abs(ex.sub((double) d)).rsub(1.0), 0.0);
            ty[d + r] = sd.nn().relu(sd.math().abs(ey.sub((double) d)).rsub(1.0), 0.0);
        }
        INDArray paddings = Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0}, {r, r}, {r, r}});
        SDVariable xp = sd.nn().pad(x, sd.constant(paddings), 0.0);
        SDVariable[] terms = new SDVariable[(2 * r + 1) * (2 * r + 1)];
        int t = 0;
        for (int dy = -r; dy <= r; dy++) {
            SDVariable rows = SameDiffOps.slice(xp, 4, 2, r + dy, r + dy + height);
            for (int dx = -r; dx <= r; dx++) {
                SDVariable shifted = SameDiffOps.slice(rows, 4, 3, r + dx, r + dx + width)
                        .reshape(-1, groups, cg, 1, height, width);
                SDVariable weight = ty[dy + r].mul(tx[dx + r]).reshape(-1, groups, 1, s2, height, width);
                terms[t++] = shifted.mul(weight);
            }
        }
        // pairwise adds, not libnd4j's n-ary mergeadd: ~90x slower on such tensors in M2.1 (AddReluVertex)
        SDVariable acc = terms[0];                                         // [N, G, C/G, s², H, W]
        for (int i = 1; i < terms.length; i++) {
            acc = acc.add(terms[i]);
        }
        SDVariable out = acc.reshape(-1, channels, s, s, height, width).permute(0, 1, 4, 2, 5, 3);
        return sd.reshape(namePrefix + "out", out, -1, channels, height * s, width * s);
    }

    /**
     * Per-position clamp bounds of the effective offset along one axis: {@code lo[p] = max(-R, -p)},
     * {@code hi[p] = min(R, n-1-p)}, shaped to broadcast against {@code [N, G, s², H, W]}.
     */
    private static INDArray bounds(long n, int r, boolean lower, boolean alongHeight) {
        double[] v = new double[(int) n];
        for (int p = 0; p < n; p++) {
            v[p] = lower ? Math.max(-r, -p) : Math.min(r, n - 1 - p);
        }
        INDArray a = Nd4j.createFromArray(v);
        return alongHeight ? a.reshape(1, 1, 1, n, 1) : a.reshape(1, 1, 1, 1, n);
    }

    /** {@code pixel_shuffle}: {@code [N, C·s², H, W] → [N, C, s·H, s·W]}, out[c, h·s+i, w·s+j] = in[c·s²+i·s+j, h, w]. */
    static SDVariable pixelShuffle(SDVariable x, long cOut, long s, long h, long w) {
        return x.reshape(-1, cOut, s, s, h, w).permute(0, 1, 4, 2, 5, 3).reshape(-1, cOut, h * s, w * s);
    }

    /** {@code pixel_unshuffle}: {@code [N, C, s·H, s·W] → [N, C·s², H, W]}, the inverse of {@link #pixelShuffle}. */
    static SDVariable pixelUnshuffle(SDVariable x, long c, long s, long h, long w) {
        return x.reshape(-1, c, h, s, w, s).permute(0, 1, 3, 5, 2, 4).reshape(-1, c * s * s, h, w);
    }

    private long offsetOut() {
        return style == Style.LP ? 2L * groups * scale * scale : 2L * groups;
    }

    private long offsetIn() {
        return style == Style.LP ? getChannels() : getChannels() / ((long) scale * scale);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable,
                                  SDVariable mask) {
        SDVariable out = define(sd, "", layerInput, paramTable.get(OFFSET_WEIGHT), paramTable.get(OFFSET_BIAS),
                dynamicScope ? paramTable.get(SCOPE_WEIGHT) : null, getChannels(), height, width, scale, groups, style,
                windowRadius);
        return SameDiffOps.halveGradient(sd, out);
    }

    @Override
    public void validateInput(INDArray input) {
        if (input.rank() != 4 || input.size(1) != getChannels() || input.size(2) != height
                || input.size(3) != width) {
            throw new IllegalArgumentException("DySample layer '" + getLayerName() + "' was defined for input [N, "
                    + getChannels() + ", " + height + ", " + width + "], got " + java.util.Arrays.toString(input.shape()));
        }
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(OFFSET_WEIGHT, offsetOut(), offsetIn(), 1, 1);
        params.addBiasParam(OFFSET_BIAS, offsetOut());
        if (dynamicScope) {
            params.addWeightParam(SCOPE_WEIGHT, offsetOut(), offsetIn(), 1, 1);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray w = params.get(OFFSET_WEIGHT);
        w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(0.001));
        params.get(OFFSET_BIAS).assign(0);
        if (dynamicScope) {
            params.get(SCOPE_WEIGHT).assign(0);
        }
    }

    /**
     * Takes C, H and W from the input type.
     *
     * @param inputType the layer's input type, convolutional NCHW {@code [N, C, H, W]}
     * @param override  whether DL4J asks to replace a configured C
     * @throws IllegalArgumentException when the input is not convolutional NCHW, a configured C differs from the
     *     input's, C is not divisible by G, or (style pl) by s²
     */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        validateChannels(getChannels());
        InputType.InputTypeConvolutional t = (InputType.InputTypeConvolutional) inputType;
        height = t.getHeight();
        width = t.getWidth();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = LayerInputs.convolutional(inputType, getLayerName(), kind());
        return InputType.convolutional(c.getHeight() * scale, c.getWidth() * scale, c.getChannels());
    }

    @Override
    protected String kind() {
        return "DySample";
    }

    /** @return the input height H the layer was defined for */
    public long getHeight() {
        return height;
    }

    /** @return the input width W the layer was defined for */
    public long getWidth() {
        return width;
    }

    /** @return s */
    public int getScale() {
        return scale;
    }

    /** @return G */
    public int getGroups() {
        return groups;
    }

    /** @return the style */
    public Style getStyle() {
        return style;
    }

    /** @return whether the dynamic scope ("DySample+") is on */
    public boolean isDynamicScope() {
        return dynamicScope;
    }

    /** @return R, the offset bound in input pixels */
    public int getWindowRadius() {
        return windowRadius;
    }

    /**
     * Builder of {@link DySample}; defaults: scale 2, 4 groups, style lp, static scope, window radius 2;
     * {@code channels} is optional (taken from the input type).
     */
    public static class Builder extends NchwLayer.Builder<Builder> {
        private int scale = 2;
        private int groups = 4;
        private Style style = Style.LP;
        private boolean dynamicScope;
        private int windowRadius = DEFAULT_WINDOW_RADIUS;

        /** @param scale upsampling factor s: 2, 4 or 8 @return this */
        public Builder scale(int scale) {
            this.scale = scale;
            return this;
        }

        /** @param groups offset groups G (C must be divisible by G) @return this */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** @param style lp (default) or pl @return this */
        public Builder style(Style style) {
            this.style = style;
            return this;
        }

        /** @param dynamicScope true for the dynamic scope variant (DySample+) @return this */
        public Builder dynamicScope(boolean dynamicScope) {
            this.dynamicScope = dynamicScope;
            return this;
        }

        /**
         * @param windowRadius R ≥ 1: offsets are clamped to [-R, R] input pixels and the sampler evaluates
         *                     (2R+1)² shifts (see the class Javadoc)
         * @return this
         */
        public Builder windowRadius(int windowRadius) {
            this.windowRadius = windowRadius;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public DySample build() {
            return new DySample(this);
        }
    }
}
