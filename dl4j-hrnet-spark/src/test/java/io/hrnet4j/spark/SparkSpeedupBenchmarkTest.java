package io.hrnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.train.TrainingRecipe;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Throughput of Spark local[1] vs local[2] (parameter averaging, minibatch 2 per worker) on the real COCO sample
 * (replicated 4x), with the tiny official HRNet architecture (shared/oracle tiny_config.json: input 128x96), measured
 * in the same JVM run (local[1] first, one warm-up epoch each). Prints examples/s and the ratio.
 */
@Tag("slow")
class SparkSpeedupBenchmarkTest {
    static final HRNetConfig TINY = new HRNetConfig(17, 128, 96, 64, 4, 64, List.of(
            new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {4, 8}),
            new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {4, 8, 16}),
            new StageConfig(1, 4, BlockType.BASIC, new int[] {1, 1, 1, 1}, new int[] {4, 8, 16, 32})), 1, null);

    @Test
    void local1VersusLocal2() throws Exception {
        TopDownRecipe recipe = TopDownRecipe.coco256x192().withInputSize(96, 128);
        List<PoseSample> one = CocoKeypoints.groundTruth(SharedData.data("coco-sample/test_coco.json"),
                SharedData.data("coco-sample"), recipe.aspectRatio()).samples();
        List<PoseSample> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.addAll(one);
        }
        double[] rate = new double[3];
        for (int cores = 1; cores <= 2; cores++) {
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + cores + "]")
                    .setAppName("bench").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1"))) {
                ComputationGraph g = new HRNet.Builder().config(TINY).updater(new Adam(1e-3)).build().init();
                SparkBackend b = new SparkBackend(sc, false, new TrainingBackend.GraphBackend(TINY, g),
                        TrainingRecipe.builder().batchSize(2).seed(1).learningRate(1e-3).milestones().build(),
                        new SparkBackend.Settings(SparkBackend.Master.PARAMETER_AVERAGING, 1, 0, cores, null));
                TrainingData data = TrainingData.of(samples, new TopDownSampleProcessor(recipe, true), 2, 1, 1);
                List<Double> losses = new ArrayList<>();
                int[] epoch = {0};
                TrainingBackend.Steps steps = new TrainingBackend.Steps() {
                    @Override
                    public int epoch() {
                        return epoch[0];
                    }

                    @Override
                    public void beforeStep() {
                    }

                    @Override
                    public void stepDone(int minibatches, double loss, double learningRate) {
                        losses.add(loss);
                    }
                };
                b.fitEpoch(data, steps); // warm-up epoch
                long t0 = System.nanoTime();
                for (epoch[0] = 1; epoch[0] < 3; epoch[0]++) {
                    b.fitEpoch(data, steps);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                rate[cores] = 2.0 * samples.size() / s;
                assertThat(losses).hasSize(3).allMatch(Double::isFinite);
                System.out.printf("Spark local[%d]: %.2f examples/s (%.1f s for %d examples)%n", cores, rate[cores], s,
                        2 * samples.size());
            }
        }
        System.out.printf("Spark speed-up local[2] vs local[1]: %.2fx%n", rate[2] / rate[1]);
        assertThat(rate[2]).isPositive();
    }
}
