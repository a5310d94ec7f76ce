package io.hrnet4j.examples;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.TopDownValidator;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.train.TrainingRecipe;
import io.hrnet4j.zoo.train.TrainingResult;
import io.hrnet4j.zoo.train.TrainingState;
import io.hrnet4j.zoo.weights.BackboneInit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Example program: train HRNet on COCO keypoints with the published recipe (Sun et al., CVPR 2019, section 4.1;
 * official {@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}).
 *
 * <p>What it shows a DL4J user:
 * <ul>
 *   <li>the recipe ({@link TrainingRecipe#published()}): Adam (beta 0.9/0.999, no weight decay), learning rate 1e-3
 *       multiplied by 0.1 at epochs 170 and 200 (a DL4J {@code MapSchedule} by epoch), 210 epochs, batch 32; an
 *       optional linear warm-up over the first iterations ({@code --warmup N}, as mmpose's HRNet configs; the
 *       official recipe has none);</li>
 *   <li>the data ({@link TopDownRecipe#coco256x192()} at the model's input size): each ground-truth person cropped
 *       around its box (center/scale, x1.25 padding) with the official augmentation: horizontal flip (p 0.5, left and
 *       right joints swapped), rotation {@code clip(N(0, 45), -90, 90)} degrees (p 0.6), scale
 *       {@code clip(N(1, 0.35), 0.65, 1.35)}, half-body crops (p 0.3); inputs {@code [N, 3, H, W]} (NCHW, RGB,
 *       ImageNet-normalised), targets Gaussian heatmaps {@code [N, 17, H/4, W/4]} (sigma 2 cells) with per-joint
 *       target weights, loss {@code JointsMSELoss} (official {@code lib/core/loss.py});</li>
 *   <li>the trainer ({@link PoseTrainer}): validation by COCO OKS AP (flip test) every N epochs and after the last,
 *       checkpoints, exact resume, and the run folder: {@code config.yaml} (the experiment in the official format),
 *       {@code checkpoints/}, {@code best.npz} / {@code final.npz} (official state dicts: load them with
 *       {@code HRNet.initPretrained(Path)}), {@code metrics.json}, {@code metrics.csv}, {@code loss.csv},
 *       {@code training-curves.png}.</li>
 * </ul>
 *
 * <p>Run from the repository root (the W32 256x192 model by default; {@code --preset small_w16_128x96} is a model
 * small enough for a CPU; {@code --pretrained hrnet_w32-36af842e.pth} starts from the official ImageNet backbone as
 * the published recipe does; validation uses the training files unless {@code --val-annotations}/{@code --val-images}
 * are given):
 * <pre>
 * mvn -q package -DskipTests     # once: builds the modules and examples/target/classpath.txt
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" io.hrnet4j.examples.TrainOnCoco \
 *     annotations/person_keypoints_train2017.json train2017/ runs/w32 \
 *     --val-annotations annotations/person_keypoints_val2017.json --val-images val2017/ \
 *     --pretrained hrnet_w32-36af842e.pth
 * </pre>
 */
public final class TrainOnCoco {
    private TrainOnCoco() {
    }

    /**
     * Trains a network on COCO-format keypoints.
     *
     * @param config the architecture (17 joints; its input size sets the crops)
     * @param recipe the optimisation recipe (epochs, schedule, warm-up, batch, seed, validation interval)
     * @param annotations training {@code person_keypoints_*.json}
     * @param images training image folder
     * @param valAnnotations validation annotations (also the OKS ground truth)
     * @param valImages validation image folder
     * @param pretrained an ImageNet backbone checkpoint ({@code .pth}/{@code .npz}) to start from, or null for the
     *     official random initialisation (conv weights N(0, 0.001))
     * @param outputDir the run folder (created; must be writable)
     * @param maxIterations stop after this many iterations (0: train the recipe's epochs)
     * @return the per-iteration losses, the per-epoch records (mean loss, learning rate, AP) and the best AP
     * @throws IOException if an annotation file or the backbone cannot be read ({@code DataFormatException} names the
     *     file, the record and the field)
     * @throws io.hrnet4j.zoo.train.TrainingException for an unwritable run folder, a diverged loss (naming the epoch,
     *     the iteration and the last good checkpoint) or a failed checkpoint write
     */
    public static TrainingResult train(HRNetConfig config, TrainingRecipe recipe, Path annotations, Path images,
                                       Path valAnnotations, Path valImages, Path pretrained, Path outputDir,
                                       long maxIterations) throws IOException {
        // the official COCO augmentation at the model's input size: flip, rotation, scale, half-body
        TopDownRecipe data = TopDownRecipe.coco256x192().withInputSize(config.inputWidth(), config.inputHeight());
        List<PoseSample> train = CocoKeypoints.groundTruth(annotations, images, data.aspectRatio()).samples();
        List<PoseSample> val = CocoKeypoints.groundTruth(valAnnotations, valImages, data.aspectRatio()).samples();

        // training minibatches whose order and augmentation depend on (seed, epoch) only: resumable exactly
        TrainingData trainingData = TrainingData.of(train, new TopDownSampleProcessor(data, true),
                recipe.batchSize(), recipe.workers(), recipe.seed());
        // COCO OKS AP on the ground-truth boxes (rescoring, OKS-NMS, COCOeval), flip test as TEST.FLIP_TEST
        TopDownValidator validator = TopDownValidator.coco(val, data, CocoGroundTruth.read(valAnnotations),
                recipe.batchSize(), recipe.workers(), recipe.flipTest());

        PoseTrainer.Builder trainer = PoseTrainer.builder(config, trainingData, outputDir).recipe(recipe)
                .validator(validator).maxIterations(maxIterations);
        if (pretrained != null) {
            // as the official init_weights with PRETRAINED_LAYERS ['*']: every key of the file that fits
            trainer.initialWeights(BackboneInit.initialWeights(config, pretrained, BackboneInit.ALL_LAYERS,
                    recipe.seed(), System.out));
        }
        return trainer.build().train();
    }

    /**
     * @param args {@code ANNOTATIONS IMAGES OUT_DIR [--preset NAME] [--epochs N] [--milestones A,B] [--batch N]
     *     [--warmup N] [--validate-every N] [--max-iterations N] [--pretrained FILE] [--val-annotations FILE]
     *     [--val-images DIR]}
     * @throws Exception on any error (printed by the JVM)
     */
    public static void main(String[] args) throws Exception {
        ExampleArgs a = ExampleArgs.parse(args, 3, "TrainOnCoco ANNOTATIONS IMAGES OUT_DIR [--preset NAME] "
                + "[--epochs N] [--milestones A,B] [--batch N] [--warmup N] [--validate-every N] [--max-iterations N] "
                + "[--pretrained FILE] [--val-annotations FILE] [--val-images DIR]", "--preset", "--epochs",
                "--milestones", "--batch", "--warmup", "--validate-every", "--max-iterations", "--pretrained",
                "--val-annotations", "--val-images");
        // the published recipe; each option changes one field of it
        TrainingRecipe published = TrainingRecipe.published();
        TrainingRecipe recipe = published.toBuilder()
                .epochs((int) a.integer("--epochs", published.epochs()))
                .milestones(!a.has("--milestones") ? published.milestones() : Arrays.stream(
                        a.text("--milestones", null).split(",")).map(String::trim).mapToInt(Integer::parseInt)
                        .toArray())
                .batchSize((int) a.integer("--batch", published.batchSize()))
                .warmupIterations((int) a.integer("--warmup", published.warmupIterations()))
                .validateEveryEpochs((int) a.integer("--validate-every", published.validateEveryEpochs()))
                .build();
        String preset = a.text("--preset", "w32_256x192");
        HRNetConfig config = Presets.get(preset);
        TrainingResult result = train(config, recipe, a.path(0), a.path(1),
                a.path("--val-annotations", a.path(0)), a.path("--val-images", a.path(1)),
                a.path("--pretrained", null), a.path(2), a.integer("--max-iterations", 0));
        for (TrainingState.EpochRecord e : result.epochs()) {
            System.out.printf(Locale.ROOT, "epoch %d: mean loss %.6g, lr %.3g, %s %s%n", e.epoch(), e.meanLoss(),
                    e.learningRate(), e.metricName() == null ? "-" : e.metricName(),
                    e.metricName() == null ? "" : String.format(Locale.ROOT, "%.4f", e.metric()));
        }
        System.out.println("run folder: " + result.outputDir() + " (weights: final.npz, best.npz)");
    }
}
