package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Training mode of both realisations: the same loss on the same weights and batch, BN statistics, descent. */
class TrainingStepTest {
    static final HRNetConfig CFG = TinyConfigs.tiny();
    static Map<String, INDArray> weights;
    static DataSet batch;

    @BeforeAll
    static void setUp() throws Exception {
        weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        INDArray x = NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy"));
        Nd4j.getRandom().setSeed(7);
        INDArray labels = Nd4j.rand(DataType.FLOAT, 2, 17, 32, 24);
        INDArray w = Nd4j.ones(DataType.FLOAT, 2, 17, 32, 24);
        w.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.point(3)).assign(0);
        batch = new DataSet(x, labels, null, w);
    }

    /** The reference loss: 0.5 * mean((w * (pred - gt))^2) with batch-statistics BN (PyTorch train mode). */
    @Test
    void bothRealisationsComputeTheSameTrainingLoss() {
        ComputationGraph g = new HRNet.Builder().config(CFG).build().init();
        GraphWeights.load(CFG, g, weights);
        g.setInput(0, batch.getFeatures());
        g.setLabels(batch.getLabels());
        g.setLayerMaskArrays(null, new INDArray[] {batch.getLabelsMaskArray()});
        g.computeGradientAndScore();
        double cgLoss = g.score();

        SameDiffHRNet sd = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        sd.loadStateDict(weights);
        INDArray sdLoss = sd.sameDiff().outputSingle(Map.of(SameDiffHRNet.INPUT, batch.getFeatures(),
                SameDiffHRNet.LABELS, batch.getLabels(), SameDiffHRNet.TARGET_WEIGHT, batch.getLabelsMaskArray()),
                SameDiffHRNet.LOSS);
        assertThat(cgLoss).isCloseTo(sdLoss.getDouble(0), within(1e-4 * Math.abs(cgLoss)));
        // the masked joint contributes nothing: the loss is at most the unmasked one
        assertThat(cgLoss).isGreaterThan(0);
    }

    @Test
    void sameDiffFitUpdatesRunningStatisticsAsPyTorch() {
        SameDiffHRNet sd = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        sd.loadStateDict(weights);
        INDArray conv1 = sd.sameDiff().outputSingle(Map.of(SameDiffHRNet.INPUT, batch.getFeatures()), "infer/conv1");
        INDArray batchMean = conv1.mean(0, 2, 3);
        INDArray centred = conv1.sub(batchMean.reshape(1, 64, 1, 1));
        double n = 2 * 64 * 48;
        INDArray unbiasedVar = centred.mul(centred).mean(0, 2, 3).muli(n / (n - 1));
        INDArray expMean = weights.get("bn1.running_mean").mul(0.9).add(batchMean.mul(0.1));
        INDArray expVar = weights.get("bn1.running_var").mul(0.9).add(unbiasedVar.mul(0.1));
        sd.fit(new SingletonDataSetIterator(batch), 1);
        INDArray rm = sd.sameDiff().getArrForVarName("bn1.running_mean");
        INDArray rv = sd.sameDiff().getArrForVarName("bn1.running_var");
        assertThat(rm.sub(expMean).amaxNumber().doubleValue()).isLessThan(1e-5);
        assertThat(rv.sub(expVar).amaxNumber().doubleValue()).isLessThan(1e-4);
    }

    @Test
    void bothRealisationsDescend() {
        ComputationGraph g = new HRNet.Builder().config(CFG).updater(new Adam(1e-3)).build().init();
        GraphWeights.load(CFG, g, weights);
        List<Double> cg = RepeatedFit.graph(g, batch, 5);
        assertThat(cg.get(4)).isLessThan(cg.get(0));

        SameDiffHRNet sd = SameDiffHRNet.create(CFG, 1, new Adam(1e-3));
        sd.loadStateDict(weights);
        List<Double> recorded = RepeatedFit.sameDiff(sd, batch, 5);
        double[] losses = recorded.stream().mapToDouble(Double::doubleValue).toArray();
        assertThat(losses).hasSize(5);
        assertThat(losses[4]).isLessThan(losses[0]);
        // same weights, same batch, same updater: the first losses agree between realisations
        assertThat(losses[0]).isCloseTo(cg.get(0), within(1e-3 * cg.get(0)));
    }
}
