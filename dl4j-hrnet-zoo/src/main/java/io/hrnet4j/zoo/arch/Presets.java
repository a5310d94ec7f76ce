package io.hrnet4j.zoo.arch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one registry of named architectures, variants as data (as timm's {@code default_cfgs}): each {@link Preset}
 * names a family, a width, a joint count and an input size.
 * <ul>
 *   <li>{@link Family#STANDARD}: the official pose_hrnet stages (official {@code experiments/coco/hrnet/*.yaml} and
 *       {@code experiments/mpii/hrnet/*.yaml}): {@code w32_256x192}, {@code w32_384x288}, {@code w48_256x192},
 *       {@code w48_384x288} (COCO, 17 joints), {@code w32_256x256_mpii}, {@code w48_256x256_mpii} (MPII, 16).</li>
 *   <li>{@link Family#SMALL}: the small CPU-trainable HRNet of {@link #small}; {@value #EMBEDDED} is the model the
 *       embedded default {@code ./hrnet train} trains (W16, 17 joints, 128x96).</li>
 * </ul>
 */
public final class Presets {
    /** Name of the embedded default's model: {@link #small} W16, 17 COCO joints, input 128x96 (HxW). */
    public static final String EMBEDDED = "small_w16_128x96";

    /** How a family builds its stages from a width. */
    public enum Family {
        /** Official stages: stem 64, layer1 4 Bottlenecks of 64 planes, stages 2-4 ({@link HRNetConfig#standard}). */
        STANDARD,
        /** {@link Presets#small}: stem W, layer1 one Bottleneck of W planes, stages 2-3 of one BasicBlock per branch. */
        SMALL
    }

    /**
     * One named architecture.
     *
     * @param name the name ({@code --preset})
     * @param family how the stages are built
     * @param width W (branch widths W, 2W, 4W, 8W)
     * @param numJoints K
     * @param inputHeight input height, pixels
     * @param inputWidth input width, pixels
     * @param source where the variant comes from
     */
    public record Preset(String name, Family family, int width, int numJoints, int inputHeight, int inputWidth,
                         String source) {
        /** @return the configuration */
        public HRNetConfig config() {
            return build(family, width, numJoints, inputHeight, inputWidth);
        }
    }

    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        for (int w : new int[] {32, 48}) {
            add(new Preset("w" + w + "_256x192", Family.STANDARD, w, 17, 256, 192,
                    "official experiments/coco/hrnet/w" + w + "_256x192_adam_lr1e-3.yaml"));
            add(new Preset("w" + w + "_384x288", Family.STANDARD, w, 17, 384, 288,
                    "official experiments/coco/hrnet/w" + w + "_384x288_adam_lr1e-3.yaml"));
            add(new Preset("w" + w + "_256x256_mpii", Family.STANDARD, w, 16, 256, 256,
                    "official experiments/mpii/hrnet/w" + w + "_256x256_adam_lr1e-3.yaml"));
        }
        add(new Preset(EMBEDDED, Family.SMALL, 16, 17, 128, 96, "this project: the embedded default of hrnet train"));
    }

    private static void add(Preset p) {
        PRESETS.put(p.name(), p);
    }

    private Presets() {
    }

    /** @return preset name to configuration, in a stable order */
    public static Map<String, HRNetConfig> all() {
        Map<String, HRNetConfig> m = new LinkedHashMap<>();
        PRESETS.forEach((k, v) -> m.put(k, v.config()));
        return Collections.unmodifiableMap(m);
    }

    /** @return the presets, in a stable order */
    public static List<Preset> list() {
        return new ArrayList<>(PRESETS.values());
    }

    /**
     * @param name a preset name (case-insensitive)
     * @return the preset
     * @throws InvalidConfigException listing the known names when the name is unknown
     */
    public static Preset preset(String name) {
        Preset p = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new InvalidConfigException("unknown preset '" + name + "'; known: " + PRESETS.keySet());
        }
        return p;
    }

    /**
     * @param name a preset name (case-insensitive)
     * @return the configuration
     * @throws InvalidConfigException listing the known names when the name is unknown
     */
    public static HRNetConfig get(String name) {
        return preset(name).config();
    }

    /** @return the embedded default's model, {@value #EMBEDDED} */
    public static HRNetConfig embedded() {
        return get(EMBEDDED);
    }

    /**
     * @param family the family
     * @param width W
     * @param numJoints K
     * @param inputHeight input height, a multiple of 16 (SMALL) or 32 (STANDARD)
     * @param inputWidth input width
     * @return the family's configuration at that size
     * @throws InvalidConfigException if a size does not divide or a count is not positive
     */
    public static HRNetConfig build(Family family, int width, int numJoints, int inputHeight, int inputWidth) {
        return family == Family.SMALL ? small(width, numJoints, inputHeight, inputWidth)
                : HRNetConfig.standard(width, numJoints, inputHeight, inputWidth);
    }

    /**
     * A small HRNet for CPU training: stem of {@code width} channels (two 3x3 stride-2 convs), layer1 one Bottleneck
     * of {@code width} planes ({@code 4 * width} out), stage2 (W, 2W) and stage3 (W, 2W, 4W) with one module and one
     * BasicBlock per branch, no stage4; heatmaps at stride 4. At W16, 17 joints, 128x96: 181,585 parameters and
     * 37.2 M multiply-adds per crop (vs 7.6 G for W32 at 256x192), i.e. about 200x cheaper.
     *
     * @param width W
     * @param numJoints K
     * @param inputHeight input height, a multiple of 16
     * @param inputWidth input width, a multiple of 16
     * @return the configuration
     * @throws InvalidConfigException if the sizes do not divide by 16 or a count is not positive
     */
    public static HRNetConfig small(int width, int numJoints, int inputHeight, int inputWidth) {
        int w = width;
        return new HRNetConfig(numJoints, inputHeight, inputWidth, w, 1, w, List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {w, 2 * w}),
                new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {w, 2 * w, 4 * w})), 1, null);
    }

    /**
     * The same architecture at another width: branch {@code i} of every stage gets {@code width * 2^i} channels
     * (HRNet's W); stem, layer1, depths and joints are kept.
     *
     * @param cfg an architecture
     * @param width the new W
     * @return the rescaled configuration
     * @throws InvalidConfigException if the width is not positive
     */
    public static HRNetConfig withWidth(HRNetConfig cfg, int width) {
        List<StageConfig> stages = new ArrayList<>();
        for (StageConfig s : cfg.stages()) {
            int[] ch = new int[s.numBranches()];
            for (int i = 0; i < ch.length; i++) {
                ch[i] = width << i;
            }
            stages.add(new StageConfig(s.numModules(), s.numBranches(), s.block(), s.numBlocks(), ch));
        }
        return new HRNetConfig(cfg.numJoints(), cfg.inputHeight(), cfg.inputWidth(), cfg.stemChannels(),
                cfg.layer1Blocks(), cfg.layer1Planes(), stages, cfg.finalConvKernel(), cfg.deHrnet());
    }
}
