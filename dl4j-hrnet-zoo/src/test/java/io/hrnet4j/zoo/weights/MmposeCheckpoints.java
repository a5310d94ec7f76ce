package io.hrnet4j.zoo.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.hrnet4j.zoo.weights.TorchSaveWriter.PyBuild;
import io.hrnet4j.zoo.weights.TorchSaveWriter.PyCall;
import io.hrnet4j.zoo.weights.TorchSaveWriter.PyGlobal;
import io.hrnet4j.zoo.weights.TorchSaveWriter.PyOrderedDict;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test fixture: writes an official-key state dict as the checkpoints mmpose publishes, {@code {'meta': ...,
 * 'state_dict': ...}} in the torch zip format ({@link TorchSaveWriter}):
 * <ul>
 *   <li>0.x ({@code mmcv.runner.save_checkpoint}): keys {@code backbone.*} and {@code keypoint_head.final_layer.*},
 *   meta of strings, numbers, None and nested dicts ({@code mmcv_version}, {@code time}, {@code config} text,
 *   {@code hook_msgs});</li>
 *   <li>1.x ({@code mmengine.runner.Runner.save_checkpoint}): keys {@code backbone.*} and {@code head.final_layer.*},
 *   meta with {@code dataset_meta} holding what mmengine pickles there: a numpy float32 array (written as
 *   {@code numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')} plus {@code BUILD} with a
 *   {@code numpy.dtype}), tuples, a set, an int-keyed dict; beside it a {@code message_hub} whose
 *   {@code HistoryBuffer} is rebuilt through {@code copyreg._reconstructor} plus {@code BUILD}, as Python pickles a
 *   plain object.</li>
 * </ul>
 */
public final class MmposeCheckpoints {
    private MmposeCheckpoints() {
    }

    /**
     * @param official key to array under the official names
     * @param file the {@code .pth} to write
     * @throws IOException if it cannot be written
     */
    public static void writeMmpose0x(Map<String, INDArray> official, Path file) throws IOException {
        Map<Object, Object> meta = new LinkedHashMap<>();
        meta.put("mmcv_version", "1.3.9");
        meta.put("time", "Wed Jul  8 14:22:31 2020");
        meta.put("mmpose_version", "0.6.0");
        meta.put("config", "model = dict(type='TopDown', pretrained='https://download.openmmlab.com/mmpose/"
                + "pretrain_models/hrnet_w32-36af842e.pth', backbone=dict(type='HRNet', in_channels=3))\n");
        meta.put("epoch", 210);
        meta.put("iter", 245_490);
        Map<Object, Object> hooks = new LinkedHashMap<>();
        hooks.put("last_ckpt", "work_dirs/hrnet_w32_coco_256x192/epoch_210.pth");
        hooks.put("best_score", 0.7463);
        meta.put("hook_msgs", hooks);
        meta.put("seed", null);
        write(rename(official, "keypoint_head.final_layer."), meta, null, file);
    }

    /**
     * @param official key to array under the official names
     * @param file the {@code .pth} to write
     * @throws IOException if it cannot be written
     */
    public static void writeMmpose1x(Map<String, INDArray> official, Path file) throws IOException {
        Map<Object, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", 210);
        meta.put("iter", 245_490);
        meta.put("cfg", "model = dict(type='TopdownPoseEstimator', head=dict(type='HeatmapHead'))\n");
        meta.put("seed", 21);
        meta.put("experiment_name", "td-hm_hrnet-w32_8xb64-210e_coco-256x192_20220909_204410");
        meta.put("mmengine_version", "0.1.0");
        Map<Object, Object> ds = new LinkedHashMap<>();
        ds.put("dataset_name", "coco");
        ds.put("num_keypoints", 17);
        ds.put("flip_indices", List.of(0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15));
        Map<Object, Object> names = new LinkedHashMap<>();
        names.put(0, "nose");
        names.put(1, "left_eye");
        ds.put("keypoint_id2name", names);
        ds.put("skeleton_links", List.of(new Object[] {15, 13}, new Object[] {13, 11}));
        ds.put("upper_body_ids", new LinkedHashSet<>(List.of(0, 1, 2, 3)));
        ds.put("sigmas", numpyFloat32(new float[] {0.026f, 0.025f, 0.025f}));
        meta.put("dataset_meta", ds);
        Map<Object, Object> buffer = new LinkedHashMap<>();
        buffer.put("max_length", 1_000_000);
        buffer.put("_log_history", numpyFloat32(new float[] {0.0021f, 0.0019f}));
        Object history = new PyBuild(new PyCall(new PyGlobal("copyreg", "_reconstructor"),
                new PyGlobal("mmengine.logging.history_buffer", "HistoryBuffer"), new PyGlobal("builtins", "object"),
                null), buffer);
        Map<Object, Object> hub = new LinkedHashMap<>();
        hub.put("log_scalars", Map.of("train/loss", history));
        write(rename(official, "head.final_layer."), meta, hub, file);
    }

    private static Map<String, INDArray> rename(Map<String, INDArray> official, String head) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        official.forEach((k, v) -> out.put(k.startsWith("final_layer.") ? head + k.substring("final_layer.".length())
                : "backbone." + k, v));
        return out;
    }

    private static void write(Map<String, INDArray> keys, Map<Object, Object> meta, Map<Object, Object> messageHub,
                              Path file) throws IOException {
        PyOrderedDict sd = TorchSaveWriter.stateDict(keys, "", false);
        Map<Object, Object> root = new LinkedHashMap<>();
        root.put("meta", meta);
        root.put("state_dict", sd);
        if (messageHub != null) {
            root.put("message_hub", messageHub);
        }
        TorchSaveWriter.writeZip(root, file);
    }

    /** What {@code pickle} writes for {@code np.array(v, dtype=np.float32)} (protocol 2). */
    private static Object numpyFloat32(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        PyGlobal ndarray = new PyGlobal("numpy", "ndarray");
        Object empty = new PyCall(new PyGlobal("numpy.core.multiarray", "_reconstruct"), ndarray, new Object[] {0L},
                "b");
        Object dtype = new PyBuild(new PyCall(new PyGlobal("numpy", "dtype"), "f4", false, true),
                new Object[] {3, "<", null, null, null, -1, -1, 0});
        return new PyBuild(empty, new Object[] {1, new Object[] {(long) v.length}, dtype, false, b.array()});
    }
}
