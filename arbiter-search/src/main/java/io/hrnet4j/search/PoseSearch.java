package io.hrnet4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;

/**
 * A pose hyper-parameter search run through Arbiter's {@link LocalOptimizationRunner} (one candidate at a time):
 * random or grid candidates from a {@link PoseSearchSpace}, termination by candidate count, wall time and (grid)
 * exhaustion, each candidate trained by a {@link PoseCandidateTrainer} and saved in a {@link CandidateStore}.
 * Failed candidates (NaN loss, exception) are recorded with their reason and the search goes on; a restarted search
 * over the same folder, seed and space skips the candidates already finished.
 *
 * <p>Successive halving ({@link Builder#halving(int)}, eta &gt;= 2; Jamieson and Talwalkar, AISTATS 2016, the
 * building block of Hyperband, Li et al., JMLR 2018): rung 0 trains every candidate to the base budget; rung k keeps
 * the best {@code ceil(n_{k-1} / eta)} completed candidates and continues them from their checkpoints to
 * {@code budget * eta^k}, until one survivor (or {@link Builder#maxRungs}). Each rung is its own Arbiter run.
 *
 * <p>Ranking: by the budget reached (larger first), then by score (the metric's direction), then by id; failed
 * candidates last. A candidate appears once, with its last result.
 */
public final class PoseSearch {
    /** How candidates are drawn. */
    public enum Generator {
        /** Arbiter {@code RandomSearchGenerator}, seeded: the same candidates under the same seed. */
        RANDOM,
        /** Arbiter {@code GridSearchCandidateGenerator}, sequential order. */
        GRID
    }

    private final Builder b;

    private PoseSearch(Builder b) {
        this.b = b;
    }

    /**
     * @param space the search space
     * @param trainer the trainer
     * @param score the metric the trainer reports (for its direction and format)
     * @param out the results folder
     * @return a builder (random, 8 candidates, budget 1 epoch, seed 12345, grid points 3, no time limit, no halving)
     */
    public static Builder builder(PoseSearchSpace space, PoseCandidateTrainer trainer, PoseScore score, Path out) {
        return new Builder(space, trainer, score, out);
    }

    /** Builder of {@link PoseSearch}. */
    public static final class Builder {
        private final PoseSearchSpace space;
        private final PoseCandidateTrainer trainer;
        private final PoseScore score;
        private final Path out;
        private Generator generator = Generator.RANDOM;
        private int gridPoints = 3;
        private int maxCandidates = 8;
        private Duration maxTime;
        private TrainingBudget budget = new TrainingBudget(TrainingBudget.Unit.EPOCHS, 1);
        private long seed = 12345;
        private int eta;
        private int maxRungs = Integer.MAX_VALUE;
        private SearchListener listener = SearchListener.NONE;

        private Builder(PoseSearchSpace space, PoseCandidateTrainer trainer, PoseScore score, Path out) {
            this.space = Objects.requireNonNull(space, "space");
            this.trainer = Objects.requireNonNull(trainer, "trainer");
            this.score = Objects.requireNonNull(score, "score");
            this.out = Objects.requireNonNull(out, "out");
        }

        /** @param g random or grid @return this */
        public Builder generator(Generator g) {
            this.generator = Objects.requireNonNull(g);
            return this;
        }

        /** @param n values per continuous parameter in a grid (Arbiter's discretization count), &gt;= 2 @return this */
        public Builder gridPoints(int n) {
            this.gridPoints = n;
            return this;
        }

        /** @param n the most candidates to run (rung 0 with halving), &gt;= 1 @return this */
        public Builder maxCandidates(int n) {
            this.maxCandidates = n;
            return this;
        }

        /** @param d wall-time limit: no candidate starts after it (the running one finishes) @return this */
        public Builder maxTime(Duration d) {
            this.maxTime = d;
            return this;
        }

        /** @param budget budget per candidate (rung 0 with halving) @return this */
        public Builder budget(TrainingBudget budget) {
            this.budget = Objects.requireNonNull(budget);
            return this;
        }

        /** @param s seed of the random generator @return this */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param eta successive-halving factor (&gt;= 2), or 0 for none @return this */
        public Builder halving(int eta) {
            this.eta = eta;
            return this;
        }

        /** @param n most rungs after rung 0 @return this */
        public Builder maxRungs(int n) {
            this.maxRungs = n;
            return this;
        }

        /** @param l receives each candidate's record @return this */
        public Builder listener(SearchListener l) {
            this.listener = l == null ? SearchListener.NONE : l;
            return this;
        }

        /**
         * @return the search
         * @throws IllegalArgumentException for a count below 1, grid points below 2 or eta 1 or negative
         */
        public PoseSearch build() {
            if (maxCandidates < 1 || gridPoints < 2 || eta == 1 || eta < 0 || maxRungs < 0) {
                throw new IllegalArgumentException("need candidates >= 1, grid points >= 2, eta 0 or >= 2 and rungs "
                        + ">= 0, got " + maxCandidates + ", " + gridPoints + ", " + eta + ", " + maxRungs);
            }
            return new PoseSearch(this);
        }
    }

