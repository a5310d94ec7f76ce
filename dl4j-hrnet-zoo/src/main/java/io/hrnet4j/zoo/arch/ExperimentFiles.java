package io.hrnet4j.zoo.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the architecture part of an official experiment file (deep-high-resolution-net.pytorch
 * {@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml} and the like; YAML, or the same keys as JSON) into an
 * {@link HRNetConfig}:
 * <ul>
 *   <li>{@code MODEL.NAME}: {@code pose_hrnet} (other names are refused);</li>
 *   <li>{@code MODEL.NUM_JOINTS}: K;</li>
 *   <li>{@code MODEL.IMAGE_SIZE}: {@code [width, height]} in pixels (the official order, e.g. {@code [192, 256]});</li>
 *   <li>{@code MODEL.EXTRA.FINAL_CONV_KERNEL}: 1 or 3 (default 1);</li>
 *   <li>{@code MODEL.EXTRA.STAGE2}, {@code STAGE3}, {@code STAGE4}: {@code NUM_MODULES}, {@code NUM_BRANCHES},
 *       {@code BLOCK} ({@code BASIC} / {@code BOTTLENECK}), {@code NUM_BLOCKS}, {@code NUM_CHANNELS},
 *       {@code FUSE_METHOD} ({@code SUM} only). STAGE3 and STAGE4 may be absent (fewer stages).</li>
 * </ul>
 * The stem and layer1 are fixed in the official {@code pose_hrnet.py} (64 channels, 4 Bottlenecks of 64 planes) and
 * get those values. Every other key of the file (dataset, training, test settings) is ignored here.
 */
public final class ExperimentFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ExperimentFiles() {
    }

    /**
     * @param file a {@code .yaml}/{@code .yml} or {@code .json} experiment file
     * @return the architecture it describes
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidConfigException naming the file and the field (e.g. {@code MODEL.EXTRA.STAGE3.NUM_CHANNELS})
     *     when a field is missing, has the wrong type, or describes an inconsistent network
     * @throws IOException if the file cannot be read or parsed
     */
    public static HRNetConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "experiment config file not found");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile()); // YAML is a superset of JSON
        } catch (IOException e) {
            throw new IOException(file + ": not a YAML/JSON experiment file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException(file + ": expected a mapping with a MODEL section");
        }
        JsonNode model = field(file, root, "MODEL", "MODEL");
        JsonNode name = model.get("NAME");
        if (name != null && !name.isNull() && !"pose_hrnet".equals(name.asText())) {
            throw new InvalidConfigException(file + ": MODEL.NAME: only pose_hrnet is supported, got '"
                    + name.asText() + "'");
        }
        int joints = positiveInt(file, field(file, model, "NUM_JOINTS", "MODEL.NUM_JOINTS"), "MODEL.NUM_JOINTS");
        int[] size = ints(file, field(file, model, "IMAGE_SIZE", "MODEL.IMAGE_SIZE"), "MODEL.IMAGE_SIZE");
        if (size.length != 2) {
            throw new InvalidConfigException(file + ": MODEL.IMAGE_SIZE: expected [width, height], got "
                    + size.length + " values");
        }
        JsonNode extra = field(file, model, "EXTRA", "MODEL.EXTRA");
        int finalKernel = 1;
        if (extra.hasNonNull("FINAL_CONV_KERNEL")) {
            finalKernel = positiveInt(file, extra.get("FINAL_CONV_KERNEL"), "MODEL.EXTRA.FINAL_CONV_KERNEL");
        }
        List<StageConfig> stages = new ArrayList<>();
        for (int s = 2; s <= 4; s++) {
            String key = "STAGE" + s;
            JsonNode st = extra.get(key);
            if (st == null || st.isNull()) {
                if (s == 2) {
                    throw new InvalidConfigException(file + ": MODEL.EXTRA.STAGE2: missing");
                }
                break;
            }
            String p = "MODEL.EXTRA." + key + ".";
            JsonNode fuse = st.get("FUSE_METHOD");
            if (fuse != null && !fuse.isNull() && !"SUM".equals(fuse.asText())) {
                throw new InvalidConfigException(file + ": " + p + "FUSE_METHOD: only SUM is supported, got '"
                        + fuse.asText() + "'");
            }
            String block = field(file, st, "BLOCK", p + "BLOCK").asText().toUpperCase(Locale.ROOT);
            BlockType type;
            try {
                type = BlockType.valueOf(block);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(file + ": " + p + "BLOCK: expected BASIC or BOTTLENECK, got '" + block
                        + "'");
            }
            try {
                stages.add(new StageConfig(positiveInt(file, field(file, st, "NUM_MODULES", p + "NUM_MODULES"),
                        p + "NUM_MODULES"), positiveInt(file, field(file, st, "NUM_BRANCHES", p + "NUM_BRANCHES"),
                        p + "NUM_BRANCHES"), type, ints(file, field(file, st, "NUM_BLOCKS", p + "NUM_BLOCKS"),
                        p + "NUM_BLOCKS"), ints(file, field(file, st, "NUM_CHANNELS", p + "NUM_CHANNELS"),
                        p + "NUM_CHANNELS")));
            } catch (InvalidConfigException e) {
                throw new InvalidConfigException(file + ": MODEL.EXTRA." + key + ": " + e.getMessage());
            }
        }
        try {
            return new HRNetConfig(joints, size[1], size[0], 64, 4, 64, stages, finalKernel, null);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(file + ": MODEL: " + e.getMessage());
        }
    }

    private static JsonNode field(Path file, JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            throw new InvalidConfigException(file + ": " + path + ": missing");
        }
        return n;
    }

    private static int positiveInt(Path file, JsonNode n, String path) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
            throw new InvalidConfigException(file + ": " + path + ": expected a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static int[] ints(Path file, JsonNode n, String path) {
        if (!n.isArray() || n.isEmpty()) {
            throw new InvalidConfigException(file + ": " + path + ": expected a list of positive integers, got " + n);
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = positiveInt(file, n.get(i), path + "[" + i + "]");
        }
        return out;
    }
}
