package io.hrnet4j.examples;

import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.TinyConfigs;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The model the example tests run: the official tiny HRNet of shared/oracle (widths 4/8/16/32, one module and one
 * block per stage, 17 joints, input 128x96), whose weights are a real PyTorch checkpoint ({@code tiny_hrnet.pth},
 * saved by {@code torch.save(model.state_dict())}), as a user holds a {@code pose_hrnet_*.pth} file.
 */
final class TinyModel {
    /** The architecture (shared/oracle/tiny_config.json). */
    static final HRNetConfig CONFIG = TinyConfigs.tiny();

    private TinyModel() {
    }

    /** @return the official PyTorch checkpoint of the tiny model */
    static Path weights() {
        return SharedData.oracle("tiny_hrnet.pth");
    }

    /**
     * Writes the architecture as an official experiment file, as a user passes {@code --config}.
     *
     * @param dir a folder
     * @return {@code dir/tiny.yaml}
     * @throws IOException if it cannot be written
     */
    static Path writeConfig(Path dir) throws IOException {
        Path f = dir.resolve("tiny.yaml");
        ExperimentConfig.writeYaml(f, ExperimentConfig.toTree(CONFIG));
        return f;
    }

    /** @return the COCO sample folder: 4 val2017 images, their annotations and real detector boxes */
    static Path cocoSample() {
        return SharedData.data("coco-sample");
    }
}
