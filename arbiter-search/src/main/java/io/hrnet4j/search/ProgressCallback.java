package io.hrnet4j.search;

/** Receives a candidate's progress while it trains (called on the training thread). */
@FunctionalInterface
public interface ProgressCallback {
    /** Does nothing. */
    ProgressCallback NONE = r -> { };

    /** @param record the history row just written */
    void onRecord(EpochRecord record);
}
