package io.hrnet4j.search;

import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;

/**
 * Ends an Arbiter search when its generator has no candidate left and none is running (a finished grid or rung).
 * Arbiter 1.0.0-beta7's runner otherwise keeps polling until another condition (count, time) holds.
 */
public final class GeneratorExhaustedCondition implements TerminationCondition {
    private final CandidateGenerator generator;

    /** @param generator the search's generator */
    public GeneratorExhaustedCondition(CandidateGenerator generator) {
        this.generator = generator;
    }

    @Override
    public void initialize(IOptimizationRunner runner) {
        // stateless
    }

    @Override
    public boolean terminate(IOptimizationRunner runner) {
        return !generator.hasMoreCandidates() && runner.numCandidatesQueued() == 0;
    }

    @Override
    public String toString() {
        return "GeneratorExhaustedCondition";
    }
}
