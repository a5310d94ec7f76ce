package io.hrnet4j.cli;

import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.search.CandidateRecord;
import io.hrnet4j.search.GraphCandidateTrainer;
import io.hrnet4j.search.PoseCandidate;
import io.hrnet4j.search.PoseScore;
import io.hrnet4j.search.PoseSearch;
import io.hrnet4j.search.PoseSearchData;
import io.hrnet4j.search.PoseSearchSpace;
import io.hrnet4j.search.ScoreLrPlot;
import io.hrnet4j.search.SearchReport;
import io.hrnet4j.search.TrainingBudget;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.arch.Presets;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet search}: learning-rate / schedule search through Arbiter ({@link PoseSearch}). Prints one progress
 * line per candidate, the final ranked table, and writes {@code OUT/score-vs-lr.png}, {@code OUT/ranking.csv} and one
 * folder per candidate (configuration, result, history CSV/JSON, checkpoint). Restarting with the same
 * {@code --out}, space and seed skips the candidates already finished. The Arbiter UI is not included (it pulls
 * ~60 MB of Vert.x).
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Arbiter hyper-parameter search (learning rate, optimizer, multi-step schedule, warm-up) for "
                + "HRNet, with optional successive halving.")
public final class SearchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainingDataOptions data;

    @Mixin
    private EvalOptions evalOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private SpaceChoice space;

    static final class SpaceChoice {
        @Option(names = "--space", paramLabel = "FILE", description = "Search space file (JSON or YAML).")
        Path file;

        @Option(names = "--space-preset", paramLabel = "NAME", description = "Built-in space: lr-schedule.")
        String preset;
    }

    @Option(names = "--candidates", defaultValue = "8", description = "Most candidates (default ${DEFAULT-VALUE}).")
    private int candidates;

    @Option(names = "--budget", defaultValue = "1e",
            description = "Budget per candidate: <n>e epochs or <n>i iterations (default ${DEFAULT-VALUE}).")
    private String budget;

    @Option(names = "--halving", description = "Successive halving: keep the best 1/eta at each rung.")
    private boolean halving;

    @Option(names = "--eta", defaultValue = "3", description = "Halving factor (default ${DEFAULT-VALUE}).")
    private int eta;

    @Option(names = "--grid", description = "Grid search instead of random search.")
    private boolean grid;

    @Option(names = "--grid-points", defaultValue = "3", description = "Grid values per continuous parameter.")
    private int gridPoints;

    @Option(names = "--max-minutes", description = "Wall-time limit in minutes (no candidate starts after it).")
    private Double maxMinutes;

    @Option(names = "--seed", defaultValue = "12345", description = "Search seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--score", description = "oks-ap, pckh or val-loss (default: oks-ap for coco/synthetic, pckh "
            + "for mpii with --mpii-gt, else val-loss).")
    private String score;

    /** The architecture; a candidate's width replaces its W ({@link Presets#withWidth}). */
    @Mixin
    ArchOptions archOptions;

    @Option(names = "--synthetic-counts", defaultValue = "64,16",
            description = "Synthetic train,val image counts (default ${DEFAULT-VALUE}).")
    private String syntheticCounts;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Results folder.")
    private Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        String ds = data.name();
        TrainingBudget perCandidate = TrainingBudget.parse(budget);
        // the space file is read before the data, so a missing or bad file is reported before any work
        PoseSearchSpace sp = space.file != null ? PoseSearchSpace.read(space.file) : PoseSearchSpace.preset(
                space.preset);
        int[] def = switch (ds) {
            case "coco" -> new int[] {256, 192};
            case "mpii" -> new int[] {256, 256};
            default -> new int[] {64, 48};
        };
        archOptions.defaultSize(def[0], def[1]);
        KeypointSchema schema = data.schema();
        int[] asked = archOptions.inputSize();
        HRNetConfig base = archOptions.describesArchitecture() ? archOptions.resolve(schema)
                : ds.equals("synthetic") ? Presets.small(16, schema.numJoints(), asked != null ? asked[0] : def[0],
                        asked != null ? asked[1] : def[1])
                : archOptions.resolve(schema);
        int[] hw = {base.inputHeight(), base.inputWidth()};
        data.requireTrainingFiles();
        PoseSearchData searchData = switch (ds) {
            case "synthetic" -> {
                String[] c = syntheticCounts.split(",");
                SyntheticPoseDataset s = SyntheticPoseDataset.builder().seed(seed)
                        .counts(Integer.parseInt(c[0].trim()), Integer.parseInt(c[1].trim())).generate(
                                SyntheticPoseDataset.defaultCacheRoot());
                yield PoseSearchData.synthetic(s, hw[0], hw[1], seed);
            }
            case "coco" -> PoseSearchData.coco(data.annotations, data.images, data.validationAnnotations(),
                    data.validationImages(), hw[0], hw[1], seed);
            default -> PoseSearchData.mpii(data.annotations, data.images, data.validationAnnotations(),
                    data.validationImages(), evalOptions.mpiiGt(), hw[0], hw[1], seed);
        };
        PoseScore metric = (score == null ? PoseScore.defaultFor(searchData) : new PoseScore(PoseScore.Kind.parse(score)))
                .withEvaluation(evalOptions.flipTest(), evalOptions.refinement(false));
        Function<PoseCandidate, HRNetConfig> architecture = c -> Presets.withWidth(base, c.width());
        GraphCandidateTrainer trainer = new GraphCandidateTrainer(searchData, metric, architecture, seed);
        AtomicInteger n = new AtomicInteger();
        PoseSearch.Builder b = PoseSearch.builder(sp, trainer, metric, out).seed(seed).maxCandidates(candidates)
                .budget(perCandidate).generator(grid ? PoseSearch.Generator.GRID
                        : PoseSearch.Generator.RANDOM).gridPoints(gridPoints).halving(halving ? eta : 0)
                .listener((r, rung) -> {
                    o.println(progress(n.incrementAndGet(), r, rung, metric));
                    o.flush();
                });
        if (maxMinutes != null) {
            b.maxTime(Duration.ofMillis((long) (maxMinutes * 60_000)));
        }
        SearchReport report = b.build().run();
        o.println();
        o.print(report.table());
        if (!report.ranked().isEmpty()) {
            Path png = out.resolve("score-vs-lr.png");
            ScoreLrPlot.write(report.ranked(), metric, png);
            o.println("plot: " + png);
        }
        o.println("results: " + out);
        o.flush();
        return report.best() == null ? 1 : 0;
    }

    static String progress(int n, CandidateRecord r, int rung, PoseScore metric) {
        String what = r.completed() ? metric.kind().id() + " " + metric.format(r.result().score())
                : "FAILED: " + r.result().failure();
        return String.format(Locale.ROOT, "[%d] rung %d %s %s budget %s: %s (%s)", n, rung, r.id(),
                r.candidate().summary(), r.budget(), what, r.resumed() ? "resumed"
                        : String.format(Locale.ROOT, "%.1f s", r.seconds()));
    }
}
