package io.hrnet4j.cli;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.zoo.arch.Presets;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.train.ExperimentFile;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.PoseValidator;
import io.hrnet4j.zoo.train.RssSampler;
import io.hrnet4j.zoo.train.TopDownValidator;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
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
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet train}: trains HRNet / DE-HRNet top-down with the published recipe (Adam 1e-3, x0.1 at epochs 170
 * and 200, 210 epochs, batch 32, JointsMSELoss) or the embedded default, on one device ({@code --backend graph|samediff}),
 * on several ({@code --devices N}: ParallelWrapper) or on a Spark cluster ({@code --spark MASTER}), all through the
 * one trainer ({@link PoseTrainer}).
 *
 * <p>With no arguments: the embedded synthetic COCO-format dataset ({@link SyntheticPoseDataset}, default cache),
 * the small W16 HRNet at 128x96 ({@link Presets#EMBEDDED}, 37 M multiply-adds per crop), 6 epochs over the 3,941
 * synthetic training persons at Adam 5e-3 ({@link TrainingRecipe#embedded}), the SameDiff backend (it trains BN like
 * PyTorch with exact running statistics), validation by OKS AP on the held-out val split (flip test, DARK decoding;
 * measured on 2 cores: AP 0.611 in about 5 minutes, peak RSS under 2 GiB; README, Set-up); output in
 * {@code ./hrnet-output/<timestamp>} (config.yaml, checkpoints, metrics.json/csv, training-curves.png, predictions/*.png). With {@code --dataset coco|mpii} the
 * standard W32 model at 256x192 (COCO) or 256x256 (MPII) and the published recipe, unless options say otherwise.
 * The architecture options are the shared {@link ArchOptions} ({@code --config} also supplies its {@code TRAIN}
 * section), the dataset options the shared {@link TrainingDataOptions}, the evaluation options of validation the
 * shared {@link EvalOptions}; the recipe options are the table of {@link RecipeOptions}.
 *
 * <p>{@code --resume [RUN|FILE]} continues a run exactly (a run folder, a checkpoint file, or without a value the
 * newest run under {@code ./hrnet-output}): the dataset, recipe and architecture come from the run's
 * {@code config.yaml}; an option that contradicts them is refused in one line; {@code --epochs} (to extend the run),
 * the bookkeeping intervals and the execution options ({@link ExecutionOptions}: {@code --backend},
 * {@code --devices}, {@code --spark}) may change.
 *
 * <p>{@code --soak [N]} (default 1000; {@link SoakOptions}) is the memory soak: N iterations of the chosen run (the embedded default
 * without other options), the resident set sampled into {@code rss.csv} / {@code rss.json} / {@code rss.png}
 * ({@link RssSampler}), the least-squares slope after the warm-up printed in MiB per 100 iterations; exit 1 when it
 * exceeds {@code --soak-limit}. The training memory estimate is checked against the budget before any data is read
 * ({@link PoseTrainer#checkMemory}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, modelTransformer = RecipeOptions.class,
        description = "Train HRNet top-down pose estimation (embedded synthetic default, COCO or MPII) on one device, "
                + "several (--devices) or a Spark cluster (--spark).")
public final class TrainCommand implements Callable<Integer> {
    static final Path DEFAULT_OUTPUT_ROOT = Paths.get("hrnet-output");
    static final int DEFAULT_SYNTHETIC_EPOCHS = 6;

    @Spec
    private CommandSpec spec;

    @Mixin
    ArchOptions archOptions;

    @Mixin
    TrainingDataOptions data;

    @Mixin
    EvalOptions evalOptions;

    @Option(names = "--sigma", description = "target Gaussian sigma in heatmap cells (default 2)")
    Double sigma;

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

    @Mixin
    ExecutionOptions execution;

    @Mixin
    SoakOptions soakOptions;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true,
                StandardCharsets.UTF_8);
        Path resumeFrom = null;
        Path output = out;
        ExperimentFile experiment;
        if (resume != null) {
            resumeFrom = resume.isEmpty() ? newestRun() : Paths.get(resume);
            if (!Files.exists(resumeFrom)) {
                throw new IllegalArgumentException("--resume " + resumeFrom + ": no such file or folder");
            }
            Path run = Files.isRegularFile(resumeFrom) ? runFolderOf(resumeFrom) : resumeFrom;
            output = output == null ? run : output;
            experiment = resumedExperiment(run);
        } else {
            experiment = newExperiment();
        }
        if (output == null) {
            output = DEFAULT_OUTPUT_ROOT.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        try {
            AtomicFiles.checkWritableFolder(output);
        } catch (IOException e) {
            throw new IllegalArgumentException("output folder is not writable: " + e.getMessage(), e);
        }
        ExperimentFile.Dataset d = experiment.dataset();
        KeypointSchema schema = TrainingDataOptions.schemaOf(d.name());
        boolean synthetic = d.name().equals(TrainingDataOptions.SYNTHETIC);
        HRNetConfig cfg = experiment.config();
        if (cfg.numJoints() != schema.numJoints()) {
            throw new IllegalArgumentException("the model has " + cfg.numJoints() + " joints but --dataset " + d.name()
                    + " has " + schema.numJoints());
        }
        TrainingRecipe recipe = experiment.recipe();
        PoseTrainer.checkMemory(cfg, recipe.batchSize());
        RssSampler soakSampler = soakOptions.sampler(resume != null ? "--resume"
                : maxIterations != null ? "--max-iterations" : null);
        TopDownRecipe dataRecipe = TopDownRecipe.defaults(schema).withInputSize(cfg.inputWidth(), cfg.inputHeight())
                .withSigma(experiment.sigma());
        execution.kind(); // the execution options are checked before the data is loaded

        Path trainImages = d.trainImages();
        Path trainAnn = d.trainAnnotations();
        Path vImages = d.valImages();
        Path vAnn = d.valAnnotations();
        if (synthetic) {
            SyntheticPoseDataset ds = SyntheticPoseDataset.builder().generate(SyntheticPoseDataset.defaultCacheRoot());
            progress.println("synthetic dataset: " + ds);
            trainImages = ds.train().imageDir();
            trainAnn = ds.train().annotationFile();
            vImages = ds.val().imageDir();
            vAnn = ds.val().annotationFile();
        } else {
            vImages = vImages == null ? trainImages : vImages;
            vAnn = vAnn == null ? trainAnn : vAnn;
        }
        LoadedSamples train = load(schema, trainAnn, trainImages, dataRecipe);
        LoadedSamples val = load(schema, vAnn, vImages, dataRecipe);
        progress.println("train: " + train.summary());
        progress.println("val: " + val.summary());
        List<PoseSample> trainSamples = limit(train.samples(), d.maxSamples(), "training", trainAnn);
        List<PoseSample> valSamples = limit(val.samples(), d.maxValSamples(), "validation", vAnn);
        HeatmapDecoder.Refinement refinement = Boolean.TRUE.equals(experiment.dark())
                ? HeatmapDecoder.Refinement.DARK : HeatmapDecoder.Refinement.QUARTER_OFFSET;
        PoseValidator validator;
        if (schema == KeypointSchema.MPII && d.valGt() == null) {
            validator = null;
            progress.println("no validation: MPII PCKh needs head boxes, which the annotation JSON lacks; pass "
                    + "--mpii-gt gt_valid.mat (or its JSON layout) to validate");
        } else if (schema == KeypointSchema.MPII) {
            validator = TopDownValidator.mpii(valSamples, dataRecipe, MpiiGroundTruth.read(d.valGt()),
                    recipe.batchSize(), recipe.workers(), recipe.flipTest()).refinement(refinement);
        } else {
            validator = TopDownValidator.coco(valSamples, dataRecipe, CocoGroundTruth.read(vAnn), recipe.batchSize(),
                    recipe.workers(), recipe.flipTest()).refinement(refinement);
        }
        TrainingData data = TrainingData.of(trainSamples, new TopDownSampleProcessor(dataRecipe, true),
                recipe.batchSize(), recipe.workers(), recipe.seed());
        int soakEpochs = soakOptions.epochsCovering(recipe.epochs(), data.batchesPerEpoch());
        if (RecipeOptions.epochs(spec) == null && soakEpochs != recipe.epochs()) {
            recipe = recipe.toBuilder().epochs(soakEpochs).build();
            experiment = new ExperimentFile(cfg, experiment.sigma(), recipe, experiment.dark(), d);
        }

        progress.printf(Locale.ROOT, "model: %s (%s), %d training samples, %d validation samples%n", cfg,
                execution.describe(), trainSamples.size(), valSamples.size());
        progress.println("recipe: " + recipe);
        PoseTrainer.Builder b = PoseTrainer.builder(cfg, data, output).experiment(experiment)
                .validator(validator).progress(progress).resumeFrom(resumeFrom)
                .report(new TrainingReport.Options(true, 4, schema));
        if (maxIterations != null) {
            b.maxIterations(maxIterations);
        }
        soakOptions.configure(b, soakSampler);
        if (weights != null) {
            b.initialWeights(StateDict.load(weights).withoutBatchCounters().asMap());
        }
        if (pretrainedBackbone != null && (weights != null || resume != null)) {
            throw new IllegalArgumentException("--pretrained-backbone starts a new run: it excludes --weights and --resume");
        }
        if (weights == null && resume == null) {
            BackboneInit.forTraining(cfg, pretrainedBackbone, archOptions.config, recipe.seed(), progress)
                    .ifPresent(b::initialWeights);
        }
        execution.configure(b, recipe.logEveryIterations());
        TrainingResult r = b.build().train();
        progress.printf(Locale.ROOT, "trained %d iterations, %d epochs; weights: %s%n", r.losses().size(),
                r.epochs().size(), output.resolve("final.npz"));
        progress.flush();
        return SoakOptions.exitCode(soakSampler, output, spec.commandLine().getErr());
    }

    /** The experiment of a new run: options over the defaults of the dataset (and over {@code --config}'s TRAIN). */
    private ExperimentFile newExperiment() throws IOException {
        String name = data.name();
        KeypointSchema schema = data.schema();
        boolean synthetic = data.synthetic();
        ExperimentFile file = archOptions.config == null ? null : ExperimentFile.read(archOptions.config);
        HRNetConfig cfg;
        if (archOptions.describesArchitecture()) {
            cfg = archOptions.resolve(schema);
        } else if (synthetic) {
            int[] hw = archOptions.inputSize();
            cfg = hw == null ? Presets.embedded() : Presets.small(16, schema.numJoints(), hw[0], hw[1]);
        } else {
            cfg = archOptions.resolve(schema);
        }
        TrainingRecipe base = file != null ? file.recipe()
                : synthetic ? TrainingRecipe.embedded(Objects.requireNonNullElse(RecipeOptions.epochs(spec), DEFAULT_SYNTHETIC_EPOCHS))
                : TrainingRecipe.published();
        double s = sigma != null ? sigma : file != null ? file.sigma() : 2;
        data.requireTrainingFiles();
        ExperimentFile.Dataset d = new ExperimentFile.Dataset(name, data.images, data.annotations, data.valImages,
                data.valAnnotations,
                evalOptions.mpiiGt(), maxSamples, maxValSamples);
        // DARK by default for the synthetic default, off otherwise (as the official numbers)
        boolean darkOn = evalOptions.dark != null ? evalOptions.dark : synthetic;
        return new ExperimentFile(cfg, s, applyRecipeOptions(base), darkOn, d);
    }

    /**
     * The experiment of a resumed run: its {@code config.yaml}, with the options a continued run may change; any other
     * option given must agree with the run.
     */
    private ExperimentFile resumedExperiment(Path run) throws IOException {
        Path yaml = run.resolve(PoseTrainer.CONFIG_FILE);
        if (!Files.isRegularFile(yaml)) {
            throw new IllegalArgumentException("--resume " + run + ": no " + PoseTrainer.CONFIG_FILE + " in the run "
                    + "folder (not a run of hrnet train, or of a version before runs recorded their experiment)");
        }
        ExperimentFile e = ExperimentFile.read(yaml);
        ExperimentFile.Dataset d = e.dataset();
        if (d == null) {
            throw new IllegalArgumentException(yaml + ": no DATASET section");
        }
        List<String> bad = new ArrayList<>();
        if (spec.commandLine().getParseResult().hasMatchedOption("--dataset") && !data.dataset.equalsIgnoreCase(d.name())) {
            bad.add("--dataset " + data.dataset + " (run: " + d.name() + ")");
        }
        differs(bad, "--images", data.images, d.trainImages());
        differs(bad, "--annotations", data.annotations, d.trainAnnotations());
        differs(bad, "--val-images", data.valImages, d.valImages());
        differs(bad, "--val-annotations", data.valAnnotations, d.valAnnotations());
        differs(bad, "--mpii-gt", evalOptions.mpiiGt(), d.valGt());
        differs(bad, "--max-samples", maxSamples, d.maxSamples());
        differs(bad, "--max-val-samples", maxValSamples, d.maxValSamples());
        if (archOptions.describesArchitecture() || archOptions.inputSize() != null) {
            HRNetConfig asked = archOptions.resolve(TrainingDataOptions.schemaOf(d.name()));
            if (!asked.equals(e.config())) {
                bad.add("the architecture options (" + asked + "; run: " + e.config() + ")");
            }
        }
        differs(bad, "--sigma", sigma, sigma == null ? null : e.sigma());
        differs(bad, "--dark", evalOptions.dark, e.dark());
        TrainingRecipe asked = applyRecipeOptions(e.recipe());
        for (String c : e.recipe().contradictions(asked)) {
            bad.add(c);
        }
        if (!evalOptions.flipTest() && e.recipe().flipTest()) {
            bad.add("--no-flip-test (run: flip test on)");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("--resume " + run + ": options contradict the run's "
                    + PoseTrainer.CONFIG_FILE + ": " + String.join("; ", bad)
                    + " (drop them: a resumed run takes its data, recipe and architecture from the run)");
        }
        return new ExperimentFile(e.config(), e.sigma(), asked, e.dark(), d);
    }

    private static void differs(List<String> bad, String option, Object given, Object run) {
        if (given == null) {
            return;
        }
        Object g = given instanceof Path p ? p.toAbsolutePath().normalize() : given;
        Object r = run instanceof Path p ? p.toAbsolutePath().normalize() : run;
        if (!g.equals(r)) {
            bad.add(option + " " + given + " (run: " + (run == null ? "none" : run) + ")");
        }
    }

    /** The recipe options of the command line ({@link RecipeOptions}) and {@code --no-flip-test} over {@code base}. */
    private TrainingRecipe applyRecipeOptions(TrainingRecipe base) {
        TrainingRecipe r = RecipeOptions.apply(spec, base);
        return evalOptions.flipTest() ? r : r.toBuilder().flipTest(false).build();
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
