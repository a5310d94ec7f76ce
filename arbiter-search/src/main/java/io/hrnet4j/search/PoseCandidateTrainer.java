package io.hrnet4j.search;

import java.nio.file.Path;

/**
 * The narrow interface through which a search trains candidates; {@link GraphCandidateTrainer} is the built-in
 * realisation, a budgeted run of the project's one trainer ({@code PoseTrainer}).
 *
 * <p>Contract: {@code workDir} belongs to the candidate. If it holds a checkpoint of an earlier call (a smaller
 * budget), training continues from it up to the new cumulative budget (successive halving, resumed searches);
 * afterwards it holds the checkpoint (model and updater state) of the trained model. An implementation returns a
 * {@link CandidateResult.Status#FAILED} result for a NaN loss or a candidate it cannot train, rather than throwing.
 */
@FunctionalInterface
public interface PoseCandidateTrainer {
    /**
     * @param candidate the hyper-parameters
     * @param budget the cumulative budget to reach
     * @param workDir the candidate's folder (checkpoint in and out)
     * @param progress receives each history row
     * @return the result, scored by the trainer's validation score ({@link PoseScore})
     * @throws Exception on an I/O error of the work folder (the task creator records it as a failure)
     */
    CandidateResult train(PoseCandidate candidate, TrainingBudget budget, Path workDir, ProgressCallback progress)
            throws Exception;
}
