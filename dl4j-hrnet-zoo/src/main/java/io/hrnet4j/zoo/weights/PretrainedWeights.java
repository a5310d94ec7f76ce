package io.hrnet4j.zoo.weights;

import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads official (or exported) weights for an architecture and checks them strictly before anything is loaded:
 * every key of {@link Complexity#stateDictShapes()} present with its exact shape and no unexpected key.
 * {@code num_batches_tracked} entries are dropped (older checkpoints lack them); fixed buffers (DySample
 * {@code init_pos}) are optional.
 */
public final class PretrainedWeights {
    private PretrainedWeights() {
    }

    /**
     * @param cfg the architecture the weights are for
     * @param file a PyTorch checkpoint ({@code .pth}/{@code .pt}, zip or legacy, plain or wrapped) or a NumPy
     *     {@code .npz} state dict
     * @return the checked state dict (official key order)
     * @throws WeightMismatchException listing every missing, unexpected and mis-shaped key with both shapes
     * @throws CheckpointFormatException if the file is not a readable checkpoint
     * @throws IOException if the file cannot be read
     */
    public static Map<String, INDArray> read(HRNetConfig cfg, Path file) throws IOException {
        StateDict sd = StateDict.load(file).withoutBatchCounters();
        Complexity cx = Complexity.of(cfg);
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : cx.stateDictShapes().entrySet()) {
            Complexity.Kind kind = cx.owners().get(e.getKey()).kind();
            if (kind == Complexity.Kind.COUNTER || kind == Complexity.Kind.BUFFER && !sd.contains(e.getKey())) {
                continue;
            }
            expected.put(e.getKey(), e.getValue());
        }
        return sd.checkAgainst(expected).asMap();
    }
}
