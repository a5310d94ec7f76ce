package io.hrnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import io.hrnet4j.zoo.train.CheckpointStore;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.train.TrainingRecipe;
import io.hrnet4j.zoo.train.TrainingReport;
import io.hrnet4j.zoo.train.TrainingResult;
import io.hrnet4j.zoo.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The Spark execution backend inside the one trainer, in local[2] on the real COCO val2017 sample in ../shared/data
 * (14 persons) with a micro HRNet (input 32x24): the executors' samples, the multi-step schedule applied on the
 * executors, and a Spark run resumed on one device.
 */
class SparkBackendTest {
    static final HRNetConfig MICRO = new HRNetConfig(17, 32, 24, 8, 1, 4, List.of(
            new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {4, 8})), 1, null);
    static final TopDownRecipe RECIPE = TopDownRecipe.coco256x192().withInputSize(24, 32);
    static JavaSparkContext sc;
    static List<PoseSample> samples;

    @TempDir
    Path tmp;

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

    static TrainingRecipe recipe(int epochs, int... milestones) {
        return TrainingRecipe.builder().epochs(epochs).milestones(milestones).learningRate(1e-2).batchSize(2)
                .workers(1).seed(77).checkpointEveryIterations(0).keepCheckpoints(10).validateEveryEpochs(0)
                .logEveryIterations(1).build();
    }

    static PoseTrainer.Builder trainer(Path out, TrainingRecipe r, ByteArrayOutputStream log) {
        TrainingData d = TrainingData.of(samples, new TopDownSampleProcessor(RECIPE, true), r.batchSize(),
                r.workers(), r.seed());
        return PoseTrainer.builder(MICRO, d, out).recipe(r).progress(new PrintStream(log, true, StandardCharsets.UTF_8))
                .report(new TrainingReport.Options(false, 0, KeypointSchema.COCO));
    }

    static SparkBackend.Settings settings() {
        return new SparkBackend.Settings(SparkBackend.Master.PARAMETER_AVERAGING, 1, 0, 2, null);
    }

    /** {@code hrnet train --spark MASTER} finds this module's backend through the class path. */
    @Test
    void theModuleRegistersTheSparkBackendForTheCommandLine() {
        assertThat(io.hrnet4j.zoo.train.ClusterBackends.factory("spark", "local[1]")).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.hrnet4j.zoo.train.ClusterBackends.factory("ray",
                "x")).hasMessage("no ray execution backend on the class path (found: spark); the Spark backend is "
                + "the dl4j-hrnet-spark module, built with the Maven profile -P spark");
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

    /** The learning rate of each Spark epoch, read from the run's metrics, follows x0.1 at epochs 1 and 2. */
    @Test
    void sparkLocal2FollowsTheMultiStepScheduleReadFromTheRunsMetrics() throws IOException {
        Path out = tmp.resolve("schedule");
        TrainingRecipe r = recipe(3, 1, 2);
        TrainingResult res = trainer(out, r, new ByteArrayOutputStream())
                .execution(SparkBackend.factory(sc, settings())).build().train();
        int minibatches = (samples.size() + 1) / 2;
        assertThat(res.losses()).hasSize(3).allMatch(Double::isFinite);

        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode epochs = metrics.get("epochs");
        assertThat(epochs).hasSize(3);
        double[] expected = {1e-2, 1e-3, 1e-4};
        for (int e = 0; e < 3; e++) {
            assertThat(epochs.get(e).get("learningRate").asDouble()).as("epoch %d", e + 1)
                    .isCloseTo(expected[e], within(1e-12));
            assertThat(epochs.get(e).get("iteration").asLong()).isEqualTo((long) (e + 1) * minibatches);
        }
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv.get(3)).startsWith("3," + 3 * minibatches + ",3,").contains(",0.000100000,");

        // the executors applied those rates: each epoch moves the final layer's weights ~10x less than the one before
        INDArray[] w = new INDArray[4];
        w[0] = TrainingBackend.graph(MICRO, r).stateDict().get("final_layer.weight");
        CheckpointStore store = CheckpointStore.of(out.resolve("checkpoints"), 10);
        assertThat(store.list()).hasSize(3);
        for (int e = 1; e <= 3; e++) {
            TrainingBackend.GraphBackend g = TrainingBackend.graph(MICRO, r);
            CheckpointStore.Checkpoint c = CheckpointStore.read(store.list().get(e - 1));
            assertThat(c.state().backend()).isEqualTo("spark");
            g.restore(c.arrays(), c.state().updates());
            w[e] = g.stateDict().get("final_layer.weight");
        }
        double d1 = w[1].sub(w[0]).norm2Number().doubleValue();
        double d2 = w[2].sub(w[1]).norm2Number().doubleValue();
        double d3 = w[3].sub(w[2]).norm2Number().doubleValue();
        assertThat(d1).isPositive();
        assertThat(d2 / d1).as("epoch 2 vs 1 step size").isBetween(0.02, 0.3);
        assertThat(d3 / d2).as("epoch 3 vs 2 step size").isBetween(0.02, 0.3);
    }

    @Test
    void aSparkLocal2RunResumesOnOneDeviceWithOneLossSequence() throws IOException {
        Path out = tmp.resolve("resume");
        TrainingRecipe r = recipe(2, 1);
        int minibatches = (samples.size() + 1) / 2;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult spark = trainer(out, r, log).execution(SparkBackend.factory(sc, settings()))
                .maxIterations(minibatches).build().train();
        assertThat(spark.losses()).hasSize(1);
        TrainingState s = CheckpointStore.read(spark.lastCheckpoint()).state();
        assertThat(s.backend()).isEqualTo("spark");
        assertThat(s.epoch()).isEqualTo(1);
        assertThat(s.iteration()).isEqualTo(minibatches);

        TrainingResult single = trainer(out, r, log).backend(TrainingBackend.Kind.GRAPH).resumeFrom(out).build()
                .train();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("(spark backend): epoch 2, batch 0, iteration "
                + minibatches);
        assertThat(single.losses()).hasSize(1 + minibatches).startsWith(spark.losses().get(0))
                .allMatch(Double::isFinite);
        assertThat(single.epochs()).extracting(TrainingState.EpochRecord::iteration)
                .containsExactly((long) minibatches, 2L * minibatches);
        assertThat(single.epochs().get(1).learningRate()).isCloseTo(1e-3, within(1e-12));
        // continuous: the first single-device steps start from the Spark-trained weights, whose loss is below the
        // fresh initialisation's (the Spark epoch's mean loss includes its early, higher-loss minibatches)
        double resumedMean = single.losses().subList(1, 1 + minibatches).stream().mapToDouble(Double::doubleValue)
                .average().orElseThrow();
        assertThat(resumedMean).isLessThan(spark.losses().get(0) * 1.5);
    }
}
