package io.hrnet4j.search;

import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.metrics.CocoStats;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.eval.CocoScorer;
import io.hrnet4j.zoo.eval.MpiiScorer;
import io.hrnet4j.zoo.eval.PoseScorer;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A validation score of a trained pose network, and Arbiter's {@link ScoreFunction} for it (the model is the
 * {@link ComputationGraph}, the data provider a {@link PoseSearchData}). AP and PCKh run the evaluation path of
 * {@code hrnet eval} and of validation during training: {@link TopDownPredictor#predictSamples} on the validation
 * boxes, then {@link CocoScorer} / {@link MpiiScorer}. Three kinds:
 * <ul>
 *   <li>{@link Kind#OKS_AP}: COCO keypoint AP @ OKS .50:.95 in [0, 1] (maximised): validation crops from the
 *       ground-truth boxes, heatmaps decoded as the official {@code get_final_preds} (quarter offset, or DARK),
 *       rescored and OKS-NMS'ed (thresholds 0.2 / 0.9) and evaluated as pycocotools; flip test as chosen (off by
 *       default: a search compares candidates, the flip test doubles the scoring time).</li>
 *   <li>{@link Kind#PCKH}: MPII PCKh@0.5 {@code Mean} in percent (maximised), official {@code MPIIDataset.evaluate}.</li>
 *   <li>{@link Kind#VALIDATION_LOSS}: mean JointsMSELoss over the validation samples (minimised), BN in inference
 *       mode, target weights applied.</li>
 * </ul>
 */
public final class PoseScore implements ScoreFunction, Serializable {
    private static final long serialVersionUID = 1L;
    private static final int EVAL_BATCH = 16;

    /** The metric. */
    public enum Kind {
        /** COCO OKS AP (maximise). */
        OKS_AP,
        /** MPII PCKh@0.5 mean (maximise). */
        PCKH,
        /** Validation JointsMSELoss (minimise). */
        VALIDATION_LOSS;

        /** @return the name used on the command line and in files: {@code oks-ap}, {@code pckh}, {@code val-loss} */
        public String id() {
            return switch (this) {
                case OKS_AP -> "oks-ap";
                case PCKH -> "pckh";
                case VALIDATION_LOSS -> "val-loss";
            };
        }

        /**
         * @param s {@code oks-ap}, {@code pckh} or {@code val-loss}
         * @return the kind
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.id().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown score '" + s + "': expected oks-ap, pckh or val-loss");
        }
    }

    private final Kind kind;
    private final boolean flipTest;
    private final HeatmapDecoder.Refinement refinement;

    /** @param kind the metric, scored without the flip test and with the official quarter-pixel offset */
    public PoseScore(Kind kind) {
        this(kind, false, HeatmapDecoder.Refinement.QUARTER_OFFSET);
    }

    /**
     * @param kind the metric
     * @param flipTest AP/PCKh: also run the mirrored crops and average (with the heatmap shift, {@code TEST.FLIP_TEST})
     * @param refinement AP/PCKh: sub-pixel refinement of the decoding (official quarter-pixel offset, or DARK)
     */
    public PoseScore(Kind kind, boolean flipTest, HeatmapDecoder.Refinement refinement) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.flipTest = flipTest;
        this.refinement = Objects.requireNonNull(refinement, "refinement");
    }

    /** @return the metric */
    public Kind kind() {
        return kind;
    }

    /**
     * @param data the search data
     * @return the dataset's default: OKS AP for COCO-format data, PCKh for MPII with a ground truth, else the
     *     validation loss
     */
    public static PoseScore defaultFor(PoseSearchData data) {
        if (data.cocoGt() != null) {
            return new PoseScore(Kind.OKS_AP);
        }
        return new PoseScore(data.mpiiGt() != null ? Kind.PCKH : Kind.VALIDATION_LOSS);
    }

    /**
     * @param flipTest AP/PCKh: run the flip test
     * @param r AP/PCKh: sub-pixel refinement of the decoding
     * @return a score of the same kind evaluated with these settings
     */
    public PoseScore withEvaluation(boolean flipTest, HeatmapDecoder.Refinement r) {
        return new PoseScore(kind, flipTest, r);
    }

    /** @return whether AP/PCKh run the flip test */
    public boolean flipTest() {
        return flipTest;
    }

    /** @return the sub-pixel refinement of AP/PCKh */
    public HeatmapDecoder.Refinement refinement() {
        return refinement;
    }

    /**
     * Scores a graph on the validation samples.
     *
     * @param graph the trained graph (output {@code [N, K, H/4, W/4]})
     * @param cfg its architecture
     * @param data the data
     * @return the score ({@link #minimize()} tells the direction)
     * @throws IllegalStateException if the data lack the ground truth this metric needs, or the metric is undefined
     *     (no non-ignored ground-truth person)
     */
    public double score(ComputationGraph graph, HRNetConfig cfg, PoseSearchData data) {
        return switch (kind) {
            case VALIDATION_LOSS -> validationLoss(graph, data);
            case OKS_AP -> oksAp(PoseNetwork.of(graph, cfg), data);
            case PCKH -> evaluate(PoseNetwork.of(graph, cfg), data).pckh().mean();
        };
    }

    private static double validationLoss(ComputationGraph graph, PoseSearchData data) {
        double sum = 0;
        long n = 0;
        try (PoseDataSetIterator it = data.valIterator(EVAL_BATCH)) {
            while (it.hasNext()) {
                DataSet ds = it.next();
                int b = ds.numExamples();
                sum += graph.score(ds, false) * b;
                n += b;
            }
        }
        return sum / n;
    }

    private double oksAp(PoseNetwork net, PoseSearchData data) {
        CocoStats stats = evaluate(net, data).cocoStats();
        if (stats.ap() < 0) {
            throw new IllegalStateException("OKS AP is undefined: the validation annotations hold no non-ignored "
                    + "person (pycocotools reports -1)");
        }
        return stats.ap();
    }

    /**
     * The evaluation behind {@link Kind#OKS_AP} and {@link Kind#PCKH}: batched top-down inference over the validation
     * boxes ({@link TopDownPredictor#predictSamples}, this score's flip test and refinement), then the dataset's
     * scorer, as {@code hrnet eval} and validation during training run it.
     *
     * @param net the network (input size of the data's recipe)
     * @param data the search data
     * @return the full result (statistics, per-joint breakdown, predictions)
     * @throws IllegalStateException for the validation loss, or if the data lack the ground truth this metric needs
     */
    public TopDownEvalResult evaluate(PoseNetwork net, PoseSearchData data) {
        PoseScorer scorer = switch (kind) {
            case OKS_AP -> {
                if (data.cocoGt() == null) {
                    throw new IllegalStateException("the OKS AP score needs COCO-format validation annotations");
                }
                yield new CocoScorer(data.cocoGt(), data.schema(), io.hrnet4j.metrics.OksNms.DEFAULT_IN_VIS_THRESHOLD,
                        io.hrnet4j.metrics.OksNms.DEFAULT_OKS_THRESHOLD);
            }
            case PCKH -> {
                if (data.mpiiGt() == null) {
                    throw new IllegalStateException("the PCKh score needs the MPII ground truth (gt_valid.mat or its "
                            + "JSON) with head boxes");
                }
                yield new MpiiScorer(data.mpiiGt(), data.schema(), false);
            }
            case VALIDATION_LOSS -> throw new IllegalStateException("the validation loss is not a top-down evaluation");
        };
        TopDownPredictor predictor = new TopDownPredictor(net, data.schema(), new TopDownPredictor.Options(flipTest,
                true, refinement, HeatmapDecoder.DEFAULT_DARK_KERNEL));
        double[][] keypoints = predictor.predictSamples(data.val(), data.recipe(), EVAL_BATCH, 1, null);
        return scorer.score(data.val(), keypoints);
    }

    /**
     * Arbiter entry point.
     *
     * @param model a {@link ComputationGraph} built from an {@link HRNetConfig}
     * @param dataProvider a {@link PoseSearchData}
     * @param dataParameters must hold {@code "config"}: the {@link HRNetConfig}
     * @return the score
     * @throws IllegalArgumentException for another model, provider or a missing configuration
     */
    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        if (!(model instanceof ComputationGraph g) || !(dataProvider instanceof PoseSearchData d)
                || dataParameters == null || !(dataParameters.get("config") instanceof HRNetConfig cfg)) {
            throw new IllegalArgumentException("PoseScore scores a ComputationGraph on PoseSearchData with the "
                    + "HRNetConfig under data parameter 'config'");
        }
        return score(g, cfg, d);
    }

    /** Not supported: pose searches use a {@link PoseSearchData} provider. */
    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        throw new UnsupportedOperationException("PoseScore needs a PoseSearchData data provider, not a DataSource");
    }

    /** @return true for the validation loss, false for AP and PCKh */
    @Override
    public boolean minimize() {
        return kind == Kind.VALIDATION_LOSS;
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(ComputationGraph.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of(PoseDataSetIterator.class);
    }

    @Override
    public String toString() {
        return "PoseScore(" + kind.id() + (kind == Kind.VALIDATION_LOSS ? "" : (flipTest ? ", flip test" : "")
                + (refinement == HeatmapDecoder.Refinement.DARK ? ", DARK" : "")) + ")";
    }

    /**
     * @param score a value of this metric
     * @return it formatted for tables ({@code %.4f}; loss {@code %.6f})
     */
    public String format(double score) {
        return Double.isNaN(score) ? "-" : String.format(Locale.ROOT, kind == Kind.VALIDATION_LOSS ? "%.6f" : "%.4f",
                score);
    }
}
