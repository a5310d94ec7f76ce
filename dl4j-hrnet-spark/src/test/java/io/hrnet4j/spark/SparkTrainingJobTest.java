package io.hrnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import io.hrnet4j.zoo.train.parallel.CheckpointStore;
import io.hrnet4j.zoo.train.parallel.TrainingCheckpoint;
import io.hrnet4j.zoo.train.parallel.TrainingState;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/** Spark training in local[2] on the real COCO val2017 sample in ../shared/data with a micro HRNet (input 32x24). */
class SparkTrainingJobTest {
    static final HRNetConfig MICRO = new HRNetConfig(17, 32, 24, 8, 1, 4, List.of(
            new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {4, 8})), 1, null);
    static final TopDownRecipe RECIPE = TopDownRecipe.coco256x192().withInputSize(24, 32);
    static JavaSparkContext sc;
    static List<PoseSample> samples;

    @BeforeAll
    static void start() throws Exception {
        samples = CocoKeypoints.groundTruth(SharedData.data("coco-sample/test_coco.json"),
                SharedData.data("coco-sample"), RECIPE.aspectRatio()).samples();
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("hrnet4j-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    @Test
    void executorsProduceExactlyTheSamplesOfLocalProcessing() throws Exception {
        List<DataSet> remote = PoseSampleRdd.epoch(sc, samples, RECIPE, true, 77, 3, 2).collect();
        assertThat(remote).hasSize(samples.size());
        TopDownSampleProcessor local = new TopDownSampleProcessor(RECIPE, true);
        for (int i = 0; i < samples.size(); i++) {
            DataSet expected = PoseSampleRdd.toDataSet(local.process(samples.get(i), i, 77, 3), RECIPE);
            DataSet got = remote.get(i);
            assertThat(got.getFeatures().shape()).containsExactly(1, 3, 32, 24);
            assertThat(got.getLabels().shape()).containsExactly(1, 17, 8, 6);
            assertThat(got.getFeatures()).as("features of sample %d", i).isEqualTo(expected.getFeatures());
            assertThat(got.getLabels()).as("heatmaps of sample %d", i).isEqualTo(expected.getLabels());
            assertThat(got.getLabelsMaskArray()).as("target weights of sample %d", i)
                    .isEqualTo(expected.getLabelsMaskArray());
        }
    }

    @Test
    void oneEpochWithParameterAveragingInLocal2WritesARestorableCheckpoint(@TempDir Path dir) throws Exception {
        ComputationGraph g = new HRNet.Builder().config(MICRO).seed(5).updater(new Adam(1e-2)).build().init();
        INDArray before = g.params().dup();
        SparkTrainingJob.Settings s = new SparkTrainingJob.Settings(1, 2, 1, 0,
                SparkTrainingJob.Master.PARAMETER_AVERAGING, 77, 2, dir, null);
        SparkTrainingJob.Result r = SparkTrainingJob.train(sc, g, TrainingState.start(77), samples, RECIPE, s);

        assertThat(r.epochLosses()).hasSize(1);
        assertThat(r.epochLosses().get(0)).isFinite().isPositive();
        assertThat(r.state()).isEqualTo(new TrainingState(1, 0, samples.size(), 77, r.epochLosses().get(0)));
        assertThat(r.graph().params().sub(before).amaxNumber().doubleValue()).isGreaterThan(0);

        CheckpointStore store = new CheckpointStore(dir, 3);
        assertThat(store.list()).extracting(p -> p.getFileName().toString())
                .containsExactly(CheckpointStore.fileName(r.state()));
        TrainingCheckpoint.Restored back = store.loadLatest().orElseThrow();
        assertThat(back.state()).isEqualTo(r.state());
        assertThat(back.graph().params()).isEqualTo(r.graph().params());
        assertThat(back.graph().getEpochCount()).isEqualTo(1);
    }

    @Test
    void resumingInsideAnEpochIsRefusedWithTheReason() {
        ComputationGraph g = new HRNet.Builder().config(MICRO).build().init();
        SparkTrainingJob.Settings s = new SparkTrainingJob.Settings(1, 2, 1, 0,
                SparkTrainingJob.Master.PARAMETER_AVERAGING, 1, 2, null, null);
        assertThatThrownBy(() -> SparkTrainingJob.train(sc, g, new TrainingState(0, 4, 4, 1, 0.1), samples, RECIPE, s))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Spark training resumes at epoch boundaries; the state is at minibatch 4 of epoch 0");
    }
}
