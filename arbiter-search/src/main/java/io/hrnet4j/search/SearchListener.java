package io.hrnet4j.search;

/** Receives each candidate's outcome as the search goes (on the search's worker thread). */
@FunctionalInterface
public interface SearchListener {
    /** Does nothing. */
    SearchListener NONE = (r, rung) -> { };

    /**
     * @param record the candidate's outcome at its budget (trained now, or read back when resumed)
     * @param rung the successive-halving rung (0 without halving)
     */
    void onCandidate(CandidateRecord record, int rung);
}