    /**
     * Runs the search.
     *
     * @return the ranked report
     * @throws IOException if the results folder cannot be written
     */
    public SearchReport run() throws IOException {
        CandidateStore store = new CandidateStore(b.out);
        Files.createDirectories(b.out);
        writeSettings();
        long deadline = b.maxTime == null ? Long.MAX_VALUE : System.currentTimeMillis() + b.maxTime.toMillis();
        CandidateGenerator gen = b.generator == Generator.RANDOM ? new RandomSearchGenerator(b.space, null)
                : new GridSearchCandidateGenerator(b.space, b.gridPoints, GridSearchCandidateGenerator.Mode.Sequential,
                null);
        PoseTaskCreator tc = runRung(gen, b.budget, 0, b.maxCandidates, deadline, store);
        Map<String, CandidateRecord> latest = new LinkedHashMap<>();
        List<CandidateRecord> rung = tc.records();
        rung.forEach(r -> latest.put(r.id(), r));
        TrainingBudget budget = b.budget;
        for (int k = 1; b.eta >= 2 && k <= b.maxRungs && System.currentTimeMillis() < deadline; k++) {
            List<CandidateRecord> ranked = rank(rung, b.score);
            long completed = ranked.stream().filter(CandidateRecord::completed).count();
            int keep = (int) Math.ceil(completed / (double) b.eta);
            if (completed <= 1 || keep < 1) {
                break;
            }
            budget = budget.times(b.eta);
            List<Candidate<PoseCandidate>> survivors = new ArrayList<>();
            for (CandidateRecord r : ranked.subList(0, keep)) {
                survivors.add(new Candidate<>(r.candidate(), r.index(), new double[0]));
            }
            tc = runRung(new FixedCandidateGenerator(b.space, survivors), budget, k, survivors.size(), deadline,
                    store);
            rung = tc.records();
            rung.forEach(r -> latest.put(r.id(), r));
        }
        List<CandidateRecord> ranked = rank(new ArrayList<>(latest.values()), b.score);
        store.writeRanking(ranked, b.score);
        return new SearchReport(ranked, b.score, b.out);
    }

    private PoseTaskCreator runRung(CandidateGenerator gen, TrainingBudget budget, int rung, int maxCandidates,
                                    long deadline, CandidateStore store) {
        PoseTaskCreator tc = new PoseTaskCreator(b.trainer, store, budget, rung, b.listener);
        List<TerminationCondition> conds = new ArrayList<>();
        conds.add(new MaxCandidatesCondition(maxCandidates));
        conds.add(new GeneratorExhaustedCondition(gen));
        if (deadline != Long.MAX_VALUE) {
            conds.add(new MaxTimeCondition(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS));
        }
        OptimizationConfiguration conf = new OptimizationConfiguration.Builder().candidateGenerator(gen)
                .scoreFunction(b.score).terminationConditions(conds).rngSeed(b.seed).build();
        new LocalOptimizationRunner(1, conf, tc).execute();
        return tc;
    }

    /**
     * Ranks records: completed before failed, larger budgets first, then by score in the metric's direction, then
     * by id.
     *
     * @param records the records
     * @param score the metric
     * @return a new sorted list
     */
    public static List<CandidateRecord> rank(List<CandidateRecord> records, PoseScore score) {
        Comparator<CandidateRecord> cmp = Comparator.<CandidateRecord, Boolean>comparing(r -> !r.completed())
                .thenComparing(Comparator.comparingLong((CandidateRecord r) -> r.budget().amount()).reversed())
                .thenComparing((x, y) -> x.completed() && y.completed() ? byScoreCompare(x, y, score) : 0)
                .thenComparing(CandidateRecord::id);
        List<CandidateRecord> out = new ArrayList<>(records);
        out.sort(cmp);
        return out;
    }

    private static int byScoreCompare(CandidateRecord x, CandidateRecord y, PoseScore score) {
        int c = Double.compare(x.result().score(), y.result().score());
        return score.minimize() ? c : -c;
    }

    private void writeSettings() throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode s = m.createObjectNode();
        s.put("generator", b.generator.name().toLowerCase(java.util.Locale.ROOT));
        s.put("gridPoints", b.gridPoints);
        s.put("maxCandidates", b.maxCandidates);
        s.put("budget", b.budget.toString());
        s.put("seed", b.seed);
        s.put("halvingEta", b.eta);
        s.put("score", b.score.kind().id());
        s.put("space", b.space.spaces().toString());
        m.writerWithDefaultPrettyPrinter().writeValue(b.out.resolve("search.json").toFile(), s);
    }
}
