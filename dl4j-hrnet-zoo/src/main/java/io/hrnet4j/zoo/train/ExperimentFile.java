package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * An official HRNet experiment file ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml} and its siblings),
 * read and written: the architecture from {@code MODEL} (through {@link ExperimentConfig}), {@code MODEL.SIGMA}, the
 * recipe from {@code TRAIN} ({@code LR}, {@code LR_FACTOR}, {@code LR_STEP}, {@code END_EPOCH},
 * {@code BATCH_SIZE_PER_GPU}; {@code OPTIMIZER} must be {@code adam}), {@code TEST.FLIP_TEST}, and the training
 * data from {@code DATASET}. The top-level {@code WORKERS} (24 data loaders for 4 GPUs officially) is ignored: the
 * data threads of this machine are {@code TRAIN.WORKERS}. {@code TRAIN.WD} is ignored: the official
 * {@code get_optimizer} builds {@code optim.Adam(params, lr=LR)} without weight decay. A missing key keeps the
 * published value.
 *
 * <p>This project's extensions (absent from official files, written into a run's {@code config.yaml}):
 * {@code TRAIN.SEED}, {@code TRAIN.WARMUP_ITERS}, {@code TRAIN.CHECKPOINT_EVERY}, {@code TRAIN.KEEP_CHECKPOINTS},
 * {@code TRAIN.VALIDATE_EVERY}, {@code TRAIN.LOG_EVERY}, {@code TRAIN.WORKERS}, {@code TEST.DARK}, and in {@code DATASET}:
 * {@code DATASET} ({@code synthetic}, {@code coco} or {@code mpii}), {@code TRAIN_IMAGES},
 * {@code TRAIN_ANNOTATIONS}, {@code VAL_IMAGES}, {@code VAL_ANNOTATIONS}, {@code VAL_GT}, {@code MAX_SAMPLES},
 * {@code MAX_VAL_SAMPLES}.
 *
 * @param config the architecture
 * @param sigma the target Gaussian sigma, heatmap cells ({@code MODEL.SIGMA}, 2 when absent)
 * @param recipe the recipe, from {@link TrainingRecipe#published()} with the file's values
 * @param dark decode validation heatmaps with DARK ({@code TEST.DARK}; null when the file does not say)
 * @param dataset the training data ({@code DATASET}; null when the file names none)
 */
public record ExperimentFile(HRNetConfig config, double sigma, TrainingRecipe recipe, Boolean dark,
                             Dataset dataset) {

    /**
     * The data of a run, as recorded in its {@code config.yaml} ({@code DATASET} section).
     *
     * @param name {@code synthetic}, {@code coco} or {@code mpii}
     * @param trainImages training images folder (null for synthetic: the default cache)
     * @param trainAnnotations training annotations (null for synthetic)
     * @param valImages validation images (null: the training images)
     * @param valAnnotations validation annotations (null: the training annotations)
     * @param valGt MPII PCKh ground truth with head boxes (null: none)
     * @param maxSamples training samples used (null: all)
     * @param maxValSamples validation samples used (null: all)
     */
    public record Dataset(String name, Path trainImages, Path trainAnnotations, Path valImages, Path valAnnotations,
                          Path valGt, Integer maxSamples, Integer maxValSamples) {
    }

    /**
     * @param config the architecture
     * @param sigma target sigma
     * @param recipe the recipe
     * @return an experiment without dataset or decoding choice (e.g. a file of the official repository)
     */
    public static ExperimentFile of(HRNetConfig config, double sigma, TrainingRecipe recipe) {
        return new ExperimentFile(config, sigma, recipe, null, null);
    }

    /**
     * @param file the YAML file
     * @return its architecture, sigma, recipe and dataset
     * @throws IOException if it cannot be read or parsed
     * @throws InvalidConfigException naming the file and the missing or invalid key
     */
    public static ExperimentFile read(Path file) throws IOException {
        JsonNode root = ExperimentConfig.readTree(file);
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param root an experiment document (as {@link #toTree()} writes or an official file holds)
     * @return the experiment
     * @throws InvalidConfigException naming the missing or invalid key
     * @throws IllegalArgumentException for a recipe value out of range (names the field)
     */
    public static ExperimentFile parse(JsonNode root) {
        if (!root.has("MODEL")) {
            throw new InvalidConfigException("no MODEL section (not an HRNet experiment file)");
        }
        HRNetConfig cfg = ExperimentConfig.parse(root);
        JsonNode model = root.get("MODEL");
        double sigma = model.has("SIGMA") ? model.get("SIGMA").asDouble() : 2;
        TrainingRecipe.Builder r = TrainingRecipe.builder();
        JsonNode train = root.get("TRAIN");
        if (train != null) {
            if (train.has("OPTIMIZER") && !train.get("OPTIMIZER").asText().equalsIgnoreCase("adam")) {
                throw new InvalidConfigException("TRAIN.OPTIMIZER " + train.get("OPTIMIZER").asText()
                        + " is not supported (adam only, as the published recipe)");
            }
            ifPresent(train, "LR", v -> r.learningRate(v.asDouble()));
            ifPresent(train, "LR_FACTOR", v -> r.factor(v.asDouble()));
            ifPresent(train, "LR_STEP", v -> r.milestones(ints(v, "TRAIN.LR_STEP")));
            ifPresent(train, "END_EPOCH", v -> r.epochs(v.asInt() - train.path("BEGIN_EPOCH").asInt(0)));
            ifPresent(train, "BATCH_SIZE_PER_GPU", v -> r.batchSize(v.asInt()));
            ifPresent(train, "SEED", v -> r.seed(v.asLong()));
            ifPresent(train, "WARMUP_ITERS", v -> r.warmupIterations(v.asInt()));
            ifPresent(train, "CHECKPOINT_EVERY", v -> r.checkpointEveryIterations(v.asInt()));
            ifPresent(train, "KEEP_CHECKPOINTS", v -> r.keepCheckpoints(v.asInt()));
            ifPresent(train, "VALIDATE_EVERY", v -> r.validateEveryEpochs(v.asInt()));
            ifPresent(train, "WORKERS", v -> r.workers(v.asInt()));
            ifPresent(train, "LOG_EVERY", v -> r.logEveryIterations(v.asInt()));
        }
        JsonNode test = root.get("TEST");
        Boolean dark = null;
        if (test != null) {
            if (test.has("FLIP_TEST")) {
                r.flipTest(test.get("FLIP_TEST").asBoolean());
            }
            if (test.has("DARK")) {
                dark = test.get("DARK").asBoolean();
            }
        }
        Dataset dataset = null;
        JsonNode d = root.get("DATASET");
        if (d != null && d.hasNonNull("DATASET")) {
            dataset = new Dataset(d.get("DATASET").asText(), path(d, "TRAIN_IMAGES"), path(d, "TRAIN_ANNOTATIONS"),
                    path(d, "VAL_IMAGES"), path(d, "VAL_ANNOTATIONS"), path(d, "VAL_GT"),
                    d.hasNonNull("MAX_SAMPLES") ? d.get("MAX_SAMPLES").asInt() : null,
                    d.hasNonNull("MAX_VAL_SAMPLES") ? d.get("MAX_VAL_SAMPLES").asInt() : null);
        }
        return new ExperimentFile(cfg, sigma, r.build(), dark, dataset);
    }

    /** Hands the value of {@code field} to {@code use} when the section has it. */
    private static void ifPresent(JsonNode section, String field, java.util.function.Consumer<JsonNode> use) {
        if (section.has(field)) {
            use.accept(section.get(field));
        }
    }

    private static Path path(JsonNode n, String field) {
        return n.hasNonNull(field) ? Paths.get(n.get(field).asText()) : null;
    }

    /**
     * @return the experiment as an official-format document: {@code MODEL} ({@link ExperimentConfig#toTree} plus
     *     {@code SIGMA}), {@code TRAIN} ({@code OPTIMIZER adam}, {@code LR}, {@code LR_FACTOR}, {@code LR_STEP},
     *     {@code BEGIN_EPOCH 0}, {@code END_EPOCH}, {@code BATCH_SIZE_PER_GPU} and the extensions), {@code TEST}
     *     ({@code FLIP_TEST}, {@code DARK}), {@code DATASET}; {@link #parse} reads it back to an
     *     equal experiment
     */
    public ObjectNode toTree() {
        ObjectNode root = ExperimentConfig.toTree(config);
        ((ObjectNode) root.get("MODEL")).put("SIGMA", sigma);
        ObjectNode t = root.putObject("TRAIN");
        t.put("OPTIMIZER", "adam");
        t.put("LR", recipe.learningRate());
        t.put("LR_FACTOR", recipe.factor());
        var steps = t.putArray("LR_STEP");
        for (int m : recipe.milestones()) {
            steps.add(m);
        }
        t.put("WD", 0.0);
        t.put("BEGIN_EPOCH", 0);
        t.put("END_EPOCH", recipe.epochs());
        t.put("BATCH_SIZE_PER_GPU", recipe.batchSize());
        t.put("SEED", recipe.seed());
        t.put("WARMUP_ITERS", recipe.warmupIterations());
        t.put("CHECKPOINT_EVERY", recipe.checkpointEveryIterations());
        t.put("KEEP_CHECKPOINTS", recipe.keepCheckpoints());
        t.put("VALIDATE_EVERY", recipe.validateEveryEpochs());
        t.put("LOG_EVERY", recipe.logEveryIterations());
        t.put("WORKERS", recipe.workers());
        ObjectNode test = root.putObject("TEST");
        test.put("FLIP_TEST", recipe.flipTest());
        if (dark != null) {
            test.put("DARK", dark);
        }
        if (dataset != null) {
            ObjectNode d = root.putObject("DATASET");
            d.put("DATASET", dataset.name());
            putPath(d, "TRAIN_IMAGES", dataset.trainImages());
            putPath(d, "TRAIN_ANNOTATIONS", dataset.trainAnnotations());
            putPath(d, "VAL_IMAGES", dataset.valImages());
            putPath(d, "VAL_ANNOTATIONS", dataset.valAnnotations());
            putPath(d, "VAL_GT", dataset.valGt());
            if (dataset.maxSamples() != null) {
                d.put("MAX_SAMPLES", dataset.maxSamples());
            }
            if (dataset.maxValSamples() != null) {
                d.put("MAX_VAL_SAMPLES", dataset.maxValSamples());
            }
        }
        return root;
    }

    private static void putPath(ObjectNode n, String field, Path p) {
        if (p != null) {
            n.put(field, p.toAbsolutePath().normalize().toString());
        }
    }

    /**
     * Writes {@link #toTree()} as YAML through {@code AtomicFiles} (read back and compared before it replaces the
     * target).
     *
     * @param file the target, e.g. {@code RUN/config.yaml}
     * @throws IOException if it cannot be written (the previous file is then unchanged)
     */
    public void write(Path file) throws IOException {
        ExperimentConfig.writeYaml(file, toTree());
    }

    private static int[] ints(JsonNode v, String where) {
        if (!v.isArray()) {
            throw new InvalidConfigException(where + " must be a list, got " + v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asInt();
        }
        return out;
    }
}
