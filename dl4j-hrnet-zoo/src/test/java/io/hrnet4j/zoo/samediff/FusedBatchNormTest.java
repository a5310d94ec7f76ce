package io.hrnet4j.zoo.samediff;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.HRNetTopology;
import io.hrnet4j.zoo.arch.TinyConfigs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fused batch norm of the SameDiff training path ({@code moments} + {@link FusedBatchNorm}) has the gradients of
 * PyTorch's training-mode {@code BatchNorm2d}: against the batch norm composed from elementwise ops (exact autodiff,
 * what the training path used before) and central finite differences in float64, and on the tiny oracle network
 * against the same network with the composed batch norm.
 */
class FusedBatchNormTest {
    private static final int N = 3;
    private static final int C = 4;
    private static final int H = 5;
    private static final int W = 6;

    /** The BN of the previous training path: batch statistics composed from elementwise ops. */
    static SDVariable composedBatchNorm(SameDiff sd, String name, SDVariable x, SDVariable gamma, SDVariable beta,
                                        long channels) {
        SDVariable bm = x.mean(true, 0, 2, 3);
        SDVariable centred = x.sub(bm);
        SDVariable bv = centred.mul(centred).mean(true, 0, 2, 3);
        SDVariable inv = sd.math().rsqrt(bv.add(SameDiffEmitter.BN_EPS));
        return centred.mul(inv).mul(gamma.reshape(1, channels, 1, 1)).add(name, beta.reshape(1, channels, 1, 1));
    }

    /** Plain-array forward of {@code sum(BN(x) * r)} in float64 (batch statistics, biased variance). */
    private static double loss(INDArray x, INDArray gamma, INDArray beta, INDArray r) {
        INDArray mean = x.mean(0, 2, 3).reshape(1, C, 1, 1);
        INDArray centred = x.sub(mean);
        INDArray var = centred.mul(centred).mean(0, 2, 3).reshape(1, C, 1, 1);
        INDArray y = centred.mul(Transforms.sqrt(var.add(SameDiffEmitter.BN_EPS), false).rdivi(1.0))
                .mul(gamma.reshape(1, C, 1, 1)).add(beta.reshape(1, C, 1, 1));
        return y.mul(r).sumNumber().doubleValue();
    }

    private static Map<String, INDArray> gradients(boolean fused, INDArray x, INDArray gamma, INDArray beta,
                                                   INDArray r) {
        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.var("x", x.dup());
        SDVariable g = sd.var("gamma", gamma.dup());
        SDVariable b = sd.var("beta", beta.dup());
        SDVariable y;
        if (fused) {
            SDVariable[] stats = sd.math().moments(new String[] {"mean", "var"}, xv, new int[] {0, 2, 3}, false);
            y = FusedBatchNorm.apply(sd, "y", xv, stats[0], stats[1], g, b, SameDiffEmitter.BN_EPS);
        } else {
            y = composedBatchNorm(sd, "y", xv, g, b, C);
        }
        y.mul(sd.constant("r", r)).sum().rename("loss");
        sd.setLossVariables("loss");
        return sd.calculateGradients(Map.of(), "x", "gamma", "beta");
    }

    /**
     * @return {@code (loss(a[at] + h) - loss(a[at] - h)) / 2h}, the central difference of the loss in one element of
     *     {@code a} (restored afterwards)
     */
    private static double centralDifference(INDArray a, long[] at, double h, java.util.function.DoubleSupplier loss) {
        double v = a.getDouble(at);
        a.putScalar(at, v + h);
        double up = loss.getAsDouble();
        a.putScalar(at, v - h);
        double down = loss.getAsDouble();
        a.putScalar(at, v);
        return (up - down) / (2 * h);
    }

    private static double relErr(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / b.amaxNumber().doubleValue();
    }

