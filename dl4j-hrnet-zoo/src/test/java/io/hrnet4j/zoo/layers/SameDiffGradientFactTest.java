package io.hrnet4j.zoo.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pins the DL4J 1.0.0-M2.1 fact behind {@link SameDiffOps#halveGradient}: a SameDiff layer inside a
 * ComputationGraph returns exactly twice the correct gradient for its parameters and its input. If a DL4J upgrade
 * fixes this, this test fails and the correction must be removed from every layer.
 */
class SameDiffGradientFactTest {

    /** ECA without the correction: the plain subgraph as DL4J's SameDiffLayer would run it. */
    static final class UncorrectedECA extends ECA {
        UncorrectedECA() {
        }

        UncorrectedECA(ECA.Builder b) {
            super(b);
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> p, SDVariable mask) {
            return define(sd, "", in, p.get(WEIGHT), getChannels(), getKernelSize());
        }
    }

    @ParameterizedTest
    @EnumSource(value = WorkspaceMode.class, names = {"NONE", "ENABLED"})
    void uncorrectedSameDiffLayerReturnsExactlyTwiceTheGradient(WorkspaceMode ws) throws Exception {
        Map<String, INDArray> w = NumpyFiles.readNpz(SharedData.oracle("eca_weights.npz"));
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("eca_input.npy"));
        INDArray r = NumpyFiles.readNpy(SharedData.oracle("eca_gradout.npy"));
        INDArray gIn = NumpyFiles.readNpy(SharedData.oracle("eca_grad_input.npy"));
        INDArray gW = NumpyFiles.readNpy(SharedData.oracle("eca_grad_weight.npy"));

        GraphHarness raw = new GraphHarness(new UncorrectedECA(new ECA.Builder().kernelSize(3)), DataType.DOUBLE, ws,
                32, 5, 4).setParams(w);
        Map<String, INDArray> g = raw.gradients(x, r);
        if (ws == WorkspaceMode.NONE) {
            Oracles.assertClose(g.get("input"), gIn.mul(2.0), 1e-6);
        }
        Oracles.assertClose(g.get(ECA.WEIGHT), gW.mul(2.0), 1e-6);

        GraphHarness fixed = new GraphHarness(new ECA.Builder().kernelSize(3).build(), DataType.DOUBLE, ws, 32, 5, 4)
                .setParams(w);
        Map<String, INDArray> g2 = fixed.gradients(x, r);
        if (ws == WorkspaceMode.NONE) {
            Oracles.assertClose(g2.get("input"), gIn, 1e-6);
        }
        Oracles.assertClose(g2.get(ECA.WEIGHT), gW, 1e-6);
    }

    @Test
    void halveGradientIsAnIdentityForward() {
        SameDiff sd = SameDiff.create();
        SDVariable v = sd.var("v", org.nd4j.linalg.factory.Nd4j.createFromArray(1.5, -2.0, 3.25));
        SDVariable y = SameDiffOps.halveGradient(sd, v);
        assertThat(y.eval().toDoubleVector()).containsExactly(1.5, -2.0, 3.25);
        SDVariable loss = y.sum();
        loss.markAsLoss();
        INDArray grad = sd.calculateGradients(null, "v").get("v");
        assertThat(grad.toDoubleVector()).containsExactly(0.5, 0.5, 0.5);
    }
}
