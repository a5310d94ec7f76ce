package io.hrnet4j.zoo.train;

import java.util.List;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Test helper: a DataSetIterator that passes every minibatch through a function (e.g. to inject a NaN). */
final class MappedIterator implements DataSetIterator, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private final DataSetIterator in;
    private final transient UnaryOperator<DataSet> f;

    MappedIterator(DataSetIterator in, UnaryOperator<DataSet> f) {
        this.in = in;
        this.f = f;
    }

    @Override
    public DataSet next(int num) {
        return f.apply(in.next(num));
    }

    @Override
    public DataSet next() {
        return f.apply(in.next());
    }

    @Override
    public boolean hasNext() {
        return in.hasNext();
    }

    @Override
    public int inputColumns() {
        return in.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return in.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return in.resetSupported();
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        in.reset();
    }

    @Override
    public int batch() {
        return in.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor p) {
        in.setPreProcessor(p);
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return in.getPreProcessor();
    }

    @Override
    public List<String> getLabels() {
        return in.getLabels();
    }

    @Override
    public void close() throws Exception {
        if (in instanceof AutoCloseable c) {
            c.close();
        }
    }
}
