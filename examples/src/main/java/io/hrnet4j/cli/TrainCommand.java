package io.hrnet4j.cli;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.eval.CocoGroundTruth;
import io.hrnet4j.eval.MpiiGroundTruth;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.train.ExperimentFile;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.PoseValidator;
import io.hrnet4j.zoo.train.TopDownValidator;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.train.TrainingPresets;
import io.hrnet4j.zoo.train.TrainingRecipe;
import io.hrnet4j.zoo.train.TrainingReport;
import io.hrnet4j.zoo.train.TrainingResult;
import io.hrnet4j.zoo.weights.BackboneInit;
import io.hrnet4j.zoo.weights.StateDict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.listeners.PerformanceListener;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet train}: trains HRNet / DE-HRNet top-down with the published recipe (Adam 1e-3, x0.1 at epochs 170
 * and 200, 210 epochs, batch 32, JointsMSELoss) or the embedded default.
 *
 * <p>With no arguments: the embedded synthetic COCO-format dataset ({@link SyntheticPoseDataset}, default cache),
 * the small W16 HRNet at 128x96 ({@link TrainingPresets#embeddedConfig()}, 37 M multiply-adds per crop), 5 epochs
 * over the 3,941 synthetic training persons at Adam 5e-3 ({@link TrainingPresets#embeddedRecipe}), the SameDiff
 * backend (chosen because it trains BN like PyTorch with exact running statistics and, measured here on the W16
 * model, batch 32, is at least as fast as the ComputationGraph: 8.2 s against 8.3-14.1 s per iteration on two
 * shared cores; on the full-size W32 its convolutions are about 4x faster), validation by OKS AP on the held-out
 * val split (flip test, DARK decoding; measured: AP 0.638 in 13 min 44 s on 2 cores); output in {@code ./hrnet-output/<timestamp>} (checkpoints, metrics.json/csv, training-curves.png,
 * predictions/*.png). With {@code --dataset coco|mpii} the standard W32 model at 256x192 (COCO) or 256x256 (MPII)
 * and the published recipe, unless options say otherwise.
 *
 * <p>{@code --resume [DIR|FILE]} continues a run exactly (a checkpoint file, a run folder, or without a value the
 * newest run under {@code ./hrnet-output}); pass the same model and data options as the original run.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train HRNet top-down pose estimation (embedded synthetic default, COCO or MPII).")
public final class TrainCommand implements Callable<Integer> {
    static final Path DEFAULT_OUTPUT_ROOT = Paths.get("hrnet-output");
    static final int DEFAULT_SYNTHETIC_EPOCHS = 6;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic, coco or mpii (default ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--images", paramLabel = "DIR", description = "training images folder (coco, mpii)")
    Path images;

    @Option(names = "--annotations", paramLabel = "FILE", description = "training annotations: COCO person_keypoints JSON or MPII JSON")
    Path annotations;

    @Option(names = "--val-images", paramLabel = "DIR", description = "validation images (default: --images)")
    Path valImages;

    @Option(names = "--val-annotations", paramLabel = "FILE", description = "validation annotations (default: --annotations)")
    Path valAnnotations;

    /** Validation: --flip-test/--no-flip-test, --dark/--no-dark (default: on for the synthetic default), --mpii-gt. */
    @Mixin
    EvalOptions evalOptions;

    @Option(names = "--arch", defaultValue = "auto", description = "hrnet, hrnet-small or dehrnet (default: hrnet-small for synthetic, hrnet otherwise)")
    String arch;

    @Option(names = "--width", paramLabel = "W", description = "HRNet width (default 16 for hrnet-small, 32 otherwise)")
    Integer width;

    @Option(names = "--input", paramLabel = "HxW", description = "input size (default 128x96 synthetic, 256x192 coco, 256x256 mpii)")
    String input;

    @Option(names = "--config", paramLabel = "FILE",
            description = "official experiment YAML (e.g. w32_256x192_adam_lr1e-3.yaml): MODEL architecture and TRAIN recipe")
    Path config;

    @Option(names = "--sigma", description = "target Gaussian sigma in heatmap cells (default 2)")
    Double sigma;

    @Option(names = "--backend", defaultValue = "samediff", description = "graph or samediff (default ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--epochs", description = "epochs (default 210; synthetic 6)")
    Integer epochs;

    @Option(names = "--batch", description = "batch size (default 32)")
    Integer batch;

    @Option(names = "--lr", description = "initial learning rate (default 1e-3; synthetic 5e-3)")
    Double lr;

    @Option(names = "--milestones", split = ",", description = "epochs of the x0.1 steps (default 170,200; synthetic at 80%% of the epochs)")
    int[] milestones;

    @Option(names = "--warmup", description = "linear warm-up iterations (default 0)")
    Integer warmup;

    @Option(names = "--workers", description = "data-loading threads (default 2)")
    Integer workers;

    @Option(names = "--seed", description = "seed of weights, data order and augmentation (default 0)")
    Long seed;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "checkpoint every N iterations (0: epoch ends only)")
    Integer checkpointEvery;

    @Option(names = "--keep", paramLabel = "K", description = "checkpoints kept (default 3)")
    Integer keep;

    @Option(names = "--validate-every", paramLabel = "N", description = "validate every N epochs (0: after the last only)")
    Integer validateEvery;

    @Option(names = "--log-every", paramLabel = "N", description = "progress line every N iterations")
    Integer logEvery;

    @Option(names = "--max-samples", paramLabel = "N", description = "use only the first N training samples")
    Integer maxSamples;

    @Option(names = "--max-val-samples", paramLabel = "N", description = "validate on the first N validation samples only")
    Integer maxValSamples;

    @Option(names = "--max-iterations", paramLabel = "N", description = "stop after N iterations in total (checkpoint written)")
    Integer maxIterations;

    @Option(names = "--weights", paramLabel = "FILE", description = "initial weights: official .pth or .npz state dict")
    Path weights;

    @Option(names = "--pretrained-backbone", paramLabel = "FILE", description = "initialise the backbone from a"
            + " checkpoint such as hrnet_w32-36af842e.pth (ImageNet): the keys of MODEL.EXTRA.PRETRAINED_LAYERS"
            + " (all without --config) whose shapes match; overrides MODEL.PRETRAINED")
    Path pretrainedBackbone;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default ./hrnet-output/<timestamp>)")
    Path out;

    @Option(names = "--resume", arity = "0..1", fallbackValue = "", paramLabel = "DIR|FILE",
            description = "continue a run: a checkpoint, a run folder, or (no value) the newest run in ./hrnet-output")
    String resume;

    @Option(names = "--ui", description = "DL4J training UI (graph backend; needs deeplearning4j-ui on the classpath: build examples with -Pui)")
    boolean ui;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true,
                StandardCharsets.UTF_8);
        KeypointSchema schema;
        boolean synthetic = dataset.equalsIgnoreCase("synthetic");
        switch (dataset.toLowerCase(Locale.ROOT)) {
            case "synthetic", "coco" -> schema = KeypointSchema.COCO;
            case "mpii" -> schema = KeypointSchema.MPII;
            default -> throw new IllegalArgumentException("--dataset must be synthetic, coco or mpii, got '" + dataset + "'");
        }
        TrainingBackend.Kind kind = TrainingBackend.Kind.parse(backend);
        ExperimentFile experiment = config == null ? null : ExperimentFile.read(config);
        HRNetConfig cfg = experiment != null ? experiment.config() : modelConfig(schema, synthetic);
        if (cfg.numJoints() != schema.numJoints()) {
            throw new IllegalArgumentException("the model has " + cfg.numJoints() + " joints but --dataset " + dataset
                    + " has " + schema.numJoints());
        }
        TopDownRecipe dataRecipe = TopDownRecipe.defaults(schema).withInputSize(cfg.inputWidth(), cfg.inputHeight());
        if (sigma != null || experiment != null) {
            dataRecipe = dataRecipe.withSigma(sigma != null ? sigma : experiment.sigma());
        }
        TrainingRecipe recipe = trainingRecipe(synthetic, experiment);

        Path trainImages = images;
        Path trainAnn = annotations;
        Path vImages = valImages;
        Path vAnn = valAnnotations;
        if (synthetic) {
            SyntheticPoseDataset ds = SyntheticPoseDataset.builder().generate(SyntheticPoseDataset.defaultCacheRoot());
            progress.println("synthetic dataset: " + ds);
            trainImages = ds.train().imageDir();
            trainAnn = ds.train().annotationFile();
            vImages = ds.val().imageDir();
            vAnn = ds.val().annotationFile();
        } else {
            if (trainImages == null || trainAnn == null) {
                throw new IllegalArgumentException("--dataset " + dataset + " needs --images DIR and --annotations FILE");
            }
            vImages = vImages == null ? trainImages : vImages;
            vAnn = vAnn == null ? trainAnn : vAnn;
        }
        LoadedSamples train = load(schema, trainAnn, trainImages, dataRecipe);
        LoadedSamples val = load(schema, vAnn, vImages, dataRecipe);
        progress.println("train: " + train.summary());
        progress.println("val: " + val.summary());
        List<PoseSample> trainSamples = limit(train.samples(), maxSamples, "training", trainAnn);
        List<PoseSample> valSamples = limit(val.samples(), maxValSamples, "validation", vAnn);
        PoseValidator validator;
        Path valGt = evalOptions.mpiiGt();
        if (schema == KeypointSchema.MPII && valGt == null) {
            validator = null;
            progress.println("no validation: MPII PCKh needs head boxes, which the annotation JSON lacks; pass "
                    + "--mpii-gt gt_valid.mat (or its JSON layout) to validate");
        } else if (schema == KeypointSchema.MPII) {
            validator = TopDownValidator.mpii(valSamples, dataRecipe, MpiiGroundTruth.read(valGt), recipe.batchSize(),
                    recipe.workers(), recipe.flipTest()).refinement(refinement(synthetic));
        } else {
            validator = TopDownValidator.coco(valSamples, dataRecipe, CocoGroundTruth.read(vAnn), recipe.batchSize(),
                        recipe.workers(), recipe.flipTest()).refinement(refinement(synthetic));
        }
        TrainingData data = TrainingData.of(trainSamples, new TopDownSampleProcessor(dataRecipe, true),
                recipe.batchSize(), recipe.workers(), recipe.seed());

        Path resumeFrom = null;
        Path output = out;
        if (resume != null) {
            resumeFrom = resume.isEmpty() ? newestRun() : Paths.get(resume);
            if (!Files.exists(resumeFrom)) {
                throw new IllegalArgumentException("--resume " + resumeFrom + ": no such file or folder");
            }
            if (output == null) {
                output = Files.isRegularFile(resumeFrom) ? runFolderOf(resumeFrom) : resumeFrom;
            }
        }
        if (output == null) {
            output = DEFAULT_OUTPUT_ROOT.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        progress.printf(Locale.ROOT, "model: %s (%s backend), %d training samples, %d validation samples%n", cfg,
                kind.id(), trainSamples.size(), valSamples.size());
        progress.println("recipe: " + recipe);
        PoseTrainer.Builder b = PoseTrainer.builder(cfg, data, output).recipe(recipe).backend(kind)
                .validator(validator).progress(progress).resumeFrom(resumeFrom)
                .report(new TrainingReport.Options(true, 4, schema));
        if (maxIterations != null) {
            b.maxIterations(maxIterations);
        }
        if (weights != null) {
            b.initialWeights(StateDict.load(weights).withoutBatchCounters().asMap());
        }
        if (pretrainedBackbone != null && (weights != null || resume != null)) {
            throw new IllegalArgumentException("--pretrained-backbone starts a new run: it excludes --weights and --resume");
        }
        if (weights == null && resume == null) {
            BackboneInit.forTraining(cfg, pretrainedBackbone, config, recipe.seed(), progress).ifPresent(b::initialWeights);
        }
        if (kind == TrainingBackend.Kind.GRAPH) {
            List<TrainingListener> ls = new ArrayList<>();
            ls.add(new ScoreIterationListener(recipe.logEveryIterations()));
            ls.add(new PerformanceListener(recipe.logEveryIterations(), true));
            if (ui) {
                ls.add(TrainingUi.attach());
            }
            b.graphListeners(ls.toArray(new TrainingListener[0]));
        } else if (ui) {
            throw new IllegalArgumentException("--ui needs --backend graph (the DL4J training UI reads DL4J "
                    + "TrainingListener statistics, which the SameDiff backend does not produce)");
        }
        TrainingResult r = b.build().train();
        progress.printf(Locale.ROOT, "trained %d iterations, %d epochs; weights: %s%n", r.losses().size(),
                r.epochs().size(), output.resolve("final.npz"));
        progress.flush();
        return 0;
    }

    private HeatmapDecoder.Refinement refinement(boolean synthetic) {
        return evalOptions.refinement(synthetic);
    }

    private HRNetConfig modelConfig(KeypointSchema schema, boolean synthetic) {
        String a = arch.equalsIgnoreCase("auto") ? (synthetic ? "hrnet-small" : "hrnet") : arch.toLowerCase(Locale.ROOT);
        int[] hw = input != null ? parseInput(input)
                : synthetic ? new int[] {TrainingPresets.EMBEDDED_INPUT_HEIGHT, TrainingPresets.EMBEDDED_INPUT_WIDTH}
                : schema == KeypointSchema.MPII ? new int[] {256, 256} : new int[] {256, 192};
        int k = schema.numJoints();
        return switch (a) {
            case "hrnet-small" -> TrainingPresets.small(width == null ? TrainingPresets.EMBEDDED_WIDTH : width, k,
                    hw[0], hw[1]);
            case "hrnet" -> HRNetConfig.standard(width == null ? 32 : width, k, hw[0], hw[1]);
            case "dehrnet" -> HRNetConfig.standard(width == null ? 32 : width, k, hw[0], hw[1])
                    .withDeHrnet(DeHrnetOptions.defaults());
            default -> throw new IllegalArgumentException("--arch must be hrnet, hrnet-small or dehrnet, got '" + arch + "'");
        };
    }

    static int[] parseInput(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--input must be HxW (e.g. 256x192), got '" + s + "'");
    }

    private TrainingRecipe trainingRecipe(boolean synthetic, ExperimentFile experiment) {
        TrainingRecipe base = experiment != null ? experiment.recipe()
                : synthetic ? TrainingPresets.embeddedRecipe(epochs == null ? DEFAULT_SYNTHETIC_EPOCHS : epochs)
                : TrainingRecipe.published();
        TrainingRecipe.Builder r = base.toBuilder();
        if (epochs != null) {
            r.epochs(epochs);
        }
        if (milestones != null) {
            r.milestones(milestones);
        }
        if (batch != null) {
            r.batchSize(batch);
        }
        if (lr != null) {
            r.learningRate(lr);
        }
        if (warmup != null) {
            r.warmupIterations(warmup);
        }
        if (workers != null) {
            r.workers(workers);
        }
        if (seed != null) {
            r.seed(seed);
        }
        if (checkpointEvery != null) {
            r.checkpointEveryIterations(checkpointEvery);
        }
        if (keep != null) {
            r.keepCheckpoints(keep);
        }
        if (validateEvery != null) {
            r.validateEveryEpochs(validateEvery);
        }
        if (logEvery != null) {
            r.logEveryIterations(logEvery);
        }
        if (!evalOptions.flipTest()) {
            r.flipTest(false);
        }
        return r.build();
    }

    private static LoadedSamples load(KeypointSchema schema, Path ann, Path imgs, TopDownRecipe recipe)
            throws IOException {
        return schema == KeypointSchema.MPII ? MpiiAnnotations.load(ann, imgs)
                : CocoKeypoints.groundTruth(ann, imgs, recipe.aspectRatio());
    }

    private static List<PoseSample> limit(List<PoseSample> s, Integer max, String what, Path file) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " samples in " + file);
        }
        if (max == null) {
            return s;
        }
        if (max < 1) {
            throw new IllegalArgumentException("--max-" + (what.equals("training") ? "" : "val-") + "samples must be >= 1, got " + max);
        }
        return s.subList(0, Math.min(max, s.size()));
    }

    private static Path newestRun() throws IOException {
        Path newest = null;
        if (Files.isDirectory(DEFAULT_OUTPUT_ROOT)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(DEFAULT_OUTPUT_ROOT, Files::isDirectory)) {
                for (Path p : ds) {
                    if (Files.isDirectory(p.resolve("checkpoints"))
                            && (newest == null || p.getFileName().toString().compareTo(newest.getFileName().toString()) > 0)) {
                        newest = p;
                    }
                }
            }
        }
        if (newest == null) {
            throw new IllegalArgumentException("--resume without a value needs a run with checkpoints under "
                    + DEFAULT_OUTPUT_ROOT.toAbsolutePath());
        }
        return newest;
    }

    private static Path runFolderOf(Path checkpoint) {
        Path parent = checkpoint.toAbsolutePath().getParent();
        return parent.getFileName().toString().equals("checkpoints") ? parent.getParent() : parent;
    }

    /** Bridges picocli's PrintWriter to the PrintStream the trainer reports to. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final Writer w;

        WriterOutputStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) throws IOException {
            w.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            w.write(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() throws IOException {
            w.flush();
        }
    }
}
