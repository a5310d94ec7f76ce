package io.hrnet4j.zoo.weights;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The key naming of a pose-network state dict, detected from its keys and renamed to the official HRNet names
 * (official {@code lib/models/pose_hrnet.py}, {@code PoseHighResolutionNet}: {@code conv1.weight}, ...,
 * {@code stage4.2.fuse_layers.0.3.0.1.running_var}, {@code final_layer.weight}).
 * <ul>
 *   <li>{@link #OFFICIAL}: the official names, kept as they are (also LibreYOLO's metadata-wrapped mirrors, whose
 *   tensors are unchanged);</li>
 *   <li>{@link #MMPOSE_0X}: mmpose 0.x {@code TopDown} ({@code mmpose/models/detectors/top_down.py}): the backbone
 *   under {@code backbone.} (mmpose's {@code HRNet} backbone uses the official module names) and the
 *   {@code TopdownHeatmapSimpleHead}'s 1x1 conv as {@code keypoint_head.final_layer.} (or
 *   {@code keypoint_head.final_layer.0.} when it is a one-layer {@code Sequential});</li>
 *   <li>{@link #MMPOSE_1X}: mmpose 1.x {@code TopdownPoseEstimator} ({@code mmpose/models/pose_estimators/topdown.py}):
 *   {@code backbone.} and the {@code HeatmapHead}'s {@code head.final_layer.}; {@code data_preprocessor.} buffers,
 *   which hold the input mean and std and no weight, are dropped.</li>
 * </ul>
 * Keys outside these patterns are kept unchanged, so that a strict check reports them.
 */
public enum KeyConvention {
    /** Official {@code pose_hrnet} names. */
    OFFICIAL("official pose_hrnet keys"),
    /** mmpose 0.x {@code TopDown}: {@code backbone.*}, {@code keypoint_head.final_layer.*}. */
    MMPOSE_0X("mmpose 0.x TopDown keys (backbone.*, keypoint_head.final_layer.*)"),
    /** mmpose 1.x {@code TopdownPoseEstimator}: {@code backbone.*}, {@code head.final_layer.*}. */
    MMPOSE_1X("mmpose 1.x TopdownPoseEstimator keys (backbone.*, head.final_layer.*)");

    private static final String BACKBONE = "backbone.";
    private static final String HEAD_0X = "keypoint_head.final_layer.";
    private static final String HEAD_1X = "head.final_layer.";
    private static final String PREPROCESSOR = "data_preprocessor.";

    private final String description;

    KeyConvention(String description) {
        this.description = description;
    }

    /** @return e.g. {@code mmpose 1.x TopdownPoseEstimator keys (backbone.*, head.final_layer.*)} */
    public String description() {
        return description;
    }

    /**
     * @param keys the keys of a state dict (after any {@code module.} prefix is removed)
     * @return {@link #MMPOSE_0X} when a key starts with {@code backbone.} and one with {@code keypoint_head.},
     *     {@link #MMPOSE_1X} when a key starts with {@code backbone.} and one with {@code head.}, else
     *     {@link #OFFICIAL}
     */
    public static KeyConvention detect(Iterable<String> keys) {
        boolean backbone = false;
        boolean head0 = false;
        boolean head1 = false;
        for (String k : keys) {
            backbone |= k.startsWith(BACKBONE);
            head0 |= k.startsWith("keypoint_head.");
            head1 |= k.startsWith("head.");
        }
        if (backbone && head0) {
            return MMPOSE_0X;
        }
        if (backbone && head1) {
            return MMPOSE_1X;
        }
        return OFFICIAL;
    }

    /**
     * Renames the keys of this convention to the official names, keeping the order.
     *
     * @param in key to array in this convention
     * @return key to array under the official names (the arrays are shared, not copied)
     * @throws CheckpointFormatException if two keys map to the same official name (names both)
     */
    public Map<String, INDArray> toOfficial(Map<String, INDArray> in) throws CheckpointFormatException {
        if (this == OFFICIAL) {
            return in;
        }
        String head = this == MMPOSE_0X ? HEAD_0X : HEAD_1X;
        boolean sequentialHead = in.keySet().stream().anyMatch(k -> k.startsWith(head + "0."))
                && in.keySet().stream().noneMatch(k -> k.startsWith(head + "1."));
        String headPrefix = sequentialHead ? head + "0." : head;
        Map<String, INDArray> out = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : in.entrySet()) {
            String k = e.getKey();
            if (this == MMPOSE_1X && k.startsWith(PREPROCESSOR)) {
                continue;
            }
            String mapped = k.startsWith(BACKBONE) ? k.substring(BACKBONE.length())
                    : k.startsWith(headPrefix) ? "final_layer." + k.substring(headPrefix.length()) : k;
            String before = from.putIfAbsent(mapped, k);
            if (before != null) {
                throw new CheckpointFormatException("keys '" + before + "' and '" + k + "' both map to '" + mapped
                        + "' under the " + description);
            }
            out.put(mapped, e.getValue());
        }
        return out;
    }
}
