package io.hrnet4j.zoo.arch;

import io.hrnet4j.zoo.layers.DetailEnhancementModule;
import io.hrnet4j.zoo.layers.DySample;

/**
 * The DE-HRNet additions to HRNet and this project's choices where the paper (Liu et al., PLoS ONE 20(9)
 * e0325540, 2025) is silent; listed in docs/architecture.md, "DE-HRNet choices". Every field is an ablation switch; {@link #defaults()} gives the
 * project defaults.
 *
 * @param dem whether Detail Enhancement Modules are inserted (DE-HRNet choice 1)
 * @param placement where DEMs go: after fusion at every stage output (default) or after every module
 * @param attention channel attention inside the DEM: SE (default) or ECA
 * @param seReduction SE reduction ratio (default 16; hidden width clamped to {@code >= seMinHidden})
 * @param seMinHidden minimum SE hidden width (default 8)
 * @param ecaKernel ECA kernel size, or 0 for the adaptive size of ECA-Net (DE-HRNet choice 5)
 * @param dropout dropout probability on the dual-input DEM output, training only (default 0.1)
 * @param dysample whether DySample replaces the nearest upsampling in fuse paths j > i (DE-HRNet choice 4)
 * @param style DySample style: {@code LP} (default) or {@code PL}
 * @param groups DySample groups (default 4)
 * @param dynamicScope DySample dynamic scope (DySample+), default false (static)
 */
public record DeHrnetOptions(boolean dem, Placement placement, DetailEnhancementModule.Attention attention,
                             int seReduction, int seMinHidden,
                             int ecaKernel, double dropout, boolean dysample, DySample.Style style, int groups,
                             boolean dynamicScope) {

    /** DEM placement. */
    public enum Placement {
        /** After fusion at the output of every stage (2, 3, 4), before the next transition (default). */
        STAGE_OUTPUT,
        /** After fusion at the output of every HighResolutionModule. */
        EVERY_MODULE
    }

    /**
     * @throws InvalidConfigException if a value is out of range
     */
    public DeHrnetOptions {
        if (placement == null || attention == null || style == null) {
            throw new InvalidConfigException("DE-HRNet placement, attention and style must be set");
        }
        if (seReduction < 1 || seMinHidden < 1 || ecaKernel < 0 || (ecaKernel > 0 && ecaKernel % 2 == 0)) {
            throw new InvalidConfigException("DE-HRNet: seReduction and seMinHidden must be >= 1 and ecaKernel 0 "
                    + "(adaptive) or odd, got " + seReduction + ", " + seMinHidden + ", " + ecaKernel);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidConfigException("DE-HRNet: dropout must be in [0, 1), got " + dropout);
        }
        if (groups < 1) {
            throw new InvalidConfigException("DE-HRNet: DySample groups must be >= 1, got " + groups);
        }
    }

    /**
     * @param channels C of the attended tensor
     * @return the DEM layer configuration for C channels (SE or ECA with this record's settings)
     */
    public DetailEnhancementModule demLayer(long channels) {
        return new DetailEnhancementModule.Builder().channels(channels).attention(attention).reduction(seReduction)
                .minHidden(seMinHidden).ecaKernelSize(ecaKernel).build();
    }

    /**
     * @param channels C of the upsampled tensor
     * @param scale upsampling factor
     * @return the DySample layer configuration with this record's settings
     */
    public DySample dySampleLayer(long channels, int scale) {
        return new DySample.Builder().channels(channels).scale(scale).groups(groups).style(style)
                .dynamicScope(dynamicScope).build();
    }

    /** @return the project defaults: DEM at stage outputs with SE (r 16, min 8), dropout 0.1, DySample lp G4 static */
    public static DeHrnetOptions defaults() {
        return new DeHrnetOptions(true, Placement.STAGE_OUTPUT, DetailEnhancementModule.Attention.SE, 16, 8, 0, 0.1,
                true, DySample.Style.LP, 4, false);
    }

    /** @param on DEM on/off @return a copy */
    public DeHrnetOptions withDem(boolean on) {
        return new DeHrnetOptions(on, placement, attention, seReduction, seMinHidden, ecaKernel, dropout, dysample,
                style, groups, dynamicScope);
    }

    /** @param p the placement @return a copy */
    public DeHrnetOptions withPlacement(Placement p) {
        return new DeHrnetOptions(dem, p, attention, seReduction, seMinHidden, ecaKernel, dropout, dysample, style,
                groups, dynamicScope);
    }

    /** @param a the attention @return a copy */
    public DeHrnetOptions withAttention(DetailEnhancementModule.Attention a) {
        return new DeHrnetOptions(dem, placement, a, seReduction, seMinHidden, ecaKernel, dropout, dysample, style,
                groups, dynamicScope);
    }

    /** @param on DySample on/off @return a copy */
    public DeHrnetOptions withDySample(boolean on) {
        return new DeHrnetOptions(dem, placement, attention, seReduction, seMinHidden, ecaKernel, dropout, on, style,
                groups, dynamicScope);
    }

    /** @param s the style @param g groups @param dynamic dynamic scope @return a copy */
    public DeHrnetOptions withDySample(DySample.Style s, int g, boolean dynamic) {
        return new DeHrnetOptions(dem, placement, attention, seReduction, seMinHidden, ecaKernel, dropout, dysample,
                s, g, dynamic);
    }

    /** @param p dropout probability @return a copy */
    public DeHrnetOptions withDropout(double p) {
        return new DeHrnetOptions(dem, placement, attention, seReduction, seMinHidden, ecaKernel, p, dysample, style,
                groups, dynamicScope);
    }
}
