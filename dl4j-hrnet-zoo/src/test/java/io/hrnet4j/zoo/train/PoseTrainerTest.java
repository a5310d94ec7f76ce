package io.hrnet4j.zoo.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.weights.StateDict;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The trainer on a micro HRNet (W4, 64x48) and six synthetic samples (batch 2, three batches per epoch): exact
 * resume for both realisations, NaN loss, unwritable output, full disk, corrupt checkpoint, validation outputs.
 */
class PoseTrainerTest {
    static final HRNetConfig CFG = TrainerFixture.CFG;
    static final TopDownRecipe DATA_RECIPE = TrainerFixture.DATA_RECIPE;
    static SyntheticPoseDataset synth;
    static List<PoseSample> train;

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    @BeforeAll
    static void data() throws IOException {
        synth = TrainerFixture.synthetic(shared.resolve("cache"), 6, 3);
        train = TrainerFixture.trainSamples(synth, 6);
    }

    static TrainingRecipe recipe() {
        return TrainingRecipe.builder().epochs(2).milestones(1).batchSize(2).workers(1).seed(11)
                .checkpointEveryIterations(2).keepCheckpoints(5).validateEveryEpochs(0).logEveryIterations(1).build();
    }

    static TrainingData data(TrainingRecipe r) {
        return TrainerFixture.data(train, r);
    }

    static PoseTrainer.Builder trainer(Path out, TrainingBackend.Kind kind, PrintStream progress) {
        return trainer(out, kind, progress, recipe());
    }

    static PoseTrainer.Builder trainer(Path out, TrainingBackend.Kind kind, PrintStream progress, TrainingRecipe r) {
        return TrainerFixture.trainer(train, r, out, progress).backend(kind);
    }

    static PrintStream quiet() {
        return TrainerFixture.quiet();
    }

    void resumeIsExact(TrainingBackend.Kind kind) {
        TrainingResult full = trainer(tmp.resolve("full"), kind, quiet()).build().train();
        assertThat(full.losses()).hasSize(6);
        TrainingResult part = trainer(tmp.resolve("part"), kind, quiet()).maxIterations(2).build().train();
        assertThat(part.losses()).hasSize(2);
        assertThat(part.lastCheckpoint().getFileName().toString()).isEqualTo("checkpoint-i000000002.zip");
        // a fresh trainer (new model, new random init) resumes mid-epoch 1 and crosses into epoch 2
        TrainingResult resumed = trainer(tmp.resolve("part"), kind, quiet()).resumeFrom(tmp.resolve("part")).build()
                .train();
        assertThat(resumed.losses()).hasSize(6);
        assertThat(resumed.losses()).containsExactlyElementsOf(full.losses());
        assertThat(resumed.epochs()).hasSize(2);
        assertThat(resumed.epochs().get(1).learningRate()).isEqualTo(1e-4);
        assertThat(full.losses().get(5)).isLessThan(full.losses().get(0));
    }

    @Test
    void graphResumeReproducesTheUninterruptedLossSequence() {
        resumeIsExact(TrainingBackend.Kind.GRAPH);
    }

    /** Slow: every SameDiff model build differentiates the graph again (~20 s each here). */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void sameDiffResumeReproducesTheUninterruptedLossSequence() {
        resumeIsExact(TrainingBackend.Kind.SAMEDIFF);
    }

    /**
     * Issue 12: the updater state moves between the realisations by official key. A graph trained 2 steps hands its
     * weights and Adam moments to a SameDiff model (conv weights YXIO there, {@code [out, kH, kW, in]} in the graph)
     * and back to a fresh graph: every checkpoint array comes back bit for bit, and the SameDiff model holds the
     * graph's moments of the first conv (PyTorch layout) exactly.
     */
    @Test
    void updaterStateRoundTripsGraphToSameDiffToGraphExactly() {
        TrainingRecipe r = recipe();
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> before;
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> portable;
        try (TrainingBackend g = TrainingBackend.graph(CFG, r)) {
            TrainerFixture.RecordingSteps steps = new TrainerFixture.RecordingSteps();
            g.fit(new BatchLimit(data(r).epoch(0), 2, false), steps);
            assertThat(steps.losses()).hasSize(2).allMatch(Double::isFinite);
            before = g.checkpointArrays();
            portable = g.portableArrays();
            assertThat(g.updates()).isEqualTo(2);
        }
        String m = PortableArrays.updaterKey("conv1.weight", "M");
        String v = PortableArrays.updaterKey("conv1.weight", "V");
        assertThat(portable.get(m).shape()).containsExactly(portable.get("conv1.weight").shape());
        assertThat(portable.get(m).amaxNumber().doubleValue()).isGreaterThan(0);
        assertThat(portable.get(v).amaxNumber().doubleValue()).isGreaterThan(0);
        assertThat(portable.keySet()).doesNotContain(PortableArrays.updaterKey("bn1.running_mean", "M"));
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> viaSameDiff;
        try (TrainingBackend sd = TrainingBackend.sameDiff(CFG, r)) {
            sd.restorePortable(portable, 2);
            assertThat(sd.updates()).isEqualTo(2);
            viaSameDiff = sd.portableArrays();
        }
        assertThat(viaSameDiff.keySet()).containsExactlyInAnyOrderElementsOf(portable.keySet());
        assertThat(viaSameDiff.get(m)).isEqualTo(portable.get(m));
        assertThat(viaSameDiff.get(v)).isEqualTo(portable.get(v));
        try (TrainingBackend back = TrainingBackend.graph(CFG, r.toBuilder().seed(99).build())) {
            back.restorePortable(viaSameDiff, 2);
            assertThat(back.updates()).isEqualTo(2);
            assertThat(back.checkpointArrays()).containsOnlyKeys(before.keySet());
            before.forEach((k, a) -> assertThat(back.checkpointArrays().get(k)).as(k).isEqualTo(a));
        }
    }

