package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hrnet4j.zoo.arch.BlockType;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.arch.StageConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an official HRNet experiment file ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml} and its
 * siblings): the architecture from {@code MODEL} ({@code NUM_JOINTS}, {@code IMAGE_SIZE: [W, H]}, {@code SIGMA},
 * {@code EXTRA.FINAL_CONV_KERNEL}, {@code EXTRA.STAGE2..4} with {@code NUM_MODULES}, {@code NUM_BRANCHES},
 * {@code BLOCK}, {@code NUM_BLOCKS}, {@code NUM_CHANNELS}) and the recipe from {@code TRAIN} ({@code LR},
 * {@code LR_FACTOR}, {@code LR_STEP}, {@code END_EPOCH}, {@code BATCH_SIZE_PER_GPU}; {@code OPTIMIZER} must be
 * {@code adam}). Keys not listed are ignored, {@code TRAIN.WD} included: the official {@code get_optimizer} builds
 * {@code optim.Adam(params, lr=LR)} without weight decay. A missing {@code TRAIN} key keeps the published value.
 *
 * @param config the architecture
 * @param sigma the target Gaussian sigma, heatmap cells ({@code MODEL.SIGMA}, 2 when absent)
 * @param recipe the recipe, from {@link TrainingRecipe#published()} with the file's values
 */
public record ExperimentFile(HRNetConfig config, double sigma, TrainingRecipe recipe) {

    /**
     * @param file the YAML file
     * @return its architecture, sigma and recipe
     * @throws IOException if it cannot be read or parsed
     * @throws InvalidConfigException naming the file and the missing or invalid key
     */
    public static ExperimentFile read(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.has("MODEL")) {
            throw new InvalidConfigException(file + ": no MODEL section (not an HRNet experiment file)");
        }
        JsonNode model = root.get("MODEL");
        int joints = intAt(file, model, "NUM_JOINTS");
        JsonNode size = require(file, model, "IMAGE_SIZE");
        if (!size.isArray() || size.size() != 2) {
            throw new InvalidConfigException(file + ": MODEL.IMAGE_SIZE must be [width, height], got " + size);
        }
        JsonNode extra = require(file, model, "EXTRA");
        List<StageConfig> stages = new ArrayList<>();
        for (String name : List.of("STAGE2", "STAGE3", "STAGE4")) {
            if (!extra.has(name)) {
                continue;
            }
            JsonNode s = extra.get(name);
            String where = "MODEL.EXTRA." + name;
            BlockType block;
            try {
                block = BlockType.valueOf(require(file, s, "BLOCK").asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(file + ": " + where + ".BLOCK must be BASIC or BOTTLENECK, got "
                        + s.get("BLOCK").asText());
            }
            stages.add(new StageConfig(intAt(file, s, "NUM_MODULES"), intAt(file, s, "NUM_BRANCHES"), block,
                    ints(file, s, "NUM_BLOCKS", where), ints(file, s, "NUM_CHANNELS", where)));
        }
        int finalKernel = extra.has("FINAL_CONV_KERNEL") ? extra.get("FINAL_CONV_KERNEL").asInt() : 1;
        HRNetConfig cfg = new HRNetConfig(joints, size.get(1).asInt(), size.get(0).asInt(), 64, 4, 64, stages,
                finalKernel, null);
        double sigma = model.has("SIGMA") ? model.get("SIGMA").asDouble() : 2;
        TrainingRecipe.Builder r = TrainingRecipe.builder();
        JsonNode train = root.get("TRAIN");
        if (train != null) {
            if (train.has("OPTIMIZER") && !train.get("OPTIMIZER").asText().equalsIgnoreCase("adam")) {
                throw new InvalidConfigException(file + ": TRAIN.OPTIMIZER " + train.get("OPTIMIZER").asText()
                        + " is not supported (adam only, as the published recipe)");
            }
            if (train.has("LR")) {
                r.learningRate(train.get("LR").asDouble());
            }
            if (train.has("LR_FACTOR")) {
                r.factor(train.get("LR_FACTOR").asDouble());
            }
            if (train.has("LR_STEP")) {
                r.milestones(ints(file, train, "LR_STEP", "TRAIN"));
            }
            if (train.has("END_EPOCH")) {
                r.epochs(train.get("END_EPOCH").asInt() - (train.has("BEGIN_EPOCH")
                        ? train.get("BEGIN_EPOCH").asInt() : 0));
            }
            if (train.has("BATCH_SIZE_PER_GPU")) {
                r.batchSize(train.get("BATCH_SIZE_PER_GPU").asInt());
            }
        }
        return new ExperimentFile(cfg, sigma, r.build());
    }

    private static JsonNode require(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new InvalidConfigException(file + ": missing key " + key);
        }
        return v;
    }

    private static int intAt(Path file, JsonNode n, String key) {
        JsonNode v = require(file, n, key);
        if (!v.canConvertToInt()) {
            throw new InvalidConfigException(file + ": " + key + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static int[] ints(Path file, JsonNode n, String key, String where) {
        JsonNode v = require(file, n, key);
        if (!v.isArray()) {
            throw new InvalidConfigException(file + ": " + where + "." + key + " must be a list, got " + v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asInt();
        }
        return out;
    }
}
