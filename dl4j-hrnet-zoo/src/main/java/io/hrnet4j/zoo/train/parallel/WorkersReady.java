package io.hrnet4j.zoo.train.parallel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Works around a race in DL4J 1.0.0-M2.1's {@code ParallelWrapper}: worker 0 trains on the wrapped model itself
 * while the other workers copy its parameters and updater state on their own threads ({@code DefaultTrainer.run}),
 * and the first round's minibatches are fed without waiting for those copies; a replica may then start from
 * parameters that worker 0 has already updated (seen here as run-to-run differences of ~0.3 % in the loss).
 *
 * <p>Every trainer clones its {@link RoutingIterationListener}s in {@code postInit()}, after its copy is complete,
 * on its own thread ({@code "ParallelWrapper training thread N"}). This listener counts those threads;
 * {@link #await()} blocks the supply of the first minibatch until all workers are ready.
 */
final class WorkersReady extends BaseTrainingListener implements RoutingIterationListener {
    private static final long serialVersionUID = 1L;
    private static final String TRAINER_THREAD = "ParallelWrapper training thread";
    private static final long TIMEOUT_S = 600;

    private final int workers;
    private final transient Set<Thread> ready = ConcurrentHashMap.newKeySet();
    private String sessionId = "hrnet4j";
    private String workerId = "";
    private transient StatsStorageRouter router;

    WorkersReady(int workers) {
        this.workers = workers;
    }

    /**
     * @throws IllegalStateException if the workers are not ready within 600 s (a worker failed to start)
     */
    void await() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (ready.size() < workers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + ready.size() + " of " + workers + " ParallelWrapper "
                        + "workers initialised their replica within " + TIMEOUT_S + " s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the ParallelWrapper workers", e);
            }
        }
    }

    @Override
    public RoutingIterationListener clone() {
        Thread t = Thread.currentThread();
        if (t.getName().startsWith(TRAINER_THREAD)) {
            ready.add(t);
        }
        return this;
    }

    @Override
    public void setStorageRouter(StatsStorageRouter r) {
        this.router = r;
    }

    @Override
    public StatsStorageRouter getStorageRouter() {
        return router;
    }

    @Override
    public void setWorkerID(String id) {
        this.workerId = id;
    }

    @Override
    public String getWorkerID() {
        return workerId;
    }

    @Override
    public void setSessionID(String id) {
        this.sessionId = id;
    }

    @Override
    public String getSessionID() {
        return sessionId;
    }
}
