package io.hrnet4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.StageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches end to end with a very small HRNet (3 branches, input 64x48) and budgets of a few iterations. */
class PoseSearchEndToEndTest {
    @TempDir
    static Path tmp;
    static PoseSearchData synthetic;

    /** A 3-branch HRNet of width w (1 module, 1 BasicBlock per branch, stem 16): input 64x48, heatmaps 16x12. */
    static HRNetConfig small(PoseCandidate c) {
        int w = c.width();
        return new HRNetConfig(17, 64, 48, 16, 1, 16, List.of(
                new StageConfig(1, 2, BlockType.BASIC, new int[] {1, 1}, new int[] {w, 2 * w}),
                new StageConfig(1, 3, BlockType.BASIC, new int[] {1, 1, 1}, new int[] {w, 2 * w, 4 * w})), 1, null);
    }

    @BeforeAll
    static void data() throws Exception {
        SyntheticPoseDataset ds = SyntheticPoseDataset.builder().seed(5).counts(6, 3).imageSize(96, 96)
                .generate(tmp.resolve("cache"));
        synthetic = PoseSearchData.synthetic(ds, 64, 48, 11);
    }

    private static Path space(String name, String yaml) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private static SearchReport run(PoseSearch.Builder b) throws Exception {
        return b.build().run();
    }

    @Test
    void randomSearchOnSyntheticDataIsReproducibleAndResumable() throws Exception {
        PoseSearchSpace sp = PoseSearchSpace.read(space("random.yaml", "optimizer: [adam, sgd]\n"
                + "learningRate: {min: 1.0e-3, max: 1.0e-1, log: true}\nschedule: {unit: iteration, drops: [[1]], "
                + "factor: [0.1, 0.5]}\nbatchSize: 8\nwidth: 4\n"));
        PoseScore score = new PoseScore(PoseScore.Kind.OKS_AP);
        GraphCandidateTrainer trainer = new GraphCandidateTrainer(synthetic, score, PoseSearchEndToEndTest::small, 1);
        AtomicInteger calls = new AtomicInteger();
        PoseCandidateTrainer counting = (c, b, dir, p) -> {
            calls.incrementAndGet();
            return trainer.train(c, b, dir, p);
        };
        Path outA = tmp.resolve("a");
        SearchReport a = run(PoseSearch.builder(sp, counting, score, outA).seed(42).maxCandidates(3)
                .budget(TrainingBudget.parse("2i")));
        SearchReport b = run(PoseSearch.builder(sp, trainer, score, tmp.resolve("b")).seed(42).maxCandidates(3)
                .budget(TrainingBudget.parse("2i")));
        assertThat(calls.get()).isEqualTo(3);
        assertThat(a.ranked()).hasSize(3);
        assertThat(a.ranked()).allSatisfy(r -> {
            assertThat(r.completed()).isTrue();
            assertThat(r.result().iterations()).isEqualTo(2);
            assertThat(r.result().score()).isBetween(0.0, 1.0);
        });
        assertThat(ids(b)).isEqualTo(ids(a));
        assertThat(scores(b)).containsExactly(scores(a));
        Path first = outA.resolve("candidates").resolve(a.ranked().get(0).id());
        assertThat(first.resolve("checkpoints")).isDirectory();
        assertThat(io.hrnet4j.zoo.train.ExperimentFile.read(first.resolve("config.yaml")).recipe().batchSize())
                .isEqualTo(8);
        assertThat(first.resolve("candidate.json")).exists();
        assertThat(Files.readAllLines(first.resolve("history.csv")).get(0))
                .isEqualTo("epoch,iterations,train_loss,learning_rate,validation_score,seconds");
        assertThat(outA.resolve("ranking.csv")).exists();

        // restart over the same folder: nothing is trained again, same ranking
        SearchReport again = run(PoseSearch.builder(sp, counting, score, outA).seed(42).maxCandidates(3)
                .budget(TrainingBudget.parse("2i")));
        assertThat(calls.get()).isEqualTo(3);
        assertThat(again.ranked()).allSatisfy(r -> assertThat(r.resumed()).isTrue());
        assertThat(ids(again)).isEqualTo(ids(a));
        assertThat(scores(again)).containsExactly(scores(a));

        Path png = tmp.resolve("plot.png");
        ScoreLrPlot.write(a.ranked(), score, png);
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(720);
    }

