package io.hrnet4j.zoo.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an architecture from an official HRNet experiment file ({@code experiments/coco/hrnet/*.yaml}) or the same
 * content as JSON, so that users of the reference code reuse their files. Read fields (everything else is
 * ignored): {@code MODEL.NAME} (must be {@code pose_hrnet} when present), {@code MODEL.NUM_JOINTS}, {@code MODEL.IMAGE_SIZE} ({@code [width, height]} as in the reference),
 * {@code MODEL.EXTRA.FINAL_CONV_KERNEL} and {@code MODEL.EXTRA.STAGE2..STAGE4} with {@code NUM_MODULES},
 * {@code NUM_BRANCHES}, {@code BLOCK} ({@code BASIC}/{@code BOTTLENECK}), {@code NUM_BLOCKS}, {@code NUM_CHANNELS},
 * {@code FUSE_METHOD} (only {@code SUM}). A file may also hold just the {@code MODEL} section's content.
 *
 * <p>The ImageNet initialisation of the official recipe is read separately by {@link #pretrained(JsonNode, Path)}:
 * {@code MODEL.INIT_WEIGHTS}, {@code MODEL.PRETRAINED} and {@code MODEL.EXTRA.PRETRAINED_LAYERS}.
 *
 * <p>This project's extensions, absent from official files: {@code MODEL.EXTRA.STEM_CHANNELS} (default 64),
 * {@code LAYER1_BLOCKS} (4) and {@code LAYER1_PLANES} (64), fixed in the official code, for small networks.
 *
 * <p>DE-HRNet options are this project's extension, in {@code MODEL.EXTRA.DEHRNET}: {@code DEM} (bool),
 * {@code PLACEMENT} (STAGE_OUTPUT / EVERY_MODULE), {@code ATTENTION} (SE / ECA), {@code SE_REDUCTION},
 * {@code SE_MIN_HIDDEN}, {@code ECA_KERNEL}, {@code DROPOUT}, {@code DYSAMPLE} (bool), {@code STYLE} (LP / PL),
 * {@code GROUPS}, {@code DYNAMIC_SCOPE}; absent fields take {@link DeHrnetOptions#defaults()}. The keys are the
 * record components of {@link DeHrnetOptions} in upper snake case, written in component order.
 */
public final class ExperimentConfig {
    /** Writes a {@link DeHrnetOptions} as the {@code DEHRNET} section: component names in upper snake case. */
    private static final ObjectMapper DEHRNET_WRITER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.UPPER_SNAKE_CASE);

    private ExperimentConfig() {
    }

    /**
     * @param file a {@code .yaml}/{@code .yml} or {@code .json} file
     * @return the architecture
     * @throws InvalidConfigException naming the file and the missing or invalid field
     * @throws IOException if the file cannot be read
     */
    public static HRNetConfig read(Path file) throws IOException {
        JsonNode root = readTree(file);
        try {
            return parse(root);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses an experiment file without interpreting it (for readers of its other sections, e.g. {@code TRAIN}).
     *
     * @param file a {@code .yaml}/{@code .yml} or {@code .json} file
     * @return the document, a mapping
     * @throws InvalidConfigException naming the file when it is not valid YAML/JSON or not a mapping
     * @throws IOException if the file cannot be read
     */
    public static JsonNode readTree(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "config file not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidConfigException(file + ": not valid " + (name.endsWith(".json") ? "JSON" : "YAML")
                    + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException(file + ": expected a mapping with a MODEL section");
        }
        return root;
    }

    /**
     * @param root the parsed document (experiment file, or the MODEL section)
     * @return the architecture
     * @throws InvalidConfigException naming the missing or invalid field
     */
    public static HRNetConfig parse(JsonNode root) {
        JsonNode model = root.has("MODEL") ? root.get("MODEL") : root;
        JsonNode name = model.get("NAME");
        if (name != null && !name.isNull() && !"pose_hrnet".equals(name.asText())) {
            throw new InvalidConfigException("MODEL.NAME: only pose_hrnet is supported, got '" + name.asText() + "'");
        }
        JsonNode extra = require(model, "EXTRA", "MODEL.EXTRA");
        int joints = intField(model, "NUM_JOINTS", "MODEL.NUM_JOINTS");
        JsonNode size = require(model, "IMAGE_SIZE", "MODEL.IMAGE_SIZE");
        if (!size.isArray() || size.size() != 2) {
            throw new InvalidConfigException("MODEL.IMAGE_SIZE must be [width, height], got " + size);
        }
        int width = intValue(size.get(0), "MODEL.IMAGE_SIZE[0] (width)");
        int height = intValue(size.get(1), "MODEL.IMAGE_SIZE[1] (height)");
        int finalKernel = extra.has("FINAL_CONV_KERNEL") ? intField(extra, "FINAL_CONV_KERNEL",
                "MODEL.EXTRA.FINAL_CONV_KERNEL") : 1;
        List<StageConfig> stages = new ArrayList<>();
        for (int s = 2; s <= 4; s++) {
            String key = "STAGE" + s;
            if (!extra.has(key)) {
                break;
            }
            stages.add(stage(extra.get(key), "MODEL.EXTRA." + key));
        }
        DeHrnetOptions de = extra.has("DEHRNET") ? deHrnet(extra.get("DEHRNET")) : null;
        int stem = extra.has("STEM_CHANNELS") ? intField(extra, "STEM_CHANNELS", "MODEL.EXTRA.STEM_CHANNELS") : 64;
        int l1Blocks = extra.has("LAYER1_BLOCKS") ? intField(extra, "LAYER1_BLOCKS", "MODEL.EXTRA.LAYER1_BLOCKS") : 4;
        int l1Planes = extra.has("LAYER1_PLANES") ? intField(extra, "LAYER1_PLANES", "MODEL.EXTRA.LAYER1_PLANES") : 64;
        return new HRNetConfig(joints, height, width, stem, l1Blocks, l1Planes, stages, finalKernel, de);
    }

    /**
     * The official recipe's backbone initialisation settings ({@code MODEL.INIT_WEIGHTS}, {@code MODEL.PRETRAINED},
     * {@code MODEL.EXTRA.PRETRAINED_LAYERS}), as official {@code lib/models/pose_hrnet.py} {@code get_pose_net} /
     * {@code init_weights} use them: when {@code initWeights} is true and {@code file} is set, the keys of the file
     * whose first component is in {@code layers} (or every key when {@code layers} is {@code ['*']}) are loaded.
     *
     * @param initWeights {@code MODEL.INIT_WEIGHTS} (false when absent)
     * @param file {@code MODEL.PRETRAINED} resolved against the experiment file's folder, or null when absent or empty
     * @param layers {@code MODEL.EXTRA.PRETRAINED_LAYERS}, {@code ['*']} when absent
     */
    public record Pretrained(boolean initWeights, Path file, List<String> layers) {
        /** @return whether a backbone file is to be loaded ({@code initWeights} and a file) */
        public boolean enabled() {
            return initWeights && file != null;
        }
    }

    /**
     * @param root the parsed experiment file ({@link #readTree(Path)}) or its MODEL section
     * @param baseDir the folder relative {@code MODEL.PRETRAINED} paths are resolved against (the experiment file's
     *                folder), or null to keep them as given
     * @return the backbone initialisation settings
     * @throws InvalidConfigException if {@code MODEL.PRETRAINED_LAYERS} is not a list of strings or
     *                                {@code MODEL.INIT_WEIGHTS} not a boolean
     */
    public static Pretrained pretrained(JsonNode root, Path baseDir) {
        JsonNode model = root.has("MODEL") ? root.get("MODEL") : root;
        JsonNode init = model.get("INIT_WEIGHTS");
        if (init != null && !init.isNull() && !init.isBoolean()) {
            throw new InvalidConfigException("MODEL.INIT_WEIGHTS must be true or false, got " + init);
        }
        String file = model.path("PRETRAINED").asText("");
        Path path = file.isBlank() ? null : baseDir == null ? Path.of(file) : baseDir.resolve(file);
        List<String> layers = new ArrayList<>();
        JsonNode l = model.path("EXTRA").get("PRETRAINED_LAYERS");
        if (l == null || l.isNull()) {
            layers.add("*");
        } else if (!l.isArray()) {
            throw new InvalidConfigException("MODEL.EXTRA.PRETRAINED_LAYERS must be a list of layer names, got " + l);
        } else {
            for (int i = 0; i < l.size(); i++) {
                if (!l.get(i).isTextual()) {
                    throw new InvalidConfigException("MODEL.EXTRA.PRETRAINED_LAYERS[" + i + "] must be a layer name,"
                            + " got " + l.get(i));
                }
                layers.add(l.get(i).asText());
            }
        }
        return new Pretrained(init != null && init.asBoolean(), path, List.copyOf(layers));
    }

    /**
     * Writes an architecture as the {@code MODEL} section of an official experiment file, the inverse of
     * {@link #parse}: {@code NAME pose_hrnet}, {@code NUM_JOINTS}, {@code IMAGE_SIZE [width, height]},
     * {@code HEATMAP_SIZE [width / 4, height / 4]}, {@code EXTRA.FINAL_CONV_KERNEL}, {@code EXTRA.STAGE2..4} with
     * {@code NUM_MODULES}, {@code NUM_BRANCHES}, {@code BLOCK}, {@code NUM_BLOCKS}, {@code NUM_CHANNELS},
     * {@code FUSE_METHOD SUM} (as official {@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}); this
     * project's extensions ({@code STEM_CHANNELS}, {@code LAYER1_BLOCKS}, {@code LAYER1_PLANES}, {@code DEHRNET}) only
     * where they differ from the official network.
     *
     * @param cfg the architecture
     * @return a document {@code {MODEL: {...}}}; {@code parse(toTree(cfg))} equals {@code cfg}
     */
    public static ObjectNode toTree(HRNetConfig cfg) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode model = root.putObject("MODEL");
        model.put("NAME", "pose_hrnet");
        model.put("NUM_JOINTS", cfg.numJoints());
        model.putArray("IMAGE_SIZE").add(cfg.inputWidth()).add(cfg.inputHeight());
        model.putArray("HEATMAP_SIZE").add(cfg.inputWidth() / 4).add(cfg.inputHeight() / 4);
        ObjectNode extra = model.putObject("EXTRA");
        extra.put("FINAL_CONV_KERNEL", cfg.finalConvKernel());
        if (cfg.stemChannels() != 64) {
            extra.put("STEM_CHANNELS", cfg.stemChannels());
        }
        if (cfg.layer1Blocks() != 4) {
            extra.put("LAYER1_BLOCKS", cfg.layer1Blocks());
        }
        if (cfg.layer1Planes() != 64) {
            extra.put("LAYER1_PLANES", cfg.layer1Planes());
        }
        for (int i = 0; i < cfg.stages().size(); i++) {
            StageConfig s = cfg.stages().get(i);
            ObjectNode st = extra.putObject("STAGE" + (i + 2));
            st.put("NUM_MODULES", s.numModules());
            st.put("NUM_BRANCHES", s.numBranches());
            st.put("BLOCK", s.block().name());
            var nb = st.putArray("NUM_BLOCKS");
            for (int v : s.numBlocks()) {
                nb.add(v);
            }
            var nc = st.putArray("NUM_CHANNELS");
            for (int v : s.numChannels()) {
                nc.add(v);
            }
            st.put("FUSE_METHOD", "SUM");
        }
        DeHrnetOptions d = cfg.deHrnet();
        if (d != null) {
            extra.set("DEHRNET", DEHRNET_WRITER.valueToTree(d));
        }
        return root;
    }

    /**
     * Writes an experiment document as YAML (block style, as the official files) through
     * {@link io.hrnet4j.data.io.AtomicFiles}; the written file is read back and must parse to the same tree.
     *
     * @param file the target {@code .yaml} file
     * @param document the document, e.g. {@link #toTree} with further sections
     * @throws IOException if the file cannot be written (the previous file is then unchanged)
     */
    public static void writeYaml(Path file, JsonNode document) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES));
        byte[] bytes = yaml.writeValueAsBytes(document);
        io.hrnet4j.data.io.AtomicFiles.write(file, tmp -> java.nio.file.Files.write(tmp, bytes), tmp -> {
            ObjectMapper json = new ObjectMapper();
            if (!json.writeValueAsString(yaml.readTree(tmp.toFile())).equals(json.writeValueAsString(document))) {
                throw new IOException(file + ": the YAML written does not read back to the same document");
            }
        });
    }

    private static StageConfig stage(JsonNode n, String path) {
        String fuse = n.has("FUSE_METHOD") ? n.get("FUSE_METHOD").asText() : "SUM";
        if (!"SUM".equals(fuse)) {
            throw new InvalidConfigException(path + ".FUSE_METHOD must be SUM (the only method of the reference), got "
                    + fuse);
        }
        String block = require(n, "BLOCK", path + ".BLOCK").asText();
        BlockType type;
        try {
            type = BlockType.valueOf(block.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(path + ".BLOCK must be BASIC or BOTTLENECK, got " + block);
        }
        try {
            return new StageConfig(intField(n, "NUM_MODULES", path + ".NUM_MODULES"),
                    intField(n, "NUM_BRANCHES", path + ".NUM_BRANCHES"), type,
                    ints(require(n, "NUM_BLOCKS", path + ".NUM_BLOCKS"), path + ".NUM_BLOCKS"),
                    ints(require(n, "NUM_CHANNELS", path + ".NUM_CHANNELS"), path + ".NUM_CHANNELS"));
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(path + ": " + e.getMessage(), e);
        }
    }

    private static DeHrnetOptions deHrnet(JsonNode n) {
        DeHrnetOptions d = DeHrnetOptions.defaults();
        try {
            return new DeHrnetOptions(n.path("DEM").asBoolean(d.dem()),
                    DeHrnetOptions.Placement.valueOf(n.path("PLACEMENT").asText(d.placement().name())),
                    io.hrnet4j.zoo.layers.DetailEnhancementModule.Attention.valueOf(n.path("ATTENTION").asText(d.attention().name())),
                    n.path("SE_REDUCTION").asInt(d.seReduction()), n.path("SE_MIN_HIDDEN").asInt(d.seMinHidden()),
                    n.path("ECA_KERNEL").asInt(d.ecaKernel()), n.path("DROPOUT").asDouble(d.dropout()),
                    n.path("DYSAMPLE").asBoolean(d.dysample()),
                    io.hrnet4j.zoo.layers.DySample.Style.valueOf(n.path("STYLE").asText(d.style().name()).toUpperCase(Locale.ROOT)),
                    n.path("GROUPS").asInt(d.groups()), n.path("DYNAMIC_SCOPE").asBoolean(d.dynamicScope()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("MODEL.EXTRA.DEHRNET: " + e.getMessage(), e);
        }
    }

    private static JsonNode require(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidConfigException(path + " is missing");
        }
        return v;
    }

    private static int intField(JsonNode n, String field, String path) {
        return intValue(require(n, field, path), path);
    }

    private static int intValue(JsonNode v, String path) {
        boolean integral = v.isIntegralNumber() && v.canConvertToInt();
        boolean text = v.isTextual() && v.asText().trim().matches("-?\\d{1,9}");
        if (!integral && !text) {
            throw new InvalidConfigException(path + " must be an integer (at most 9 digits), got " + v);
        }
        return integral ? v.intValue() : Integer.parseInt(v.asText().trim());
    }

    private static int[] ints(JsonNode arr, String path) {
        if (!arr.isArray()) {
            throw new InvalidConfigException(path + " must be a list of integers, got " + arr);
        }
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = intValue(arr.get(i), path + "[" + i + "]");
        }
        return out;
    }
}
