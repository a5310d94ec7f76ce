package io.hrnet4j.cli;

import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The architecture options shared by every command that builds a network: {@code --config FILE} (an official
 * experiment YAML, or the same content as JSON), {@code --preset NAME}, or {@code --arch hrnet|dehrnet --width W
 * --joints K --input HxW}. Defaults: HRNet-W32 with the dataset's joints and input size (17 joints at 256x192 for
 * COCO, 16 at 256x256 for MPII; COCO when no dataset is involved).
 */
public class ArchOptions {
    @Option(names = "--arch", paramLabel = "hrnet|small|dehrnet",
            description = "Architecture family: hrnet (official stages), small (1 module and 1 block per branch, "
                    + "stages 2-3: the embedded default's), dehrnet (default: hrnet).")
    String arch;

    @Option(names = "--width", paramLabel = "W", description = "HRNet width W: 32, 48, ... (default: 32; small 16).")
    Integer width;

    @Option(names = "--joints", paramLabel = "K", description = "Number of joints (default: 17 COCO, 16 MPII).")
    Integer joints;

    @Option(names = "--input", paramLabel = "HxW",
            description = "Input size, height x width in pixels (default: 256x192 COCO, 256x256 MPII).")
    List<String> inputs = new ArrayList<>();

    /** Set by commands that take a data file through {@code --input} too (infer-raw); others reject non-sizes. */
    boolean inputFilesAllowed;
    private int[] sizeFromData;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Official experiment YAML or the same content as JSON (MODEL.NUM_JOINTS, IMAGE_SIZE, "
                    + "EXTRA.STAGE2..4); excludes --width/--joints/--input/--preset.")
    Path config;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Named architecture: w32_256x192, w32_384x288, w48_256x192, w48_384x288, "
                    + "w32_256x256_mpii, w48_256x256_mpii, " + Presets.EMBEDDED + " (the embedded default's).")
    String preset;

    /** @return the architecture, with COCO defaults */
    public HRNetConfig resolve() throws IOException {
        return resolve(KeypointSchema.COCO);
    }

    /**
     * @param schema the dataset (default joints and input size)
     * @return the architecture the options describe
     * @throws InvalidConfigException for an unknown architecture, a malformed size, contradictory options or an
     *     invalid config file (the message names the option or field)
     * @throws IOException if the config file cannot be read
     */
    public HRNetConfig resolve(KeypointSchema schema) throws IOException {
        String a = arch == null ? "hrnet" : arch.toLowerCase(Locale.ROOT);
        if (!a.equals("hrnet") && !a.equals("dehrnet") && !a.equals("small")) {
            throw new InvalidConfigException("unknown architecture '" + arch + "' (known: hrnet, small, dehrnet)");
        }
        HRNetConfig cfg;
        if (config != null || preset != null) {
            String input = size();
            if (config != null && preset != null || width != null || joints != null || input != null) {
                throw new InvalidConfigException((config != null ? "--config " + config : "--preset " + preset)
                        + " describes the whole architecture: drop --width/--joints/--input"
                        + (config != null && preset != null ? " and --preset" : ""));
            }
            cfg = config != null ? ExperimentConfig.read(config) : Presets.get(preset);
        } else {
            boolean small = a.equals("small");
            int w = width == null ? (small ? 16 : 32) : width;
            int k = joints == null ? schema.numJoints() : joints;
            String input = size();
            int[] hw = input != null ? parseSize(input) : sizeFromData != null ? sizeFromData
                    : new int[] {256, schema == KeypointSchema.MPII ? 256 : 192};
            if (w < 1 || k < 1) {
                throw new InvalidConfigException("--width and --joints must be >= 1, got " + w + " and " + k);
            }
            cfg = Presets.build(small ? Presets.Family.SMALL : Presets.Family.STANDARD, w, k, hw[0], hw[1]);
        }
        if (a.equals("dehrnet") && cfg.deHrnet() == null) {
            cfg = cfg.withDeHrnet(DeHrnetOptions.defaults());
        }
        return cfg;
    }

    /** @return whether any option names the architecture ({@code --arch/--width/--joints/--config/--preset}) */
    boolean describesArchitecture() {
        return arch != null || width != null || joints != null || config != null || preset != null;
    }

    /** @return the {@code --input} size {height, width}, or null when not given */
    int[] inputSize() {
        String s = size();
        return s == null ? null : parseSize(s);
    }

    /** @return the {@code --input} value that is a size, or null; others are files (infer-raw) or errors */
    private String size() {
        String size = null;
        for (String v : inputs) {
            if (isSize(v)) {
                if (size != null) {
                    throw new InvalidConfigException("--input HxW given twice: " + size + " and " + v);
                }
                parseSize(v);
                size = v;
            } else if (!inputFilesAllowed) {
                parseSize(v);
            }
        }
        return size;
    }

    /** @return the {@code --input} values that are not sizes (data files), in order */
    List<String> inputFiles() {
        List<String> files = new ArrayList<>();
        for (String v : inputs) {
            if (!isSize(v)) {
                files.add(v);
            }
        }
        return files;
    }

    /**
     * @param height input height of the data at hand, used when no size option is given
     * @param width input width of the data at hand
     */
    void defaultSize(int height, int width) {
        this.sizeFromData = new int[] {height, width};
    }

    /** @return these options as command-line arguments (for child processes) */
    List<String> toArgs() {
        List<String> out = new ArrayList<>();
        add(out, "--arch", arch);
        add(out, "--width", width);
        add(out, "--joints", joints);
        for (String v : inputs) {
            add(out, "--input", v);
        }
        add(out, "--config", config);
        add(out, "--preset", preset);
        return out;
    }

    private static void add(List<String> out, String name, Object v) {
        if (v != null) {
            out.add(name);
            out.add(v.toString());
        }
    }

    /**
     * @param s {@code HxW}, e.g. {@code 256x192}
     * @return {height, width}
     * @throws InvalidConfigException if malformed, not positive or beyond {@code int}
     */
    static int[] parseSize(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int h = Integer.parseInt(p[0].trim());
                int w = Integer.parseInt(p[1].trim());
                if (h < 1 || w < 1) {
                    throw new InvalidConfigException("--input " + s.trim() + ": height and width must be positive");
                }
                return new int[] {h, w};
            }
        } catch (NumberFormatException e) {
            if (isSize(s)) {
                throw new InvalidConfigException("--input " + s.trim() + ": height and width must be at most "
                        + Integer.MAX_VALUE + " (and fit the memory budget)");
            }
        }
        throw new InvalidConfigException("--input must be HxW (height x width), e.g. 256x192, got '" + s + "'");
    }

    /** @return whether {@code v} has the form of a size, signs included (so that -128x96 is refused, not ignored) */
    private static boolean isSize(String v) {
        return v.toLowerCase(Locale.ROOT).matches("\\s*[-+]?\\d+\\s*x\\s*[-+]?\\d+\\s*");
    }
}
