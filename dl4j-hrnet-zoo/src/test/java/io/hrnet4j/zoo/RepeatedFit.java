package io.hrnet4j.zoo;

import io.hrnet4j.zoo.samediff.LossRecorder;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;

/** Test helper: trains both realisations on one batch several times and returns each step's loss. */
final class RepeatedFit {
    private RepeatedFit() {
    }

    /**
     * @param g an initialised graph (with its updater)
     * @param batch features {@code [N, 3, H, W]}, labels and labels mask {@code [N, K, H/4, W/4]}
     * @param steps optimizer steps
     * @return the score after each step
     */
    static List<Double> graph(ComputationGraph g, DataSet batch, int steps) {
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            g.fit(batch);
            losses.add(g.score());
        }
        return losses;
    }

    /**
     * @param sd a SameDiff model (with its updater)
     * @param batch as for {@link #graph}
     * @param steps optimizer steps
     * @return the loss of each step
     */
    static List<Double> sameDiff(SameDiffHRNet sd, DataSet batch, int steps) {
        LossRecorder recorder = SameDiffHRNet.lossRecorder(null);
        for (int i = 0; i < steps; i++) {
            sd.fit(new SingletonDataSetIterator(batch), 1, recorder);
        }
        return recorder.losses();
    }
}
