package io.hrnet4j.search;

import java.util.List;

/**
 * What training one candidate to a budget gave.
 *
 * @param status completed or failed
 * @param score the final validation score (NaN when failed)
 * @param iterations minibatches trained in total
 * @param history the whole history, cumulative over resumed budgets
 * @param failure the reason of a failure (NaN loss at iteration i, an exception's message), or null
 */
public record CandidateResult(Status status, double score, long iterations, List<EpochRecord> history,
                              String failure) {
    /** Outcome. */
    public enum Status {
        /** Trained to its budget and scored. */
        COMPLETED,
        /** Stopped by a NaN/infinite loss or an exception; the search goes on. */
        FAILED
    }

    /** Copies the history. */
    public CandidateResult {
        history = List.copyOf(history);
    }

    /**
     * @param reason why
     * @param iterations minibatches trained before the failure
     * @param history history so far
     * @return a failed result
     */
    public static CandidateResult failed(String reason, long iterations, List<EpochRecord> history) {
        return new CandidateResult(Status.FAILED, Double.NaN, iterations, history, reason);
    }
}
