package io.hrnet4j.cli;

import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The architecture options shared by every command that builds a network: either {@code --config FILE} (an
 * official experiment YAML or the same content as JSON), {@code --preset NAME}, or {@code --arch hrnet|dehrnet
 * --width W --joints K --input HxW}.
 */
public class ArchOptions {
    @Option(names = "--arch", description = "hrnet or dehrnet (default: ${DEFAULT-VALUE})", defaultValue = "hrnet")
    String arch;

    @Option(names = "--width", description = "HRNet width W, e.g. 32 or 48 (default: ${DEFAULT-VALUE})",
            defaultValue = "32")
    int width;

    @Option(names = "--joints", description = "number of joints K, 17 COCO / 16 MPII (default: ${DEFAULT-VALUE})",
            defaultValue = "17")
    int joints;

    @Option(names = "--input", description = "input size HxW in pixels (default: ${DEFAULT-VALUE})",
            defaultValue = "256x192")
    String input;

    @Option(names = "--config", description = "official experiment YAML, or the same content as JSON")
    Path config;

    @Option(names = "--preset", description = "named preset: w32_256x192, w48_384x288, w32_256x256_mpii, ...")
    String preset;

    /**
     * @return the architecture the options describe
     * @throws InvalidConfigException for an unknown architecture name, a malformed size or an invalid config
     * @throws IOException if the config file cannot be read
     */
    public HRNetConfig resolve() throws IOException {
        HRNetConfig cfg;
        if (config != null) {
            cfg = ExperimentConfig.read(config);
        } else if (preset != null) {
            cfg = Presets.get(preset);
        } else {
            int[] hw = parseSize(input);
            cfg = HRNetConfig.standard(width, joints, hw[0], hw[1]);
        }
        switch (arch.toLowerCase(Locale.ROOT)) {
            case "hrnet":
                return cfg;
            case "dehrnet":
                return cfg.deHrnet() != null ? cfg : cfg.withDeHrnet(DeHrnetOptions.defaults());
            default:
                throw new InvalidConfigException("unknown architecture '" + arch + "' (known: hrnet, dehrnet)");
        }
    }

    /**
     * @param s {@code HxW}, e.g. {@code 256x192}
     * @return {height, width}
     * @throws InvalidConfigException if malformed
     */
    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigException("--input must be HxW (e.g. 256x192), got '" + s + "'");
    }
}
