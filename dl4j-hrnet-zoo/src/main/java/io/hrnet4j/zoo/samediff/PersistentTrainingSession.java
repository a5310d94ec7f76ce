package io.hrnet4j.zoo.samediff;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.TrainingSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A SameDiff {@link TrainingSession} kept for every training step of one graph, so that its array cache
 * ({@code ArrayCacheMemoryMgr}: the activations, gradients and temporaries of a step, released into the cache when
 * their last consumer has run) and its op contexts are reused by the next step instead of being left to the garbage
 * collector. M2.1's {@code SameDiff.fit} creates a new session per call, so every step allocated its whole working
 * set anew and off-heap memory was freed only when the GC happened to collect the previous sessions (training RSS
 * 4.5 to 17.7 GiB for one configuration, depending on GC timing). With one session, the off-heap memory of training is
 * bounded by construction: the largest working set of a step plus the cache limit.
 *
 * <p>Beyond ND4J's session this class (a) releases the step's requested outputs (the parameter gradients, already
 * applied to the parameters by the session's updater) into the cache after the step, so that the next step's
 * gradients reuse them, and (b) forgets the ids of the arrays freed in the previous step (ND4J keeps them in a set
 * that otherwise grows by thousands of entries per step). {@link #close()} frees the cached arrays at once.
 *
 * <p>Not thread-safe: one training thread per session.
 */
final class PersistentTrainingSession extends TrainingSession implements AutoCloseable {
    private Map<String, INDArray> lastOutputs = Collections.emptyMap();

    /** @param gradGraph the gradient graph ({@code sd.getFunction("grad")}) */
    PersistentTrainingSession(SameDiff gradGraph) {
        super(gradGraph);
    }

    @Override
    public Map<String, INDArray> output(List<String> variables, Map<String, INDArray> placeholderValues,
                                        MultiDataSet batch, Collection<String> requiredActivations,
                                        List<Listener> listeners, At at) {
        freedArrays.clear();
        Map<String, INDArray> out = super.output(variables, placeholderValues, batch, requiredActivations, listeners,
                at);
        lastOutputs = out;
        return out;
    }

    /**
     * Returns the outputs of the last step (the parameter gradients) to the session's array cache. Arrays that are
     * parameters, constants or placeholders of the graph, or that the session released already, are left alone.
     *
     * @param placeholders the step's placeholder arrays (never released)
     */
    void releaseStepOutputs(Collection<INDArray> placeholders) {
        Set<INDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(placeholders);
        for (SDVariable v : sameDiff.variables()) {
            if (v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.ARRAY && v.getArr() != null) {
                keep.add(v.getArr());
            }
        }
        for (INDArray a : lastOutputs.values()) {
            if (a != null && !a.wasClosed() && keep.add(a) && !a.isView() && !freedArrays.contains(a.getId())) {
                freedArrays.add(a.getId());
                getMmgr().release(a);
            }
        }
        lastOutputs = Collections.emptyMap();
    }

    /** Frees every array the session's cache holds. The session must not be used afterwards. */
    @Override
    public void close() {
        lastOutputs = Collections.emptyMap();
        getMmgr().close();
    }
}
