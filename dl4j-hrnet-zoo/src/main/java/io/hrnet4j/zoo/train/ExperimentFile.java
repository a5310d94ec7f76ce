package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads an official HRNet experiment file ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml} and its
 * siblings): the architecture from {@code MODEL} (through {@link ExperimentConfig}), {@code MODEL.SIGMA} and the recipe from {@code TRAIN} ({@code LR},
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
        JsonNode root = ExperimentConfig.readTree(file);
        if (!root.has("MODEL")) {
            throw new InvalidConfigException(file + ": no MODEL section (not an HRNet experiment file)");
        }
        HRNetConfig cfg;
        try {
            cfg = ExperimentConfig.parse(root);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage(), e);
        }
        JsonNode model = root.get("MODEL");
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
                r.milestones(ints(file, train.get("LR_STEP"), "TRAIN.LR_STEP"));
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

    private static int[] ints(Path file, JsonNode v, String where) {
        if (!v.isArray()) {
            throw new InvalidConfigException(file + ": " + where + " must be a list, got " + v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asInt();
        }
        return out;
    }
}
