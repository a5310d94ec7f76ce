package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.StageConfig;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A small DE-HRNet trains on the real COCO sample (shared/data/coco-sample, 12 people after the reference's skip
 * rules): a real batch, repeated, loses loss in both realisations (DEM, dual-input DEM with dropout, DySample).
 */
class DeHrnetTrainingTest {

    private static DataSet realBatch(HRNetConfig cfg) throws Exception {
        List<PoseSample> samples = CocoKeypoints.groundTruth(SharedData.data("coco-sample/test_coco.json"),
                SharedData.data("coco-sample"), cfg.inputWidth() / (double) cfg.inputHeight()).samples();
        TopDownRecipe recipe = TopDownRecipe.coco256x192().withInputSize(cfg.inputWidth(), cfg.inputHeight())
                .withoutAugmentation();
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(samples, new TopDownSampleProcessor(recipe, true))
                .batchSize(4).workers(1).seed(3).build()) {
            return it.next();
        }
    }

    @Test
    void smallDeHrnetLowersTheLossOnTheRealCocoSample() throws Exception {
        // narrow stem and layer1, two stages: DEMs (single and dual input) and DySample at scales 2 and 4
        HRNetConfig cfg = new HRNetConfig(17, 64, 48, 16, 1, 8, List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {8, 16}),
                new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {8, 16, 32})), 1,
                DeHrnetOptions.defaults());
        DataSet batch = realBatch(cfg);
        assertThat(batch.getFeatures().shape()).containsExactly(4, 3, 64, 48);

        ComputationGraph g = new DEHRNet.Builder().config(cfg).updater(new Adam(1e-3)).build().init();
        List<Double> cg = RepeatedFit.graph(g, batch, 6);
        assertThat(cg.get(5)).isLessThan(cg.get(0));

        SameDiffHRNet sd = SameDiffHRNet.create(cfg, 3, new Adam(1e-3));
        List<Double> losses = RepeatedFit.sameDiff(sd, batch, 6);
        assertThat(losses).hasSize(6);
        assertThat(losses.get(5)).isLessThan(losses.get(0));
    }
}
