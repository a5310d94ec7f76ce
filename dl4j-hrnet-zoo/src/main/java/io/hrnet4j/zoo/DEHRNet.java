package io.hrnet4j.zoo;

import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.layers.DetailEnhancementModule;
import io.hrnet4j.zoo.layers.DySample;

/**
 * DE-HRNet (Liu et al., "DE-HRNet: Detail enhanced high-resolution network for human pose estimation", PLoS ONE
 * 20(9) e0325540, 2025) as a DL4J zoo model: HRNet with Detail Enhancement Modules after fusion and DySample in
 * place of the nearest upsampling of the fuse layers. No official code exists; this project's choices are the
 * defaults of {@link DeHrnetOptions#defaults()} (this project's choices where the DE-HRNet paper is silent: docs/architecture.md, "DE-HRNet choices") and every one is a builder switch, so the
 * paper's ablations run with the same code:
 * <pre>
 * ComputationGraph g = new DEHRNet.Builder().width(32).inputShape(3, 384, 288)
 *         .dem(true).dySample(true).attention(DetailEnhancementModule.Attention.SE).build().init();
 * </pre>
 * Input {@code [N, 3, H, W]} NCHW, output heatmaps {@code [N, K, H/4, W/4]}, as {@link HRNet}. DySample fixes the
 * spatial size of the graph at build time: a DE-HRNet takes exactly its configured input size.
 */
public class DEHRNet extends HRNet {

    /**
     * @param builder the builder
     */
    protected DEHRNet(Builder builder) {
        super(builder);
    }

    /** Builder of {@link DEHRNet}: the HRNet options plus the DE-HRNet switches (defaults: docs/architecture.md, "DE-HRNet choices"). */
    public static class Builder extends HRNet.AbstractBuilder<Builder> {
        private DeHrnetOptions options = DeHrnetOptions.defaults();

        /** @param o all DE-HRNet options at once @return this */
        public Builder options(DeHrnetOptions o) {
            this.options = o;
            return this;
        }

        /** @param on Detail Enhancement Modules on/off (default on) @return this */
        public Builder dem(boolean on) {
            options = options.withDem(on);
            return this;
        }

        /** @param p DEM placement (default after every stage's fusion) @return this */
        public Builder demPlacement(DeHrnetOptions.Placement p) {
            options = options.withPlacement(p);
            return this;
        }

        /** @param a DEM channel attention, SE (default) or ECA @return this */
        public Builder attention(DetailEnhancementModule.Attention a) {
            options = options.withAttention(a);
            return this;
        }

        /** @param on DySample in the fuse layers on/off (default on; off = nearest upsampling) @return this */
        public Builder dySample(boolean on) {
            options = options.withDySample(on);
            return this;
        }

        /**
         * @param style lp (default) or pl
         * @param groups groups (default 4)
         * @param dynamicScope dynamic scope, DySample+ (default false)
         * @return this
         */
        public Builder dySample(DySample.Style style, int groups, boolean dynamicScope) {
            options = options.withDySample(style, groups, dynamicScope);
            return this;
        }

        /** @param p dropout of the dual-input DEMs, training only (default 0.1) @return this */
        public Builder dropout(double p) {
            options = options.withDropout(p);
            return this;
        }

        @Override
        HRNetConfig resolveConfig() {
            HRNetConfig base = super.resolveConfig();
            return base.deHrnet() != null ? base : base.withDeHrnet(options);
        }

        @Override
        public DEHRNet build() {
            return new DEHRNet(this);
        }
    }
}
