package io.hrnet4j.zoo.samediff;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Updates the BN running statistics of a SameDiff HRNet during {@code fit}, as PyTorch's {@code BatchNorm2d} does
 * in training mode: {@code running_mean = (1 - m) * running_mean + m * batch_mean} and
 * {@code running_var = (1 - m) * running_var + m * batch_var * n / (n - 1)} (unbiased), momentum m = 0.1, n = the
 * number of elements per channel ({@code N * H * W}). SameDiff has no in-graph assignment, so the training path
 * exposes the batch statistics ({@link SameDiffEmitter.Mode#TRAINING}: {@code prefix + key + "/batch_mean"} and
 * {@code "/batch_var"}, biased, {@code [C]}; n from the shape of the BN output {@code prefix + key}) and this
 * listener writes them, in place,
 * into the {@code running_mean} / {@code running_var} constants that the inference path reads. The statistics are
 * taken from activations on the loss path: M2.1's {@code SameDiff.fit} collects listeners' required variables
 * but never hands them to its {@code TrainingSession}, so side-branch variables would not be computed.
 */
public class BatchNormStatistics extends BaseListener {
    /** PyTorch's default BN momentum. */
    public static final double MOMENTUM = 0.1;

    private final String prefix;
    private final List<String> keys;
    private final Set<String> wanted = new LinkedHashSet<>();
    private final Map<String, INDArray> pending = new HashMap<>();

    /**
     * @param prefix the training path's activation prefix (e.g. {@code "train/"})
     * @param bnKeys BN module keys of the training path
     */
    public BatchNormStatistics(String prefix, List<String> bnKeys) {
        this.prefix = prefix;
        this.keys = List.copyOf(bnKeys);
        for (String k : keys) {
            wanted.add(prefix + k + "/batch_mean");
            wanted.add(prefix + k + "/batch_var");
            wanted.add(prefix + k);
        }
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public ListenerVariables requiredVariables(SameDiff sd) {
        return ListenerVariables.builder().trainingVariables(wanted.toArray(new String[0])).build();
    }

    @Override
    public void activationAvailable(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName,
                                    INDArray activation) {
        if (at.operation() == Operation.TRAINING && wanted.contains(varName)) {
            // of the BN output only the shape is needed (n = N * H * W); the statistics are copied
            boolean stat = varName.endsWith("/batch_mean") || varName.endsWith("/batch_var");
            pending.put(varName, stat ? activation.dup() : Nd4j.scalar(activation.length() / activation.size(1)));
        }
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, org.nd4j.autodiff.listeners.Loss loss) {
        for (String k : keys) {
            INDArray bm = pending.get(prefix + k + "/batch_mean");
            INDArray bv = pending.get(prefix + k + "/batch_var");
            INDArray cnt = pending.get(prefix + k);
            if (bm == null || bv == null || cnt == null) {
                throw new IllegalStateException("BN statistics of " + k + " were not computed in this iteration");
            }
            double n = cnt.getDouble(0);
            double unbias = n > 1 ? n / (n - 1) : 1.0;
            INDArray rm = sd.getArrForVarName(k + ".running_mean");
            INDArray rv = sd.getArrForVarName(k + ".running_var");
            rm.muli(1 - MOMENTUM).addi(bm.reshape(rm.shape()).castTo(rm.dataType()).muli(MOMENTUM));
            rv.muli(1 - MOMENTUM).addi(bv.reshape(rv.shape()).castTo(rv.dataType()).muli(MOMENTUM * unbias));
        }
        // the copies are freed now rather than by the garbage collector (off-heap memory bounded per step)
        for (INDArray a : pending.values()) {
            a.close();
        }
        pending.clear();
    }
}
