package io.hrnet4j.zoo.samediff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@link SameDiffHRNet#fit} (one persistent training session, arrays reused across steps) against M2.1's own
 * {@code SameDiff.fit} (a new session per call): the same parameters, Adam state and BN running statistics bit for bit
 * after several steps on changing batches, and the same losses.
 */
class PersistentTrainingSessionTest {
    static final HRNetConfig CFG = TinyConfigs.tiny();
    static Map<String, INDArray> weights;
    static List<DataSet> batches = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        Nd4j.getRandom().setSeed(11);
        for (int i = 0; i < 4; i++) {
            INDArray labels = Nd4j.rand(DataType.FLOAT, 2, 17, 32, 24);
            INDArray w = Nd4j.ones(DataType.FLOAT, 2, 17, 32, 24);
            w.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i % 2),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(0);
            batches.add(new DataSet(x.mul(1 + 0.1 * i), labels, null, w));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void stepsAreBitIdenticalToSameDiffFit() {
        SameDiffHRNet ours = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        ours.loadStateDict(weights);
        SameDiffHRNet reference = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        reference.loadStateDict(weights);
        reference.prepareTraining();
        LossRecorder refLoss = SameDiffHRNet.lossRecorder(null);
        List<Double> ourLosses = new ArrayList<>();
        for (DataSet b : batches) {
            ourLosses.add(ours.fit(new SingletonDataSetIterator(b), 1));
            reference.sameDiff().fit(new SingletonDataSetIterator(b), 1, reference.batchNormStatistics(), refLoss);
        }
        assertThat(ourLosses).containsExactlyElementsOf(refLoss.losses());
        assertThat(ours.sameDiff().getTrainingConfig().getIterationCount()).isEqualTo(4);
        int compared = 0;
        for (SDVariable v : reference.sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
                assertThat(bits(ours.sameDiff().getArrForVarName(v.name()))).as(v.name()).isEqualTo(bits(v.getArr()));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(100);
        int states = 0;
        for (Map.Entry<String, GradientUpdater> u : reference.updaters().entrySet()) {
            Map<String, INDArray> ourState = ours.updaters().get(u.getKey()).getState();
            for (Map.Entry<String, INDArray> s : ((Map<String, INDArray>) u.getValue().getState()).entrySet()) {
                assertThat(bits(ourState.get(s.getKey()))).as(u.getKey() + "/" + s.getKey())
                        .isEqualTo(bits(s.getValue()));
                states++;
            }
        }
        assertThat(states).isGreaterThan(100);
        // the BN running statistics moved (four training steps) and agree (compared above)
        assertThat(ours.sameDiff().getArrForVarName("bn1.running_var").getDouble(0)).isNotEqualTo(1.0);
    }

    /** @return the values as raw float bits (exact comparison; INDArray.equals allows 1e-5) */
    static int[] bits(INDArray a) {
        float[] f = Nd4j.toFlattened('c', a).castTo(DataType.FLOAT).toFloatVector();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }

    @Test
    void releasingTheSessionKeepsTrainingExact() {
        SameDiffHRNet a = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        SameDiffHRNet b = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        for (DataSet d : batches) {
            a.fit(new SingletonDataSetIterator(d), 1);
            b.fit(new SingletonDataSetIterator(d), 1);
            b.releaseTrainingMemory();
        }
        assertThat(bits(b.sameDiff().getArrForVarName("final_layer.bias")))
                .isEqualTo(bits(a.sameDiff().getArrForVarName("final_layer.bias")));
        assertThat(bits(b.stateDict().get("conv1.weight"))).isEqualTo(bits(a.stateDict().get("conv1.weight")));
    }

    @Test
    void aBatchWithoutTargetWeightsIsRejected() {
        SameDiffHRNet m = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        DataSet noMask = new DataSet(batches.get(0).getFeatures(), batches.get(0).getLabels());
        assertThatThrownBy(() -> m.fit(new SingletonDataSetIterator(noMask), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labels mask");
    }
}
