package io.hrnet4j.zoo.arch;

import java.util.List;

/** The configuration of shared/oracle/tiny_hrnet (tiny_config.json): widths 4/8/16/32, 1 module and 1 block. */
public final class TinyConfigs {
    private TinyConfigs() {
    }

    /** @return the tiny official model: 17 joints, input 128x96 (HxW) */
    public static HRNetConfig tiny() {
        return new HRNetConfig(17, 128, 96, 64, 4, 64, List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {4, 8}),
                new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {4, 8, 16}),
                new StageConfig(1, 4, BlockType.BASIC, new int[] {1, 1, 1, 1}, new int[] {4, 8, 16, 32})), 1, null);
    }
}
