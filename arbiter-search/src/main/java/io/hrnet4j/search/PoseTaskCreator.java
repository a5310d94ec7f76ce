package io.hrnet4j.search;

import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;

/**
 * Arbiter {@link TaskCreator} for {@link PoseCandidate}s: each task trains one candidate to the budget through a
 * {@link PoseCandidateTrainer} in the candidate's folder of a {@link CandidateStore}, saves the record, and returns
 * Arbiter's {@link OptimizationResult} (status {@code Complete} with the score, or {@code Failed} with the reason as
 * its "stack trace", so that the runner counts it and goes on). A candidate whose result for this budget is already
 * stored is not trained again (resumed searches). An exception of the trainer is recorded as a failure.
 */
public final class PoseTaskCreator implements TaskCreator {
    private final PoseCandidateTrainer trainer;
    private final CandidateStore store;
    private final TrainingBudget budget;
    private final int rung;
    private final SearchListener listener;
    private final List<CandidateRecord> records = new CopyOnWriteArrayList<>();

    /**
     * @param trainer the trainer
     * @param store the results folder
     * @param budget the cumulative budget of this run (or rung)
     * @param rung the successive-halving rung (0 without halving)
     * @param listener receives each record
     */
    public PoseTaskCreator(PoseCandidateTrainer trainer, CandidateStore store, TrainingBudget budget, int rung,
                           SearchListener listener) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        this.store = Objects.requireNonNull(store, "store");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.rung = rung;
        this.listener = listener == null ? SearchListener.NONE : listener;
    }

    /** @return the records of the tasks run so far, in completion order */
    public List<CandidateRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider,
                                               ScoreFunction scoreFunction, List<StatusListener> statusListeners,
                                               IOptimizationRunner runner) {
        return () -> run(candidate);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource,
                                               Properties dataSourceProperties, ScoreFunction scoreFunction,
                                               List<StatusListener> statusListeners, IOptimizationRunner runner) {
        return () -> run(candidate);
    }

    private OptimizationResult run(Candidate<?> candidate) throws Exception {
        long start = System.currentTimeMillis();
        PoseCandidate c = (PoseCandidate) candidate.getValue();
        int index = candidate.getIndex();
        String id = CandidateStore.id(index, c);
        CandidateRecord rec = store.load(id, index, c, budget);
        if (rec == null) {
            CandidateResult res;
            try {
                res = trainer.train(c, budget, store.folder(id), ProgressCallback.NONE);
            } catch (Exception | OutOfMemoryError e) {
                res = CandidateResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), 0, List.of());
            }
            rec = new CandidateRecord(id, index, c, budget, res, (System.currentTimeMillis() - start) / 1000.0,
                    false);
            store.save(rec);
        }
        records.add(rec);
        listener.onCandidate(rec, rung);
        boolean ok = rec.completed();
        Double score = ok ? rec.result().score() : null;
        CandidateInfo info = new CandidateInfo(index, ok ? CandidateStatus.Complete : CandidateStatus.Failed, score,
                start, start, System.currentTimeMillis(), candidate.getFlatParameters(),
                ok ? null : rec.result().failure());
        return new OptimizationResult(candidate, score, index, rec, info, null);
    }
}
