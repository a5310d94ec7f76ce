package io.hrnet4j.zoo.eval;

import io.hrnet4j.data.keypoints.PoseSample;
import java.util.List;

/**
 * Scores decoded top-down predictions against a dataset's ground truth: the second half of the official test
 * ({@code COCODataset.evaluate} / {@code MPIIDataset.evaluate}), after {@link
 * io.hrnet4j.zoo.inference.TopDownPredictor#predictSamples}. One implementation per dataset: {@link CocoScorer}
 * (rescoring, OKS-NMS, COCO OKS AP) and {@link MpiiScorer} (PCKh).
 */
public interface PoseScorer {
    /**
     * @param samples the evaluated person boxes
     * @param keypoints {@code [samples.size()][3K]}: per sample, flat {@code [x, y, score] * K} in image pixels
     * @return the statistics, per-joint breakdown and predictions (no timings, no results file)
     * @throws IllegalArgumentException if the lengths disagree or the predictions do not fit the ground truth (the
     *     message names the prediction and the field)
     */
    TopDownEvalResult score(List<PoseSample> samples, double[][] keypoints);

    /**
     * @param samples the evaluated person boxes
     * @param keypoints their predictions
     * @throws IllegalArgumentException if there is not one prediction per sample
     */
    static void checkLengths(List<PoseSample> samples, double[][] keypoints) {
        if (samples.size() != keypoints.length) {
            throw new IllegalArgumentException(samples.size() + " samples but " + keypoints.length + " predictions");
        }
    }

    /**
     * @param samples the evaluated person boxes
     * @return the number of distinct images among them ({@link PoseSample#imageId()})
     */
    static int numImages(List<PoseSample> samples) {
        return (int) samples.stream().mapToLong(PoseSample::imageId).distinct().count();
    }

    /**
     * @param flat one pose as flat {@code [x, y, score] * K}
     * @return the same values per joint, {@code [K][3]} (copies)
     */
    static double[][] perJoint(double[] flat) {
        double[][] kp = new double[flat.length / 3][];
        for (int j = 0; j < kp.length; j++) {
            kp[j] = new double[] {flat[3 * j], flat[3 * j + 1], flat[3 * j + 2]};
        }
        return kp;
    }
}
