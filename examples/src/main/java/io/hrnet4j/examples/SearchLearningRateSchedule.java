package io.hrnet4j.examples;

import io.hrnet4j.search.CandidateRecord;
import io.hrnet4j.search.GraphCandidateTrainer;
import io.hrnet4j.search.MapScheduleSpace;
import io.hrnet4j.search.Optimizer;
import io.hrnet4j.search.PoseScore;
import io.hrnet4j.search.PoseSearch;
import io.hrnet4j.search.PoseSearchData;
import io.hrnet4j.search.PoseSearchSpace;
import io.hrnet4j.search.ScoreLrPlot;
import io.hrnet4j.search.SearchReport;
import io.hrnet4j.search.TrainingBudget;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Example program: an Arbiter hyper-parameter search over learning-rate schedules for HRNet on COCO keypoints.
 *
 * <p>What it shows a DL4J user:
 * <ul>
 *   <li>the search space as Arbiter parameter spaces ({@link #learningRateScheduleSpace}): the base learning rate
 *       log-uniform in [1e-4, 1e-2], a multi-step schedule ({@link MapScheduleSpace}: the official
 *       {@code MultiStepLR} as an ND4J {@code MapSchedule} by epoch) whose drop epochs and factor are alternatives,
 *       and the length of a linear warm-up; the rest fixed at the published recipe (Adam, no weight decay, the
 *       model's width);</li>
 *   <li>each candidate trained for a fixed budget ({@link TrainingBudget}: {@code 2e} epochs or {@code 100i}
 *       iterations) by the project's trainer on the ComputationGraph ({@link GraphCandidateTrainer}) and scored by
 *       COCO OKS AP on the validation boxes ({@link PoseScore}; higher is better);</li>
 *   <li>the run ({@link PoseSearch}, Arbiter's {@code LocalOptimizationRunner} with a seeded random generator),
 *       whose results folder holds {@code ranking.csv} (rank, id, status, {@code oks-ap}, budget, optimizer,
 *       learning_rate, schedule as JSON, warmup, batch_size, width, failure), {@code search.json} (the settings),
 *       one folder per candidate under {@code candidates/} (configuration, result, history, checkpoint) and
 *       {@code score-vs-lr.png}. Restarting with the same folder, space and seed skips finished candidates.</li>
 * </ul>
 * Crops are {@code [N, 3, H, W]} (NCHW, RGB, ImageNet-normalised) at the model's input size with the official COCO
 * augmentation; heatmaps {@code [N, 17, H/4, W/4]}.
 *
 * <p>Run from the repository root (the small CPU model by default; {@code --space FILE} reads a space file instead,
 * see {@link PoseSearchSpace}; validation uses the training files unless {@code --val-annotations}/{@code
 * --val-images} are given):
 * <pre>
 * mvn -q package -DskipTests     # once: builds the modules and examples/target/classpath.txt
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
 *     io.hrnet4j.examples.SearchLearningRateSchedule annotations/person_keypoints_val2017.json val2017/ search/ \
 *     --candidates 8 --budget 2e
 * </pre>
 */
public final class SearchLearningRateSchedule {
    private SearchLearningRateSchedule() {
    }

    /**
     * The learning-rate schedule space: Adam; base learning rate log-uniform in [1e-4, 1e-2]; drops at epoch 1, at
     * epoch 2 or at both; drop factor 0.1 or 0.3; warm-up 0 or 10 iterations; batch size and width fixed.
     *
     * @param batchSize examples per iteration
     * @param width the HRNet width W of every candidate
     * @return the space
     */
    public static PoseSearchSpace learningRateScheduleSpace(int batchSize, int width) {
        // log-uniform (equal mass per decade); ContinuousParameterSpace(min, max) alone would be uniform
        ParameterSpace<Double> learningRate = new ContinuousParameterSpace(new LogUniformDistribution(1e-4, 1e-2));
        MapScheduleSpace schedule = new MapScheduleSpace(ScheduleType.EPOCH, learningRate,
                new DiscreteParameterSpace<>(0.1, 0.3),
                new DiscreteParameterSpace<>(List.of(1), List.of(2), List.of(1, 2)));
        return new PoseSearchSpace(new FixedValue<>(Optimizer.ADAM), schedule,
                new DiscreteParameterSpace<>(0, 10),      // warm-up iterations
                new FixedValue<>(batchSize),
                new FixedValue<>(width),
                new FixedValue<>(0.9),                    // SGD momentum (unused by Adam)
                new FixedValue<>(0.0),                    // weight decay: none, as the published recipe
                new FixedValue<>(false),                  // DE-HRNet DEM off
                new FixedValue<>(false));                 // DE-HRNet DySample off
    }

    /**
     * Runs the search.
     *
     * @param data training and validation data at the model's input size
     * @param model the architecture; each candidate's width replaces its W
     * @param space the search space
     * @param candidates the number of candidates
     * @param budget the training budget of each candidate
     * @param seed the seed of the random generator, the weight initialisation and the data order
     * @param out the results folder
     * @return the candidates ranked best first (failed ones last, with their reason)
     * @throws IOException if the results folder cannot be written
     */
    public static SearchReport search(PoseSearchData data, HRNetConfig model, PoseSearchSpace space, int candidates,
                                      TrainingBudget budget, long seed, Path out) throws IOException {
        PoseScore score = PoseScore.defaultFor(data);  // COCO: OKS AP of the validation boxes
        GraphCandidateTrainer trainer = new GraphCandidateTrainer(data, score,
                c -> Presets.withWidth(model, c.width()), seed);
        SearchReport report = PoseSearch.builder(space, trainer, score, out).seed(seed).maxCandidates(candidates)
                .budget(budget).generator(PoseSearch.Generator.RANDOM)
                .listener((r, rung) -> System.out.println(r.id() + " " + r.candidate().summary() + ": "
                        + (r.completed() ? score.format(r.result().score()) : "failed: " + r.result().failure())))
                .build().run();
        if (report.best() != null) {
            ScoreLrPlot.write(report.ranked(), score, out.resolve("score-vs-lr.png"));
        }
        return report;
    }

    /**
     * @param args {@code ANNOTATIONS IMAGES OUT_DIR [--preset NAME] [--space FILE] [--candidates N] [--budget 2e|100i]
     *     [--batch N] [--seed S] [--val-annotations FILE] [--val-images DIR]}
     * @throws Exception on any error (printed by the JVM)
     */
    public static void main(String[] args) throws Exception {
        ExampleArgs a = ExampleArgs.parse(args, 3, "SearchLearningRateSchedule ANNOTATIONS IMAGES OUT_DIR "
                + "[--preset NAME] [--space FILE] [--candidates N] [--budget 2e|100i] [--batch N] [--seed S] "
                + "[--val-annotations FILE] [--val-images DIR]", "--preset", "--space", "--candidates", "--budget",
                "--batch", "--seed", "--val-annotations", "--val-images");
        String preset = a.text("--preset", Presets.EMBEDDED);
        long seed = a.integer("--seed", 12345);
        HRNetConfig model = Presets.get(preset);
        PoseSearchSpace space = a.has("--space") ? PoseSearchSpace.read(a.path("--space", null))
                : learningRateScheduleSpace((int) a.integer("--batch", 8), model.width());
        // note the argument order of PoseSearchData: input height, then width
        PoseSearchData data = PoseSearchData.coco(a.path(0), a.path(1), a.path("--val-annotations", a.path(0)),
                a.path("--val-images", a.path(1)), model.inputHeight(), model.inputWidth(), seed);
        SearchReport report = search(data, model, space, (int) a.integer("--candidates", 8),
                TrainingBudget.parse(a.text("--budget", "2e")), seed, a.path(2));
        System.out.print(report.table());
        CandidateRecord best = report.best();
        System.out.println(best == null ? "every candidate failed" : "best: " + best.id() + " "
                + best.candidate().summary() + " (results in " + a.path(2).toAbsolutePath() + ")");
    }
}
