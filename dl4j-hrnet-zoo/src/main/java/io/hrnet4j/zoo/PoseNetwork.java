package io.hrnet4j.zoo;

import io.hrnet4j.zoo.arch.HRNetConfig;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pose network in inference mode, whichever realisation holds it: the DL4J {@link ComputationGraph} or the
 * SameDiff graph ({@link io.hrnet4j.zoo.samediff.SameDiffHRNet}). Evaluation, prediction and benchmarking take
 * this interface.
 */
public interface PoseNetwork {

    /** @return the architecture (input size, joints, heatmap size) */
    HRNetConfig config();

    /**
     * Runs the network in inference mode (BN with running statistics, dropout off).
     *
     * @param input {@code [N, 3, H, W]} float32, NCHW, RGB normalised with ImageNet mean/std
     * @return heatmaps {@code [N, K, H/4, W/4]}
     * @throws IllegalArgumentException if the input is not {@code [N, 3, H, W]} of the configured size
     */
    INDArray output(INDArray input);

    /**
     * @param graph a graph built from {@code cfg} (e.g. {@code new HRNet.Builder().config(cfg).build().init()})
     * @param cfg its architecture
     * @return the graph as a {@link PoseNetwork}
     */
    static PoseNetwork of(ComputationGraph graph, HRNetConfig cfg) {
        return new PoseNetwork() {
            @Override
            public HRNetConfig config() {
                return cfg;
            }

            @Override
            public INDArray output(INDArray input) {
                checkInput(cfg, input);
                return graph.outputSingle(false, input.castTo(DataType.FLOAT));
            }
        };
    }

    /**
     * Validates an input batch against a configuration.
     *
     * @param cfg the architecture
     * @param input the batch
     * @throws IllegalArgumentException naming the expected and the actual shape
     */
    static void checkInput(HRNetConfig cfg, INDArray input) {
        long[] s = input.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != cfg.inputHeight() || s[3] != cfg.inputWidth()) {
            throw new IllegalArgumentException("input must be [N, 3, " + cfg.inputHeight() + ", " + cfg.inputWidth()
                    + "] (NCHW, RGB), got " + Arrays.toString(s));
        }
    }
}
