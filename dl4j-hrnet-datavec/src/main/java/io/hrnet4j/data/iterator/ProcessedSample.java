package io.hrnet4j.data.iterator;

/**
 * One sample after decode, augmentation, warp and target generation.
 *
 * @param input {@code [3, H, W]} CHW, RGB, normalised {@code (v / 255 - mean) / std}
 * @param heatmaps {@code [K, H / 4, W / 4]} Gaussian targets
 * @param weights {@code [K]} target weights
 * @param jointsInCrop {@code [K][3]} (x, y, vis) in input-crop pixels
 * @param meta ids, crop parameters, score
 */
public record ProcessedSample(float[] input, float[] heatmaps, float[] weights, double[][] jointsInCrop,
                              PoseRecordMetaData meta) {
}