    @Test
    void gridSearchRecordsFailedCandidatesAndGoesOn() throws Exception {
        PoseSearchSpace sp = PoseSearchSpace.read(space("grid.yaml", "learningRate: [1.0e-3, 1.0e-2]\n"
                + "width: [4, 5]\nbatchSize: 8\nschedule: {drops: [[5]]}\n"));
        PoseScore score = new PoseScore(PoseScore.Kind.VALIDATION_LOSS);
        GraphCandidateTrainer trainer = new GraphCandidateTrainer(synthetic, score, c -> {
            if (c.width() == 5) {
                throw new IllegalArgumentException("width 5 is refused by this test's architecture");
            }
            return small(c);
        }, 1);
        SearchReport r = run(PoseSearch.builder(sp, trainer, score, tmp.resolve("grid"))
                .generator(PoseSearch.Generator.GRID).maxCandidates(100).budget(TrainingBudget.parse("1i")));
        assertThat(r.ranked()).hasSize(4);
        assertThat(r.ranked().subList(0, 2)).allSatisfy(x -> assertThat(x.completed()).isTrue());
        assertThat(r.ranked().get(0).result().score()).isLessThanOrEqualTo(r.ranked().get(1).result().score());
        assertThat(r.ranked().subList(2, 4)).allSatisfy(x -> {
            assertThat(x.result().status()).isEqualTo(CandidateResult.Status.FAILED);
            assertThat(x.result().failure())
                    .isEqualTo("IllegalArgumentException: width 5 is refused by this test's architecture");
            assertThat(x.candidate().width()).isEqualTo(5);
        });
        assertThat(r.table()).contains("failed").contains("val-loss");
        Path failed = tmp.resolve("grid").resolve("candidates").resolve(r.ranked().get(3).id()).resolve("result-1i.json");
        assertThat(Files.readString(failed)).contains("\"status\" : \"FAILED\"");
    }

    @Test
    void successiveHalvingContinuesSurvivorsFromCheckpoints() throws Exception {
        PoseSearchSpace sp = PoseSearchSpace.read(space("halving.yaml",
                "learningRate: {min: 1.0e-3, max: 1.0e-1}\nbatchSize: 4\nwidth: 4\nschedule: {drops: [[9]]}\n"));
        PoseScore score = new PoseScore(PoseScore.Kind.VALIDATION_LOSS);
        GraphCandidateTrainer trainer = new GraphCandidateTrainer(synthetic, score, PoseSearchEndToEndTest::small, 1);
        SearchReport r = run(PoseSearch.builder(sp, trainer, score, tmp.resolve("halving")).seed(3).maxCandidates(4)
                .halving(2).budget(TrainingBudget.parse("1i")));
        assertThat(r.ranked()).hasSize(4);
        assertThat(r.ranked().stream().map(x -> x.budget().toString()).toList())
                .containsExactly("4i", "2i", "1i", "1i");
        CandidateRecord best = r.ranked().get(0);
        assertThat(best.result().iterations()).isEqualTo(4);
        // one history row per epoch end and per budget end, cumulative over the rungs (1i, 2i, 4i)
        List<Long> its = best.result().history().stream().map(EpochRecord::iterations).toList();
        assertThat(its).containsSubsequence(1L, 2L, 4L).isSorted();
        assertThat(its.get(its.size() - 1)).isEqualTo(4L);
    }

    /** About 40 s on 2 cores. */
    @Test
    @Tag("slow")
    void searchOnTheRealCocoSampleScoresOksAp() throws Exception {
        Path dir = SharedData.data("coco-sample");
        PoseSearchData coco = PoseSearchData.coco(dir.resolve("test_coco.json"), dir, dir.resolve("test_coco.json"),
                dir, 64, 48, 2);
        PoseScore score = PoseScore.defaultFor(coco);
        assertThat(score.kind()).isEqualTo(PoseScore.Kind.OKS_AP);
        PoseSearchSpace sp = PoseSearchSpace.read(space("coco.yaml",
                "learningRate: {min: 1.0e-3, max: 1.0e-2}\nbatchSize: 8\nwidth: 4\n"));
        GraphCandidateTrainer trainer = new GraphCandidateTrainer(coco, score, PoseSearchEndToEndTest::small, 1);
        SearchReport a = run(PoseSearch.builder(sp, trainer, score, tmp.resolve("coco1")).seed(9).maxCandidates(2)
                .budget(TrainingBudget.parse("1i")));
        SearchReport b = run(PoseSearch.builder(sp, trainer, score, tmp.resolve("coco2")).seed(9).maxCandidates(2)
                .budget(TrainingBudget.parse("1i")));
        assertThat(a.ranked()).hasSize(2).allSatisfy(x -> assertThat(x.result().score()).isBetween(0.0, 1.0));
        assertThat(ids(b)).isEqualTo(ids(a));
        assertThat(scores(b)).containsExactly(scores(a));
    }

    private static List<String> ids(SearchReport r) {
        return r.ranked().stream().map(CandidateRecord::id).toList();
    }

    private static double[] scores(SearchReport r) {
        return r.ranked().stream().mapToDouble(x -> x.result().score()).toArray();
    }
}