    /**
     * Issue 12, a run checkpointed by any backend resumes on any other: graph (2 steps) &rarr; SameDiff (2 steps,
     * across the epoch boundary and the learning-rate drop) &rarr; graph (2 steps) follows the uninterrupted graph
     * run: the first steps bit for bit, the SameDiff steps and the graph steps after them within the two
     * realisations' float difference (their losses on the same weights and batch agree to 1e-4, see
     * {@code TrainingStepTest}).
     */
    @Test
    void graphThenSameDiffThenGraphContinuesTheUninterruptedLossSequence() throws IOException {
        TrainingResult full = trainer(tmp.resolve("full"), TrainingBackend.Kind.GRAPH, quiet()).build().train();
        Path out = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);
        trainer(out, TrainingBackend.Kind.GRAPH, progress).maxIterations(2).build().train();
        TrainingResult sd = trainer(out, TrainingBackend.Kind.SAMEDIFF, progress).resumeFrom(out).maxIterations(4)
                .build().train();
        TrainingState s = CheckpointStore.read(sd.lastCheckpoint()).state();
        assertThat(s.backend()).isEqualTo("samediff");
        assertThat(s.arrays()).isEqualTo(TrainingBackend.SAMEDIFF_LAYOUT);
        assertThat(s.iteration()).isEqualTo(4);
        assertThat(s.updates()).isEqualTo(4);
        TrainingResult back = trainer(out, TrainingBackend.Kind.GRAPH, progress).resumeFrom(out).build().train();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("checkpoint-i000000002.zip (graph backend): epoch 1, batch 2, iteration 2")
                .contains("checkpoint-i000000004.zip (samediff backend): epoch 2, batch 1, iteration 4");
        List<Double> l = back.losses();
        System.out.println("cross-realisation losses " + l + " vs uninterrupted " + full.losses());
        assertThat(l).hasSize(6).startsWith(full.losses().get(0), full.losses().get(1));
        for (int i = 2; i < 6; i++) {
            assertThat(l.get(i)).as("step %d", i + 1).isCloseTo(full.losses().get(i),
                    within(1e-3 * full.losses().get(i)));
        }
        assertThat(back.epochs()).extracting(TrainingState.EpochRecord::learningRate).containsExactly(1e-3, 1e-4);
    }

    @Test
    void corruptLastCheckpointFallsBackAndStillResumesExactly() throws IOException {
        TrainingResult full = trainer(tmp.resolve("full"), TrainingBackend.Kind.GRAPH, quiet()).build().train();
        Path out = tmp.resolve("run");
        trainer(out, TrainingBackend.Kind.GRAPH, quiet()).maxIterations(4).build().train();
        CheckpointStore store = CheckpointStore.of(out.resolve("checkpoints"), 5);
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly(
                "checkpoint-i000000002.zip", "checkpoint-i000000003.zip", "checkpoint-i000000004.zip");
        Path last = store.list().get(2);
        byte[] b = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(b, b.length - 100));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult resumed = trainer(out, TrainingBackend.Kind.GRAPH,
                new PrintStream(log, true, StandardCharsets.UTF_8)).resumeFrom(out).build().train();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("checkpoint-i000000003.zip (graph backend): epoch 2, "
                + "batch 0, iteration 3");
        assertThat(resumed.losses()).containsExactlyElementsOf(full.losses());
    }

    @Test
    void nanLossStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws IOException {
        TrainingRecipe r = recipe();
        AtomicInteger batches = new AtomicInteger();
        // the third minibatch of the run gets a NaN label
        TrainingData poisoned = new TrainingData.Samples(train, new TopDownSampleProcessor(DATA_RECIPE, true),
                r.batchSize(), r.workers(), r.seed(), ds -> {
                    if (batches.incrementAndGet() == 3) {
                        ds.getLabels().putScalar(0, Double.NaN);
                    }
                });
        Path out = tmp.resolve("nan");
        assertThatThrownBy(() -> PoseTrainer.builder(CFG, poisoned, out).recipe(r)
                .backend(TrainingBackend.Kind.SAMEDIFF).progress(quiet()).build().train())
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.diverged()).isTrue())
                .hasMessageStartingWith("loss is NaN at epoch 1, iteration 3 (batch 3 of 3): training diverged and was "
                        + "stopped; the last good checkpoint is " + out.resolve("checkpoints")
                        .resolve("checkpoint-i000000002.zip"));
        CheckpointStore store = CheckpointStore.of(out.resolve("checkpoints"), 5);
        assertThat(store.list()).hasSize(1);
        assertThat(store.loadLatest().state().iteration()).isEqualTo(2);
        assertThat(store.loadLatest().state().losses()).hasSize(2).allMatch(Double::isFinite);
    }

    @Test
    void unwritableOutputFolderFailsBeforeTraining() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertThatThrownBy(() -> trainer(file.resolve("run"), TrainingBackend.Kind.SAMEDIFF,
                new PrintStream(log, true, StandardCharsets.UTF_8)).build().train())
                .isInstanceOf(TrainingException.class)
                .hasMessageStartingWith("output folder is not writable: " + file.resolve("run"));
        assertThat(log.size()).isZero();
    }

    @Test
    void fullDiskWhileCheckpointingStopsAndKeepsEarlierCheckpoints() throws IOException {
        AtomicInteger opened = new AtomicInteger();
        CheckpointStore.FileSink sink = f -> {
            if (opened.incrementAndGet() >= 2) {
                return new java.io.FilterOutputStream(Files.newOutputStream(f)) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new IOException("No space left on device");
                    }

                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("No space left on device");
                    }
                };
            }
            return Files.newOutputStream(f);
        };
        Path out = tmp.resolve("full-disk");
        Path first = out.resolve("checkpoints").resolve("checkpoint-i000000002.zip");
        assertThatThrownBy(() -> trainer(out, TrainingBackend.Kind.GRAPH, quiet()).fileSink(sink).build().train())
                .isInstanceOf(TrainingException.class)
                .hasMessage("cannot write checkpoint " + out.resolve("checkpoints").resolve("checkpoint-i000000003.zip")
                        + " (No space left on device); earlier checkpoints are intact, the last is " + first);
        CheckpointStore store = CheckpointStore.of(out.resolve("checkpoints"), 5);
        assertThat(store.list()).containsExactly(first);
        assertThat(store.loadLatest().state().iteration()).isEqualTo(2);
        try (var files = Files.list(out.resolve("checkpoints"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoint-i000000002.zip");
        }
    }

    @Test
    void validationKeepsTheBestModelAndWritesTheReport() throws IOException {
        TrainingRecipe r = recipe().toBuilder().epochs(1).validateEveryEpochs(1).flipTest(true).build();
        List<PoseSample> val = CocoKeypoints.groundTruth(synth.val().annotationFile(), synth.val().imageDir(),
                DATA_RECIPE.aspectRatio()).samples();
        PoseValidator v = TopDownValidator.coco(val, DATA_RECIPE, CocoGroundTruth.read(synth.val().annotationFile()),
                4, 1, true);
        Path out = tmp.resolve("val");
        TrainingResult res = PoseTrainer.builder(CFG, data(r), out).recipe(r).backend(TrainingBackend.Kind.GRAPH)
                .validator(v).progress(quiet()).build().train();
        assertThat(res.lastValidation().metricName()).isEqualTo("AP");
        assertThat(res.lastValidation().stats()).containsOnlyKeys("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50",
                "AR75", "ARm", "ARl");
        assertThat(res.bestMetric()).isBetween(0.0, 1.0).isEqualTo(res.lastValidation().metric());
        assertThat(res.bestEpoch()).isEqualTo(1);
        assertThat(res.lastValidation().predictions()).isNotEmpty()
                .allMatch(p -> p.keypoints().length == 17 && p.imagePath() != null);
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(metrics.get("bestMetric").asDouble()).isEqualTo(res.bestMetric());
        assertThat(metrics.get("epochs").get(0).get("metricName").asText()).isEqualTo("AP");
        assertThat(metrics.get("epochs").get(0).get("metric").asDouble()).isEqualTo(res.bestMetric());
        assertThat(metrics.get("peakRssBytes").asLong()).isEqualTo(res.peakRssBytes()).isGreaterThan(100L << 20);
        assertThat(metrics.get("experiment").get("MODEL").get("NUM_JOINTS").asInt()).isEqualTo(17);
        assertThat(Files.readAllLines(out.resolve("loss.csv"))).hasSize(4).first().isEqualTo("step,loss");
        assertThat(Files.readAllLines(out.resolve("metrics.csv")).get(1)).startsWith("1,3,");
        int keys = Complexity.of(CFG).stateDictShapes().size();
        for (String f : List.of("best.npz", "final.npz")) {
            StateDict sd = StateDict.load(out.resolve(f));
            assertThat(sd.size()).isEqualTo(keys);
            sd.checkAgainst(Complexity.of(CFG).stateDictShapes());
        }
        TrainingState best = CheckpointStore.read(out.resolve("best.zip")).state();
        assertThat(best.bestEpoch()).isEqualTo(1);
        assertThat(best.epochs()).hasSize(1);
        assertThat(best.epochs().get(0).metric()).isEqualTo(res.bestMetric());
        assertThat(best.epoch()).isEqualTo(1);
        BufferedImage plot = ImageIO.read(out.resolve("training-curves.png").toFile());
        assertThat(plot.getWidth()).isEqualTo(900);
        assertThat(plot.getHeight()).isEqualTo(500);
        try (var pngs = Files.list(out.resolve("predictions"))) {
            List<Path> files = pngs.toList();
            assertThat(files).isNotEmpty();
            BufferedImage first = ImageIO.read(files.get(0).toFile());
            assertThat(first.getWidth()).isEqualTo(192);
            assertThat(first.getHeight()).isEqualTo(160);
        }
    }

    /**
     * Issue 14: the same seed and options give the same loss sequence, bit for bit, from the first iteration; with
     * the default seed 0, which ND4J's native generator does not reproduce unless mixed
     * ({@link TrainingRecipe#nd4jSeed}).
     */
    @Test
    void twoFreshGraphRunsWithTheSameSeedGiveBitIdenticalLosses() {
        TrainingRecipe r = recipe().toBuilder().seed(0).build();
        TrainingResult a = trainer(tmp.resolve("a"), TrainingBackend.Kind.GRAPH, quiet(), r).maxIterations(3).build()
                .train();
        TrainingResult b = trainer(tmp.resolve("b"), TrainingBackend.Kind.GRAPH, quiet(), r).maxIterations(3).build()
                .train();
        assertThat(a.losses()).hasSize(3);
        assertThat(b.losses()).containsExactlyElementsOf(a.losses());
    }

    /** Issue 14, the default realisation of {@code ./hrnet train}. Slow: two SameDiff model builds. */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void twoFreshSameDiffRunsWithTheSameSeedGiveBitIdenticalLosses() {
        TrainingRecipe r = recipe().toBuilder().seed(0).build();
        TrainingResult a = trainer(tmp.resolve("a"), TrainingBackend.Kind.SAMEDIFF, quiet(), r).maxIterations(2)
                .build().train();
        TrainingResult b = trainer(tmp.resolve("b"), TrainingBackend.Kind.SAMEDIFF, quiet(), r).maxIterations(2)
                .build().train();
        assertThat(b.losses()).containsExactlyElementsOf(a.losses());
    }

    @Test
    void theRunFolderHoldsTheExperimentAsAnOfficialYamlAndResumeRefusesAnotherRecipe() throws IOException {
        Path out = tmp.resolve("yaml");
        trainer(out, TrainingBackend.Kind.GRAPH, quiet()).maxIterations(1).build().train();
        ExperimentFile e = ExperimentFile.read(out.resolve(PoseTrainer.CONFIG_FILE));
        assertThat(e.config()).isEqualTo(CFG);
        assertThat(e.recipe()).isEqualTo(recipe());
        assertThat(e.sigma()).isEqualTo(DATA_RECIPE.sigma());
        assertThat(io.hrnet4j.zoo.arch.ExperimentConfig.read(out.resolve(PoseTrainer.CONFIG_FILE))).isEqualTo(CFG);
        List<String> yaml = Files.readAllLines(out.resolve(PoseTrainer.CONFIG_FILE));
        assertThat(yaml).contains("MODEL:", "  NUM_JOINTS: 17", "TRAIN:", "  LR_STEP:");

        TrainingRecipe other = recipe().toBuilder().learningRate(5e-3).build();
        assertThatThrownBy(() -> trainer(out, TrainingBackend.Kind.GRAPH, quiet(), other).resumeFrom(out).build()
                .train())
                .isInstanceOf(TrainingException.class)
                .hasMessageEndingWith("checkpoint-i000000001.zip: the recipe contradicts the run's: lr 0.001 (run) vs "
                        + "0.005");
        assertThat(CheckpointStore.of(out.resolve("checkpoints"), 5).list()).hasSize(1);
    }
}
