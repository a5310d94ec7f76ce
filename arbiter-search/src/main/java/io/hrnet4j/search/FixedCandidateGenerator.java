package io.hrnet4j.search;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * An Arbiter {@link CandidateGenerator} over a fixed list of candidates that keep their original indices (and so
 * their stable ids): the survivors of a successive-halving rung.
 */
public final class FixedCandidateGenerator implements CandidateGenerator {
    private final ParameterSpace<?> space;
    private final Deque<Candidate<PoseCandidate>> queue;

    /**
     * @param space the search space (reported to Arbiter)
     * @param candidates the candidates, in the order to run
     */
    public FixedCandidateGenerator(ParameterSpace<?> space, List<Candidate<PoseCandidate>> candidates) {
        this.space = space;
        this.queue = new ArrayDeque<>(candidates);
    }

    @Override
    public boolean hasMoreCandidates() {
        return !queue.isEmpty();
    }

    @Override
    public Candidate getCandidate() {
        return queue.removeFirst();
    }

    @Override
    public void reportResults(OptimizationResult result) {
        // nothing to adapt: the list is fixed
    }

    @Override
    public ParameterSpace<?> getParameterSpace() {
        return space;
    }

    /** No randomness: the order is the given one. */
    @Override
    public void setRngSeed(long rngSeed) {
        // deterministic by construction
    }

    @Override
    public Class<?> getCandidateType() {
        return PoseCandidate.class;
    }
}
