package io.hrnet4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.HRNet;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;

/**
 * The transfer-learning example on the real MPII sample: the official tiny COCO model (shared/oracle/tiny_hrnet.pth,
 * 17 joints, 128x96) becomes a 16-joint MPII model; the body stays frozen bit for bit, the new head learns.
 */
class FineTuneWithTransferLearningTest {
    @Test
    void cocoModelBecomesAnMpiiModelWithAFrozenBody() throws Exception {
        ComputationGraph coco = new HRNet.Builder().config(TinyModel.CONFIG).build().initPretrained(TinyModel.weights());
        INDArray conv1Before = coco.getLayer("conv1").getParam("W").dup();
        ComputationGraph mpii = FineTuneWithTransferLearning.replaceJoints(coco, TinyModel.CONFIG, 16, 1e-3);

        LoadedSamples samples = MpiiAnnotations.load(SharedData.data("mpii-sample/test_mpii.json"),
                SharedData.data("mpii-sample"));
        TopDownRecipe recipe = TopDownRecipe.mpii256x256().withInputSize(96, 128).withoutAugmentation();
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(samples.samples(),
                new TopDownSampleProcessor(recipe, true)).batchSize(4).workers(1).seed(5).shuffle(false).build()) {
            DataSet first = it.next();
            assertThat(first.getLabels().shape()).containsExactly(4, 16, 32, 24);
            assertThat(mpii.outputSingle(first.getFeatures()).shape()).containsExactly(4, 16, 32, 24);
            // one real batch, fitted repeatedly: the loss of the same batch must fall
            List<Double> losses = FineTuneWithTransferLearning.fineTune(mpii, new SingletonDataSetIterator(first), 12);
            assertThat(losses).hasSize(12).allSatisfy(l -> assertThat(l).isFinite());
            assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        }
        // frozen body: the stem convolution is unchanged to the bit
        assertThat(mpii.getLayer("conv1").getParam("W")).isEqualTo(conv1Before);
        assertThat(mpii.getLayer("final_layer").getParam("W").shape()).containsExactly(16, 4, 1, 1);
    }
}
