package io.hrnet4j.search;

import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.PoseValidator;
import io.hrnet4j.zoo.train.TrainingBackend;
import io.hrnet4j.zoo.train.TrainingData;
import io.hrnet4j.zoo.train.TrainingException;
import io.hrnet4j.zoo.train.TrainingRecipe;
import io.hrnet4j.zoo.train.TrainingReport;
import io.hrnet4j.zoo.train.TrainingResult;
import io.hrnet4j.zoo.train.TrainingState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@link PoseCandidateTrainer}: a candidate is a budgeted run of the project's one trainer,
 * {@link PoseTrainer}, on the DL4J {@link ComputationGraph} realisation ({@code HRNet} with the candidate's updater,
 * learning-rate schedule, warm-up and weight decay; JointsMSELoss with target weights), validated by a
 * {@link PoseScore} at the end of every epoch and of the budget. Checkpoints, resume, progress, NaN handling and the
 * run files are the trainer's ({@code checkpoints/}, {@code config.yaml}, {@code final.npz}, {@code metrics.json}).
 *
 * <p>Budget: {@link TrainingBudget#iterations} minibatches in total ({@link PoseTrainer.Builder#maxIterations}), over
 * {@code ceil(iterations / iterationsPerEpoch)} epochs; a later call with a larger budget (successive halving, a
 * resumed search) continues from the work folder's newest checkpoint. A non-finite loss stops the candidate as
 * {@link CandidateResult.Status#FAILED} with the trainer's message ("loss is NaN at epoch e, iteration i ..."). A
 * candidate with DE-HRNet switches trains a DE-HRNet: the architecture function's config with those switches over the
 * project defaults ({@link DeHrnetOptions#defaults()}).
 *
 * <p>History: one row per epoch end (the trainer's epoch records) and one at the budget's end when it falls inside an
 * epoch; rows of earlier budgets are read back from the candidate's {@code history.json} ({@link CandidateStore}).
 */
public final class GraphCandidateTrainer implements PoseCandidateTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(GraphCandidateTrainer.class);

    private final PoseSearchData data;
    private final PoseScore score;
    private final Function<PoseCandidate, HRNetConfig> architecture;
    private final long seed;

    /**
     * @param data training and validation data
     * @param score the validation metric
     * @param architecture the network of a candidate (e.g. {@code c -> HRNetConfig.standard(c.width(), 17, 256,
     *     192)}); its input size must equal the data's recipe
     * @param seed weight-initialisation seed (the same for every candidate, so that they differ only by their
     *     hyper-parameters)
     */
    public GraphCandidateTrainer(PoseSearchData data, PoseScore score,
                                 Function<PoseCandidate, HRNetConfig> architecture, long seed) {
        this.data = Objects.requireNonNull(data, "data");
        this.score = Objects.requireNonNull(score, "score");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.seed = seed;
    }

    /** @return the validation metric */
    public PoseScore score() {
        return score;
    }

    @Override
    public CandidateResult train(PoseCandidate c, TrainingBudget budget, Path workDir, ProgressCallback progress)
            throws IOException {
        HRNetConfig cfg = architecture.apply(c);
        if (c.isDeHrnet() && cfg.deHrnet() == null) {
            cfg = cfg.withDeHrnet(DeHrnetOptions.defaults().withDem(c.dem()).withDySample(c.dysample()));
        }
        if (cfg.inputHeight() != data.recipe().inputHeight() || cfg.inputWidth() != data.recipe().inputWidth()
                || cfg.numJoints() != data.schema().numJoints()) {
            throw new IllegalArgumentException("architecture input " + cfg.inputHeight() + "x" + cfg.inputWidth()
                    + " with " + cfg.numJoints() + " joints does not match the data (" + data.recipe().inputHeight()
                    + "x" + data.recipe().inputWidth() + ", " + data.schema().numJoints() + " joints)");
        }
        int perEpoch = data.iterationsPerEpoch(c.batchSize());
        long target = budget.iterations(perEpoch);
        TrainingRecipe recipe = recipe(c, Math.toIntExact((target + perEpoch - 1) / perEpoch));
        AtomicReference<TrainingBackend.GraphBackend> backend = new AtomicReference<>();
        HRNetConfig arch = cfg;
        boolean lowerIsBetter = score.kind() == PoseScore.Kind.VALIDATION_LOSS;
        PoseValidator validator = (net, epoch) -> {
            double v = score.score(backend.get().graph(), arch, data);
            // the trainer keeps the highest metric as the best model: a loss is handed over negated
            return TopDownEvalResult.ofScore(score.kind().id(), lowerIsBetter ? -v : v, Map.of(score.kind().id(), v));
        };
        CandidateStore store = new CandidateStore(workDir);
        boolean resume = Files.isDirectory(workDir.resolve("checkpoints"));
        List<EpochRecord> earlier = resume ? CandidateStore.readHistory(workDir) : List.of();
        PoseTrainer trainer = PoseTrainer.builder(cfg, trainingData(c.batchSize()), workDir).recipe(recipe)
                .execution((conf, r) -> {
                    ComputationGraph g = new ComputationGraph(configuration(conf, c));
                    g.init();
                    TrainingBackend.GraphBackend b = new TrainingBackend.GraphBackend(conf, g);
                    backend.set(b);
                    return b;
                })
                .validator(validator).maxIterations(target).resumeFrom(resume ? workDir : null)
                .progress(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                .report(new TrainingReport.Options(false, 0, data.schema()))
                .build();
        TrainingResult result;
        try {
            result = trainer.train();
        } catch (TrainingException e) {
            if (e.diverged()) {
                return CandidateResult.failed(e.getMessage(), 0, earlier);
            }
            throw e;
        }
        long resumedAt = earlier.isEmpty() ? 0 : earlier.get(earlier.size() - 1).iterations();
        List<EpochRecord> history = new ArrayList<>(earlier);
        double lastLr = Double.NaN;
        for (TrainingState.EpochRecord e : result.epochs()) {
            lastLr = e.learningRate();
            if (e.iteration() > resumedAt) {
                EpochRecord r = new EpochRecord(e.epoch(), e.iteration(), e.meanLoss(), e.learningRate(),
                        lowerIsBetter ? -e.metric() : e.metric(), e.seconds());
                history.add(r);
                progress.onRecord(r);
            }
        }
        if (history.isEmpty() || history.get(history.size() - 1).iterations() != target) {
            int stepsBefore = result.epochs().isEmpty() ? 0
                    : result.epochs().get(result.epochs().size() - 1).steps();
            List<Double> tail = result.losses().subList(stepsBefore, result.losses().size());
            double mean = tail.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double v = score.score(backend.get().graph(), cfg, data);
            EpochRecord r = new EpochRecord(result.epochs().size(), target, mean,
                    c.effectiveSchedule().valueAt(Math.toIntExact(target - 1), result.epochs().size()), v, 0);
            history.add(r);
            progress.onRecord(r);
        }
        LOG.debug("candidate {} ({}): {}", c.summary(), store.root(), history.get(history.size() - 1));
        return new CandidateResult(CandidateResult.Status.COMPLETED, history.get(history.size() - 1).validationScore(),
                target, history, null);
    }

    /**
     * The candidate as the trainer's recipe: its batch size, base learning rate, warm-up and (for an epoch-keyed
     * schedule) drop epochs and first factor; the updater actually applied is the candidate's
     * ({@link #configuration}), the recipe records it and keeps a resumed budget from contradicting it.
     */
    private TrainingRecipe recipe(PoseCandidate c, int epochs) {
        MapSchedule s = c.lrSchedule();
        List<Integer> keys = new ArrayList<>();
        for (int k : s.getAllKeysSorted()) {
            if (k != 0) {
                keys.add(k);
            }
        }
        boolean byEpoch = s.getScheduleType() == ScheduleType.EPOCH && !keys.isEmpty();
        double factor = byEpoch ? s.getValues().get(keys.get(0)) / c.baseLearningRate() : 0.1;
        return TrainingRecipe.builder().epochs(epochs)
                .milestones(byEpoch ? keys.stream().mapToInt(Integer::intValue).toArray() : new int[0])
                .factor(factor).learningRate(c.baseLearningRate()).batchSize(c.batchSize()).workers(1).seed(seed)
                .warmupIterations(c.warmupIterations()).checkpointEveryIterations(0).keepCheckpoints(2)
                .validateEveryEpochs(1).logEveryIterations(Integer.MAX_VALUE).flipTest(false).build();
    }

    /**
     * The search data as the trainer's epochs: the order and augmentation of epoch e from (data seed, e), as
     * {@link PoseSearchData#trainIterator} gives them.
     */
    private TrainingData trainingData(int batchSize) {
        return TrainingData.of(data.train(), new TopDownSampleProcessor(data.recipe(), true), batchSize, 1,
                data.seed());
    }

    /**
     * The graph configuration of a candidate: {@code HRNet.Builder} with its updater (and schedule), the trainer's
     * seed, and the candidate's weight decay set on every layer's weights and biases.
     *
     * @param cfg the architecture
     * @param c the candidate
     * @return the configuration (not initialised)
     */
    public ComputationGraphConfiguration configuration(HRNetConfig cfg, PoseCandidate c) {
        ComputationGraphConfiguration conf = new HRNet.Builder().config(cfg).seed(TrainingRecipe.nd4jSeed(seed))
                .updater(c.updater()).build()
                .conf();
        List<Regularization> reg = c.regularization();
        if (!reg.isEmpty()) {
            for (GraphVertex v : conf.getVertices().values()) {
                if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer bl) {
                    bl.setRegularization(new ArrayList<>(reg));
                    bl.setRegularizationBias(new ArrayList<>(reg));
                }
            }
        }
        return conf;
    }
}
