package io.hrnet4j.cli;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.ExperimentFiles;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The picocli options that choose a network and its weights, shared by {@code eval}, {@code predict} (and later
 * {@code infer-raw}, {@code bench}, {@code train}): either {@code --arch hrnet --width W --joints K --input HxW} or
 * {@code --config FILE} (an official experiment YAML, see {@link ExperimentFiles}), plus {@code --weights FILE}
 * ({@code .pth}, {@code .npz} or a DL4J model zip; see {@link PoseNetworks}) and {@code --backend graph|samediff}.
 * Defaults: W32, the dataset's joints (17 COCO, 16 MPII) and input size (256x192 COCO, 256x256 MPII).
 */
public final class NetworkOptions {
    @Option(names = "--arch", paramLabel = "hrnet|dehrnet", description = "Architecture (default: hrnet).")
    String arch;

    @Option(names = "--width", paramLabel = "W", description = "HRNet width W: 32, 48, ... (default: 32).")
    Integer width;

    @Option(names = "--joints", paramLabel = "K", description = "Number of joints (default: 17 COCO, 16 MPII).")
    Integer joints;

    @Option(names = "--input", paramLabel = "HxW",
            description = "Input size, height x width in pixels (default: 256x192 COCO, 256x256 MPII).")
    String input;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Official experiment YAML (MODEL.NUM_JOINTS, IMAGE_SIZE, EXTRA.STAGE2..4); "
                    + "excludes --arch/--width/--joints/--input.")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "Weights: official .pth, .npz state dict, or a DL4J model zip (trained checkpoint).")
    Path weights;

    @Option(names = "--backend", defaultValue = "graph", paramLabel = "graph|samediff",
            description = "Realisation: DL4J ComputationGraph or SameDiff (default: ${DEFAULT-VALUE}).")
    String backend;

    /**
     * The architecture chosen on the command line.
     *
     * @param schema the dataset (default joints and input size)
     * @return the configuration
     * @throws IllegalArgumentException for contradictory or malformed options ({@code --config} with
     *     {@code --width}, an {@code --input} not of the form {@code HxW}, {@code --arch dehrnet}, ...)
     * @throws IOException if the config file cannot be read
     */
    public HRNetConfig config(KeypointSchema schema) throws IOException {
        if (config != null) {
            if (arch != null || width != null || joints != null || input != null) {
                throw new IllegalArgumentException("--config " + config
                        + " describes the whole architecture: drop --arch/--width/--joints/--input");
            }
            return ExperimentFiles.read(config);
        }
        String a = arch == null ? "hrnet" : arch.toLowerCase(Locale.ROOT);
        if (a.equals("dehrnet")) {
            throw new IllegalArgumentException("--arch dehrnet is not available in this command yet; use --arch hrnet");
        }
        if (!a.equals("hrnet")) {
            throw new IllegalArgumentException("--arch must be hrnet or dehrnet, got '" + arch + "'");
        }
        int w = width == null ? 32 : width;
        int k = joints == null ? schema.numJoints() : joints;
        int h = 256;
        int wd = schema == KeypointSchema.MPII ? 256 : 192;
        if (input != null) {
            String[] p = input.toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                h = Integer.parseInt(p[0].trim());
                wd = Integer.parseInt(p[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input must be HxW (height x width), e.g. 256x192, got '" + input
                        + "'");
            }
        }
        if (w < 1 || k < 1) {
            throw new IllegalArgumentException("--width and --joints must be >= 1, got " + w + " and " + k);
        }
        return HRNetConfig.standard(w, k, h, wd);
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
