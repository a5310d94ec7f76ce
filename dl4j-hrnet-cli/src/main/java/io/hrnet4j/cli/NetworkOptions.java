package io.hrnet4j.cli;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The picocli options that choose a network and its weights, shared by {@code eval}, {@code predict} (and later
 * {@code infer-raw}, {@code bench}, {@code train}): either {@code --arch hrnet --width W --joints K --input HxW} or
 * {@code --config FILE} / {@code --preset NAME} ({@link ArchOptions}), plus {@code --weights FILE}
 * ({@code .pth}, {@code .npz} or a DL4J model zip; see {@link PoseNetworks}) and {@code --backend graph|samediff}.
 * Defaults: W32, the dataset's joints (17 COCO, 16 MPII) and input size (256x192 COCO, 256x256 MPII).
 */
public final class NetworkOptions {
    @Mixin
    ArchOptions arch;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "Weights: official .pth, .npz state dict, or a DL4J model zip (trained checkpoint).")
    Path weights;

    @Option(names = "--backend", defaultValue = "samediff_folded", paramLabel = "graph|samediff|samediff_folded",
            description = "Realisation: DL4J ComputationGraph, SameDiff, or SameDiff with BN folded into the convs "
                    + "(fastest; default: ${DEFAULT-VALUE}).")
    String backend;

    /**
     * The architecture chosen on the command line ({@link ArchOptions#resolve(KeypointSchema)}).
     *
     * @param schema the dataset (default joints and input size)
     * @return the configuration
     * @throws IOException if the config file cannot be read
     */
    public HRNetConfig config(KeypointSchema schema) throws IOException {
        return arch.resolve(schema);
    }

    /**
     * Builds the network and loads the weights ({@link PoseNetworks#load}).
     *
     * @param schema the dataset (default joints and input size)
     * @return the network
     * @throws IOException if the weights are missing, unreadable or for another architecture (the message lists the
     *     keys and shapes)
     */
    public PoseNetwork load(KeypointSchema schema) throws IOException {
        HRNetConfig cfg = config(schema);
        if (cfg.numJoints() != schema.numJoints()) {
            throw new IllegalArgumentException("the network has " + cfg.numJoints() + " joints but " + schema.name()
                    + " has " + schema.numJoints());
        }
        return PoseNetworks.load(cfg, weights, PoseNetworks.Backend.byName(backend));
    }
}
