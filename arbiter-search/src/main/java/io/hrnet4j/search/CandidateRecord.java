package io.hrnet4j.search;

/**
 * A candidate's outcome at one budget, as stored in its folder and ranked in reports.
 *
 * @param id the stable candidate id ({@code c0003-1a2b3c4d}: generator index and configuration hash)
 * @param index the generator index (random: draw number under the seed; grid: position in the grid)
 * @param candidate the hyper-parameters
 * @param budget the cumulative budget this result is for
 * @param result status, score, history, failure reason
 * @param seconds wall time of this call (0 when resumed from disk)
 * @param resumed whether the result was read from an earlier run instead of trained
 */
public record CandidateRecord(String id, int index, PoseCandidate candidate, TrainingBudget budget,
                              CandidateResult result, double seconds, boolean resumed) {
    /** @return whether the candidate completed its budget */
    public boolean completed() {
        return result.status() == CandidateResult.Status.COMPLETED;
    }
}
