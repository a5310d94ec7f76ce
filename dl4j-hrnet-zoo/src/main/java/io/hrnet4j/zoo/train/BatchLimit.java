package io.hrnet4j.zoo.train;

import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * At most {@code limit} minibatches of an epoch's iterator (0: all the rest); counts what it hands out. The trainer
 * cuts epochs into such slices at its checkpoint boundaries, so that every backend (one {@code ParallelWrapper.fit}
 * per slice included) stops exactly where a checkpoint is due.
 */
public final class BatchLimit implements DataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient DataSetIterator delegate;
    private final int limit;
    private final boolean async;
    private transient Runnable beforeFirst;
    private int served;

    /**
     * @param delegate the epoch's iterator (not closed here)
     * @param limit minibatches to hand out at most, 0 for all
     * @param async whether consumers may prefetch from this iterator on another thread
     */
    public BatchLimit(DataSetIterator delegate, int limit, boolean async) {
        this.delegate = delegate;
        this.limit = limit;
        this.async = async;
    }

    /** @param r run once before the first minibatch is handed out (may be null) */
    public void beforeFirst(Runnable r) {
        this.beforeFirst = r;
    }

    private void first() {
        if (served == 0 && beforeFirst != null) {
            beforeFirst.run();
        }
    }

    /** @return minibatches handed out so far */
    public int served() {
        return served;
    }

    @Override
    public boolean hasNext() {
        return (limit == 0 || served < limit) && delegate.hasNext();
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("slice of " + limit + " minibatches exhausted");
        }
        first();
        served++;
        return delegate.next();
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("slice of " + limit + " minibatches exhausted");
        }
        first();
        served++;
        return delegate.next(num);
    }

    @Override
    public int inputColumns() {
        return delegate.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return delegate.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return false;
    }

    @Override
    public boolean asyncSupported() {
        return async;
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("a training slice cannot be reset");
    }

    @Override
    public int batch() {
        return delegate.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        delegate.setPreProcessor(preProcessor);
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return delegate.getPreProcessor();
    }

    @Override
    public List<String> getLabels() {
        return delegate.getLabels();
    }
}
