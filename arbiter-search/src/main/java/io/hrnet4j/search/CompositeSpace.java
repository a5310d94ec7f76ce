package io.hrnet4j.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.AbstractParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * An Arbiter parameter space built from sub-spaces in a fixed order: its search dimensions are theirs, one after
 * another ({@link #parts()}), so a point's values {@code [0, 1]^n} are handed to each sub-space at its own indices.
 *
 * @param <T> the type of a point of the space
 */
public abstract class CompositeSpace<T> extends AbstractParameterSpace<T> {
    /** @return the sub-spaces in the order of their search dimensions */
    protected abstract List<ParameterSpace<?>> parts();

    @Override
    public int numParameters() {
        return parts().stream().mapToInt(ParameterSpace::numParameters).sum();
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> out = new ArrayList<>();
        for (ParameterSpace<?> p : parts()) {
            out.addAll(p.collectLeaves());
        }
        return out;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    /** Sets the indices of the sub-spaces in the order of {@link #parts()}. */
    @Override
    public void setIndices(int... indices) {
        int at = 0;
        for (ParameterSpace<?> p : parts()) {
            int n = p.numParameters();
            if (n > 0) {
                p.setIndices(Arrays.copyOfRange(indices, at, at + n));
            }
            at += n;
        }
    }
}
