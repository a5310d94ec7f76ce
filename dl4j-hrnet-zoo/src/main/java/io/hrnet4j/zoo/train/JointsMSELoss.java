package io.hrnet4j.zoo.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The official HRNet loss ({@code lib/core/loss.py JointsMSELoss} with {@code USE_TARGET_WEIGHT}) as a DL4J loss
 * for a {@code CnnLossLayer}: {@code L = sum_j 0.5 * MSE(pred_j * w_j, gt_j * w_j) / K}, i.e.
 * {@code 0.5 * mean over N, K, H, W of (w * (pred - gt))^2}.
 *
 * <p>DL4J hands a {@code CnnLossLayer}'s loss the heatmaps reshaped to 2-D {@code [N*H*W, K]} and divides the
 * summed score and the gradient by N; this loss therefore scales each element by {@code 1 / (K * H * W)}, which
 * makes the reported score exactly the reference loss value. The target weights {@code w} arrive as the labels
 * mask, shape {@code [N, K, H, W]} (the per-joint weight broadcast over the heatmap) or absent (all ones).
 */
public class JointsMSELoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    private final long heatmapCells;

    /**
     * @param heatmapCells {@code H * W} of the heatmaps (e.g. 64 * 48)
     * @throws IllegalArgumentException if not positive
     */
    public JointsMSELoss(@JsonProperty("heatmapCells") long heatmapCells) {
        if (heatmapCells < 1) {
            throw new IllegalArgumentException("heatmapCells must be >= 1, got " + heatmapCells);
        }
        this.heatmapCells = heatmapCells;
    }

    /** @return {@code H * W} */
    public long getHeatmapCells() {
        return heatmapCells;
    }

    private INDArray weightedDiff(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        INDArray diff = out.subi(labels);
        if (mask != null) {
            diff.muli(mask);
        }
        return diff;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray d = weightedDiff(labels, preOutput, activationFn, mask);
        double scale = 0.5 / (labels.size(1) * (double) heatmapCells);
        return d.muli(d).sum(true, 1).muli(scale);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double s = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? s / labels.size(0) : s;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray d = weightedDiff(labels, preOutput, activationFn, mask);
        if (mask != null) {
            d.muli(mask);
        }
        d.muli(1.0 / (labels.size(1) * (double) heatmapCells));
        return activationFn.backprop(preOutput.dup(), d).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "JointsMSELoss";
    }

    @Override
    public String toString() {
        return "JointsMSELoss(heatmapCells=" + heatmapCells + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JointsMSELoss l && l.heatmapCells == heatmapCells;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(heatmapCells);
    }
}
