package io.hrnet4j.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@link PoseCandidateTrainer}: a compact training loop over the DL4J {@link ComputationGraph}
 * realisation ({@code HRNet.init()}, JointsMSELoss with target weights) and a {@link PoseDataSetIterator}, scored by
 * a {@link PoseScore} at the end of every epoch and of the budget. Meant to be replaced by the project's
 * {@code PoseTrainer} (same interface) for full trainings.
 *
 * <p>Schedule: the candidate's updater carries its learning-rate schedule; the graph's epoch count is set before
 * each minibatch so that epoch-keyed drops apply, and its iteration count drives the warm-up. A non-finite loss
 * stops the candidate as {@link CandidateResult.Status#FAILED} ("loss is NaN at iteration i"). A candidate with
 * DE-HRNet switches trains a DE-HRNet: the architecture function's config with those switches over the project
 * defaults ({@link DeHrnetOptions#defaults()}).
 *
 * <p>Work folder: {@code checkpoint.zip} (DL4J model with updater state, written through a temporary file) and
 * {@code checkpoint.json} (iterations, epoch, position in the epoch, history); a later call with a larger budget
 * continues from them.
 */
public final class GraphCandidateTrainer implements PoseCandidateTrainer {
    /** Checkpoint model file name in the work folder. */
    public static final String CHECKPOINT = "checkpoint.zip";
    /** Checkpoint state file name in the work folder. */
    public static final String STATE = "checkpoint.json";
    private static final Logger LOG = LoggerFactory.getLogger(GraphCandidateTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        Files.createDirectories(workDir);
        Path model = workDir.resolve(CHECKPOINT);
        Path stateFile = workDir.resolve(STATE);
        ComputationGraph g;
        long done = 0;
        int epoch = 0;
        int inEpoch = 0;
        List<EpochRecord> history = new ArrayList<>();
        if (Files.exists(model) && Files.exists(stateFile)) {
            g = ModelSerializer.restoreComputationGraph(model.toFile(), true);
            JsonNode st = JSON.readTree(stateFile.toFile());
            done = st.get("iterations").asLong();
            epoch = st.get("epoch").asInt();
            inEpoch = st.get("iterationInEpoch").asInt();
            for (JsonNode r : st.get("history")) {
                history.add(CandidateStore.recordFromJson(r));
            }
        } else {
            g = new ComputationGraph(configuration(cfg, c));
            g.init();
        }
        int perEpoch = data.iterationsPerEpoch(c.batchSize());
        long target = budget.iterations(perEpoch);
        double lossSum = 0;
        int lossCount = 0;
        long t0 = System.nanoTime();
        double lastLr = Double.NaN;
        while (done < target) {
            try (PoseDataSetIterator it = data.trainIterator(c.batchSize(), epoch)) {
                for (int skip = 0; skip < inEpoch && it.hasNext(); skip++) {
                    it.next();
                }
                while (it.hasNext() && done < target) {
                    DataSet ds = it.next();
                    g.getConfiguration().setEpochCount(epoch);
                    lastLr = c.effectiveSchedule().valueAt(g.getIterationCount(), epoch);
                    g.fit(ds);
                    double loss = g.score();
                    done++;
                    inEpoch++;
                    if (!Double.isFinite(loss)) {
                        return CandidateResult.failed("loss is " + loss + " at iteration " + done + " (epoch " + epoch
                                + ", learning rate " + lastLr + ")", done, history);
                    }
                    lossSum += loss;
                    lossCount++;
                }
                boolean epochEnd = !it.hasNext();
                if (epochEnd) {
                    epoch++;
                    inEpoch = 0;
                }
                if (epochEnd || done >= target) {
                    double v = score.score(g, cfg, data);
                    EpochRecord r = new EpochRecord(epoch, done, lossSum / Math.max(1, lossCount), lastLr, v,
                            (System.nanoTime() - t0) / 1e9);
                    history.add(r);
                    progress.onRecord(r);
                    LOG.debug("candidate {}: {}", c.summary(), r);
                    lossSum = 0;
                    lossCount = 0;
                    t0 = System.nanoTime();
                }
            }
        }
        if (history.isEmpty() || history.get(history.size() - 1).iterations() != done) {
            double v = score.score(g, cfg, data);
            history.add(new EpochRecord(epoch, done, Double.NaN, lastLr, v, 0));
        }
        save(g, model);
        writeState(stateFile, done, epoch, inEpoch, history);
        return new CandidateResult(CandidateResult.Status.COMPLETED, history.get(history.size() - 1).validationScore(),
                done, history, null);
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
        ComputationGraphConfiguration conf = new HRNet.Builder().config(cfg).seed(seed).updater(c.updater()).build()
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

    private static void save(ComputationGraph g, Path model) throws IOException {
        Path tmp = model.resolveSibling(model.getFileName() + ".tmp");
        ModelSerializer.writeModel(g, tmp.toFile(), true);
        Files.move(tmp, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeState(Path file, long done, int epoch, int inEpoch, List<EpochRecord> history)
            throws IOException {
        ObjectNode st = JSON.createObjectNode();
        st.put("iterations", done);
        st.put("epoch", epoch);
        st.put("iterationInEpoch", inEpoch);
        ArrayNode h = st.putArray("history");
        for (EpochRecord r : history) {
            h.add(CandidateStore.toJson(r));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), st);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
