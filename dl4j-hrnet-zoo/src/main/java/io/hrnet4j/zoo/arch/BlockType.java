package io.hrnet4j.zoo.arch;

/**
 * Residual block types of HRNet (official {@code pose_hrnet.py}: {@code BasicBlock}, {@code Bottleneck}).
 */
public enum BlockType {
    /** 3x3, BN, ReLU, 3x3, BN, + residual, ReLU; expansion 1. YAML name {@code BASIC}. */
    BASIC(1),
    /** 1x1, BN, ReLU, 3x3, BN, ReLU, 1x1 (x4), BN, + residual, ReLU; expansion 4. YAML name {@code BOTTLENECK}. */
    BOTTLENECK(4);

    private final int expansion;

    BlockType(int expansion) {
        this.expansion = expansion;
    }

    /** @return the output channel multiplier of the block (1 or 4) */
    public int expansion() {
        return expansion;
    }
}
