package io.hrnet4j.zoo.arch;

import java.util.List;
import java.util.Objects;

/**
 * The one description of an HRNet (or DE-HRNet) architecture from which every realisation is built: the DL4J
 * {@code ComputationGraph}, the pure SameDiff graph, the parameter / multiply-add counter and the state-dict key
 * list. Mirrors the official experiment files ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}):
 * {@code MODEL.NUM_JOINTS}, {@code MODEL.IMAGE_SIZE}, {@code MODEL.EXTRA.STAGE2..4}, {@code FINAL_CONV_KERNEL}.
 * The stem (two 3x3 stride-2 convs of 64 channels) and layer1 (4 Bottlenecks of 64 planes, 256 channels out) are
 * fixed in the official code and kept as fields with those defaults.
 *
 * <p>Input {@code [N, 3, inputHeight, inputWidth]} NCHW; output heatmaps {@code [N, numJoints, inputHeight/4,
 * inputWidth/4]}.
 *
 * @param numJoints K, heatmap channels (17 COCO, 16 MPII)
 * @param inputHeight input height in pixels (multiple of 32 for 4 branches, e.g. 256)
 * @param inputWidth input width in pixels (e.g. 192)
 * @param stemChannels stem width (64 in the official code)
 * @param layer1Blocks number of Bottlenecks in layer1 (4)
 * @param layer1Planes Bottleneck planes in layer1 (64, output 256)
 * @param stages stage2..stage4 (at least one)
 * @param finalConvKernel kernel of final_layer, 1 or 3
 * @param deHrnet DE-HRNet options, or {@code null} for plain HRNet
 */
