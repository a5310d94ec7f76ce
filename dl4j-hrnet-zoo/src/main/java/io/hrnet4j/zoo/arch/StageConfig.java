package io.hrnet4j.zoo.arch;

import java.util.Arrays;

/**
 * One HRNet stage as in the official experiment files ({@code MODEL.EXTRA.STAGE2..4}): {@code NUM_MODULES}
 * HighResolutionModules of {@code NUM_BRANCHES} parallel branches, {@code NUM_BLOCKS[b]} residual blocks of type
 * {@code BLOCK} per branch, branch widths {@code NUM_CHANNELS[b]} (before block expansion), fuse method SUM.
 *
 * @param numModules number of HighResolutionModules (>= 1)
 * @param numBranches number of parallel branches (>= 1)
 * @param block residual block type
 * @param numBlocks blocks per branch, length {@code numBranches}
 * @param numChannels channels per branch (before expansion), length {@code numBranches}
 */
public record StageConfig(int numModules, int numBranches, BlockType block, int[] numBlocks, int[] numChannels) {

    /**
     * @throws InvalidConfigException if a count is not positive, a width is above {@link HRNetConfig#MAX_COUNT}, or an
     *     array length differs from the branch count
     */
    public StageConfig {
        if (numModules < 1 || numBranches < 1) {
            throw new InvalidConfigException("NUM_MODULES and NUM_BRANCHES must be >= 1, got " + numModules + " and "
                    + numBranches);
        }
        if (block == null) {
            throw new InvalidConfigException("BLOCK is missing");
        }
        if (numBlocks == null || numBlocks.length != numBranches) {
            throw new InvalidConfigException("NUM_BLOCKS has " + (numBlocks == null ? 0 : numBlocks.length)
                    + " entries but NUM_BRANCHES is " + numBranches);
        }
        if (numChannels == null || numChannels.length != numBranches) {
            throw new InvalidConfigException("NUM_CHANNELS has " + (numChannels == null ? 0 : numChannels.length)
                    + " entries but NUM_BRANCHES is " + numBranches);
        }
        for (int b = 0; b < numBranches; b++) {
            if (numBlocks[b] < 1 || numChannels[b] < 1) {
                throw new InvalidConfigException("branch " + b + ": NUM_BLOCKS and NUM_CHANNELS must be >= 1, got "
                        + numBlocks[b] + " and " + numChannels[b]);
            }
            if (numChannels[b] > HRNetConfig.MAX_COUNT) {
                throw new InvalidConfigException("NUM_CHANNELS[" + b + "] must be <= " + HRNetConfig.MAX_COUNT
                        + ", got " + numChannels[b]);
            }
        }
        numBlocks = numBlocks.clone();
        numChannels = numChannels.clone();
    }

    /** @return output channels of branch {@code b}: {@code numChannels[b] * block.expansion()} */
    public int outChannels(int b) {
        return numChannels[b] * block.expansion();
    }

    @Override
    public int[] numBlocks() {
        return numBlocks.clone();
    }

    @Override
    public int[] numChannels() {
        return numChannels.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageConfig s && s.numModules == numModules && s.numBranches == numBranches
                && s.block == block && Arrays.equals(s.numBlocks, numBlocks) && Arrays.equals(s.numChannels, numChannels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * numModules + numBranches) + Arrays.hashCode(numChannels) + 7 * Arrays.hashCode(numBlocks);
    }

    @Override
    public String toString() {
        return "StageConfig[modules=" + numModules + ", branches=" + numBranches + ", block=" + block + ", blocks="
                + Arrays.toString(numBlocks) + ", channels=" + Arrays.toString(numChannels) + "]";
    }
}