    @Test
    void fusedGradientsEqualComposedAndFiniteDifferencesInFloat64() {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.DOUBLE, N, C, H, W).muli(2.5).addi(0.7);
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, C).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.DOUBLE, C);
        INDArray r = Nd4j.randn(DataType.DOUBLE, N, C, H, W);
        Map<String, INDArray> fused = gradients(true, x, gamma, beta, r);
        Map<String, INDArray> composed = gradients(false, x, gamma, beta, r);
        // libnd4j's batchnorm_bp computes 1/n in float32: agreement to ~1e-7 relative
        assertThat(relErr(fused.get("x"), composed.get("x"))).isLessThan(1e-6);
        assertThat(relErr(fused.get("gamma"), composed.get("gamma"))).isLessThan(1e-6);
        assertThat(relErr(fused.get("beta"), composed.get("beta"))).isLessThan(1e-12);
        // central differences of the plain forward pass, at a few elements of x and at every gamma and beta
        double h = 1e-6;
        long[][] at = {{0, 0, 0, 0}, {1, 2, 3, 4}, {2, 3, 4, 5}, {0, 1, 2, 3}};
        for (long[] i : at) {
            assertThat(fused.get("x").getDouble(i)).isCloseTo(
                    centralDifference(x, i, h, () -> loss(x, gamma, beta, r)),
                    org.assertj.core.api.Assertions.within(1e-6));
        }
        for (int c = 0; c < C; c++) {
            assertThat(fused.get("gamma").getDouble(c)).isCloseTo(
                    centralDifference(gamma, new long[] {c}, h, () -> loss(x, gamma, beta, r)),
                    org.assertj.core.api.Assertions.within(1e-5));
            assertThat(fused.get("beta").getDouble(c)).isCloseTo(r.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .sumNumber().doubleValue(), org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    /** The previous training path: the same emitter with the composed batch norm. */
    private static final class ComposedBnEmitter extends SameDiffEmitter {
        private final SameDiff sd;

        ComposedBnEmitter(SameDiff sd) {
            super(sd, Mode.TRAINING, "train/", SameDiffHRNet.INPUT);
            this.sd = sd;
        }

        @Override
        public SDVariable batchNorm(String key, SDVariable x, int channels) {
            SDVariable gamma = sd.var(key + ".weight", Nd4j.zeros(DataType.FLOAT, channels));
            SDVariable beta = sd.var(key + ".bias", Nd4j.zeros(DataType.FLOAT, channels));
            return composedBatchNorm(sd, "train/" + key, x, gamma, beta, channels);
        }
    }

    @Test
    void tinyNetworkGradientsEqualTheComposedBatchNormNetwork() throws Exception {
        HRNetConfig cfg = TinyConfigs.tiny();
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        SameDiffHRNet fused = SameDiffHRNet.create(cfg, 1, new Adam(1e-3));
        fused.loadStateDict(weights);

        SameDiff ref = SameDiff.create();
        ComposedBnEmitter e = new ComposedBnEmitter(ref);
        SDVariable pred = HRNetTopology.emit(cfg, e);
        int k = cfg.numJoints();
        SDVariable labels = ref.placeHolder(SameDiffHRNet.LABELS, DataType.FLOAT, -1, k, cfg.heatmapHeight(),
                cfg.heatmapWidth());
        SDVariable tw = ref.placeHolder(SameDiffHRNet.TARGET_WEIGHT, DataType.FLOAT, -1, k, cfg.heatmapHeight(),
                cfg.heatmapWidth());
        SDVariable diff = pred.sub(labels).mul(tw);
        diff.mul(diff).mean().mul(SameDiffHRNet.LOSS, 0.5);
        ref.setLossVariables(SameDiffHRNet.LOSS);
        List<String> params = new ArrayList<>();
        for (SDVariable v : ref.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                v.getArr().assign(fused.sameDiff().getArrForVarName(v.name()));
                params.add(v.name());
            }
        }
        assertThat(params).contains(SameDiffEmitter.convWeightName("conv1"), "bn1.weight", "final_layer.bias");

        Nd4j.getRandom().setSeed(3);
        INDArray input = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(SameDiffHRNet.INPUT, input);
        ph.put(SameDiffHRNet.LABELS, Nd4j.rand(DataType.FLOAT, 2, k, cfg.heatmapHeight(), cfg.heatmapWidth()));
        ph.put(SameDiffHRNet.TARGET_WEIGHT, Nd4j.ones(DataType.FLOAT, 2, k, cfg.heatmapHeight(), cfg.heatmapWidth()));
        fused.prepareTraining();
        Map<String, INDArray> gf = fused.sameDiff().calculateGradients(ph, params);
        Map<String, INDArray> gr = ref.calculateGradients(ph, params);
        // float32 over the whole network (rounding of 1/n and of the summation orders compounds through the
        // network's 30 BNs down to conv1): every gradient agrees to 5e-3 of the largest gradient element (measured
        // 1.7e-3 for conv1.weight, the deepest). (Per
        // parameter, a BN bias gradient such as bn1.bias is a sum whose terms cancel -- the next BN's input gradient
        // sums to zero per channel -- so its own float32 rounding is ~2e-3 of its own size in both realisations.)
        double scale = params.stream().mapToDouble(p -> gr.get(p).amaxNumber().doubleValue()).max().orElseThrow();
        double num = 0;
        double den = 0;
        for (String p : params) {
            INDArray d = gf.get(p).sub(gr.get(p));
            assertThat(d.amaxNumber().doubleValue() / scale).as(p).isLessThan(5e-3);
            num += d.norm2Number().doubleValue() * d.norm2Number().doubleValue();
            den += gr.get(p).norm2Number().doubleValue() * gr.get(p).norm2Number().doubleValue();
        }
        assertThat(Math.sqrt(num / den)).as("relative L2 over all gradients").isLessThan(5e-3);
    }

    @Test
    void convWeightsLiveInYxioAndTheStateDictRoundTripsExactly() throws Exception {
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        SameDiffHRNet m = SameDiffHRNet.create(TinyConfigs.tiny(), 1, new Adam(1e-3));
        m.loadStateDict(weights);
        long[] oiyx = weights.get("conv1.weight").shape();
        assertThat(m.variableOf("conv1.weight")).isEqualTo("conv1.weight/yxio");
        assertThat(m.variableOf("bn1.weight")).isEqualTo("bn1.weight");
        assertThat(m.sameDiff().getArrForVarName("conv1.weight/yxio").shape())
                .containsExactly(oiyx[2], oiyx[3], oiyx[1], oiyx[0]);
        assertThat(m.sameDiff().hasVariable("conv1.weight")).isFalse();
        Map<String, INDArray> back = m.stateDict();
        assertThat(back.keySet()).containsExactlyElementsOf(weights.keySet());
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            if (!e.getKey().endsWith("num_batches_tracked")) {
                assertThat(back.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().castTo(DataType.FLOAT));
            }
        }
    }
}