public record HRNetConfig(int numJoints, int inputHeight, int inputWidth, int stemChannels, int layer1Blocks,
                          int layer1Planes, List<StageConfig> stages, int finalConvKernel, DeHrnetOptions deHrnet) {

    /**
     * @throws InvalidConfigException if the stages are inconsistent (branch counts must grow by one per stage,
     *     existing branches must keep their width, as the official forward assumes), the input size does not divide
     *     by the total stride, a count is not positive or above {@link #MAX_COUNT}, or one forward pass of one
     *     sample needs more than the {@link MemoryBudget} (the message names the input size or the stage that
     *     dominates, with the estimate; checked in microseconds, before anything is allocated)
     */
    public HRNetConfig {
        Objects.requireNonNull(stages, "stages");
        stages = List.copyOf(stages);
        if (numJoints < 1) {
            throw new InvalidConfigException("NUM_JOINTS must be >= 1, got " + numJoints);
        }
        if (stages.isEmpty()) {
            throw new InvalidConfigException("at least one stage (STAGE2) is required");
        }
        if (finalConvKernel != 1 && finalConvKernel != 3) {
            throw new InvalidConfigException("FINAL_CONV_KERNEL must be 1 or 3, got " + finalConvKernel);
        }
        if (stemChannels < 1 || layer1Blocks < 1 || layer1Planes < 1) {
            throw new InvalidConfigException("stem channels, layer1 blocks and planes must be >= 1");
        }
        int prevBranches = 1;
        int[] prevOut = null;
        for (int s = 0; s < stages.size(); s++) {
            StageConfig st = stages.get(s);
            String name = "STAGE" + (s + 2);
            if (st.numBranches() != prevBranches + 1) {
                throw new InvalidConfigException(name + ".NUM_BRANCHES must be " + (prevBranches + 1)
                        + " (one more than the previous stage), got " + st.numBranches());
            }
            if (prevOut != null) {
                for (int b = 0; b < prevOut.length; b++) {
                    if (st.outChannels(b) != prevOut[b]) {
                        throw new InvalidConfigException(name + ".NUM_CHANNELS[" + b + "] = " + st.outChannels(b)
                                + " differs from the previous stage's branch " + b + " (" + prevOut[b]
                                + "): the official transition applies only to new branches after stage 2");
                    }
                }
            }
            prevBranches = st.numBranches();
            prevOut = new int[st.numBranches()];
            for (int b = 0; b < prevOut.length; b++) {
                prevOut[b] = st.outChannels(b);
            }
        }
        int stride = 4 << (prevBranches - 1);
        if (inputHeight < stride || inputWidth < stride || inputHeight % stride != 0 || inputWidth % stride != 0) {
            throw new InvalidConfigException("input size " + inputHeight + "x" + inputWidth + " (HxW) must be a "
                    + "positive multiple of " + stride + " for " + prevBranches + " branches");
        }
        if (numJoints > MAX_COUNT || stemChannels > MAX_COUNT || layer1Planes > MAX_COUNT) {
            throw new InvalidConfigException("NUM_JOINTS, stem channels and layer1 planes must be <= " + MAX_COUNT
                    + ", got " + numJoints + ", " + stemChannels + ", " + layer1Planes);
        }
        MemoryEstimate.of(numJoints, inputHeight, inputWidth, stemChannels, layer1Blocks, layer1Planes, stages,
                finalConvKernel).check(1, false, MemoryBudget.bytes(), MemoryBudget.describe());
    }

    /** Upper bound of joint and channel counts (keeps every channel product within {@code int}). */
    public static final int MAX_COUNT = 1 << 20;

    /**
     * @return the closed-form parameter and activation estimate of this architecture (see {@link MemoryEstimate})
     */
    public MemoryEstimate memoryEstimate() {
        return MemoryEstimate.of(numJoints, inputHeight, inputWidth, stemChannels, layer1Blocks, layer1Planes, stages,
                finalConvKernel);
    }

    /** @return heatmap height, {@code inputHeight / 4} */
    public int heatmapHeight() {
        return inputHeight / 4;
    }

    /** @return heatmap width, {@code inputWidth / 4} */
    public int heatmapWidth() {
        return inputWidth / 4;
    }

    /** @return whether this is a DE-HRNet */
    public boolean isDeHrnet() {
        return deHrnet != null;
    }

    /** @return the width of branch 0 of the last stage (e.g. 32 for W32) */
    public int width() {
        return stages.get(stages.size() - 1).outChannels(0);
    }

    /**
     * The standard HRNet-W{width}: stages 2/3/4 with 1/4/3 modules, 4 BasicBlocks per branch, widths
     * W, 2W, 4W, 8W (official {@code w32_256x192_adam_lr1e-3.yaml}, {@code w48_384x288_adam_lr1e-3.yaml}).
     *
     * @param width W (32 or 48 in the paper; any positive value)
     * @param numJoints K
     * @param inputHeight input height, pixels
     * @param inputWidth input width, pixels
     * @return the configuration
     */
    public static HRNetConfig standard(int width, int numJoints, int inputHeight, int inputWidth) {
        int w = width;
        List<StageConfig> stages = List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {4, 4}, new int[] {w, 2 * w}),
                new StageConfig(4, 3, BlockType.BASIC, new int[] {4, 4, 4}, new int[] {w, 2 * w, 4 * w}),
                new StageConfig(3, 4, BlockType.BASIC, new int[] {4, 4, 4, 4}, new int[] {w, 2 * w, 4 * w, 8 * w}));
        return new HRNetConfig(numJoints, inputHeight, inputWidth, 64, 4, 64, stages, 1, null);
    }

    /** @param opts DE-HRNet options, or null for HRNet @return a copy with them */
    public HRNetConfig withDeHrnet(DeHrnetOptions opts) {
        return new HRNetConfig(numJoints, inputHeight, inputWidth, stemChannels, layer1Blocks, layer1Planes, stages,
                finalConvKernel, opts);
    }

    /** @param k joints @return a copy with K joints */
    public HRNetConfig withNumJoints(int k) {
        return new HRNetConfig(k, inputHeight, inputWidth, stemChannels, layer1Blocks, layer1Planes, stages,
                finalConvKernel, deHrnet);
    }

    /** @param h input height @param w input width @return a copy with that input size */
    public HRNetConfig withInputSize(int h, int w) {
        return new HRNetConfig(numJoints, h, w, stemChannels, layer1Blocks, layer1Planes, stages, finalConvKernel,
                deHrnet);
    }
}
