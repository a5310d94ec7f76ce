package io.hrnet4j.search;

import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.PoseRecordMetaData;
import io.hrnet4j.eval.CocoKeypointEval;
import io.hrnet4j.eval.CocoStats;
import io.hrnet4j.eval.KeypointResult;
import io.hrnet4j.eval.MpiiPckh;
import io.hrnet4j.eval.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A validation score of a trained pose network, and Arbiter's {@link ScoreFunction} for it (the model is the
 * {@link ComputationGraph}, the data provider a {@link PoseSearchData}). Three kinds:
 * <ul>
 *   <li>{@link Kind#OKS_AP}: COCO keypoint AP @ OKS .50:.95 in [0, 1] (maximised): validation crops from the
 *       ground-truth boxes, heatmaps decoded with the official {@code get_final_preds} ({@link HeatmapDecoder},
 *       quarter offset), rescored and OKS-NMS'ed ({@link OksNms#rescoreAndSuppress}, thresholds 0.2 / 0.9) and
 *       evaluated as pycocotools ({@link CocoKeypointEval}); no flip test.</li>
 *   <li>{@link Kind#PCKH}: MPII PCKh@0.5 {@code Mean} in percent (maximised), official {@code MPIIDataset.evaluate}
 *       ({@link MpiiPckh}).</li>
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
        OKS_AP("oks-ap"),
        /** MPII PCKh@0.5 mean (maximise). */
        PCKH("pckh"),
        /** Validation JointsMSELoss (minimise). */
        VALIDATION_LOSS("val-loss");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** @return the name used on the command line and in files */
        public String id() {
            return id;
        }

        /**
         * @param s {@code oks-ap}, {@code pckh} or {@code val-loss}
         * @return the kind
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.id.equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown score '" + s + "': expected oks-ap, pckh or val-loss");
        }
    }

    private final Kind kind;

    /** @param kind the metric */
    public PoseScore(Kind kind) {
        this.kind = kind;
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
            case PCKH -> pckh(PoseNetwork.of(graph, cfg), data);
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

    private static double oksAp(PoseNetwork net, PoseSearchData data) {
        if (data.cocoGt() == null) {
            throw new IllegalStateException("the OKS AP score needs COCO-format validation annotations");
        }
        List<OksNms.PosePrediction> preds = new ArrayList<>();
        forEachPrediction(net, data, (meta, kp) -> preds.add(new OksNms.PosePrediction(meta.imageId(), kp,
                meta.centerX(), meta.centerY(), meta.scaleW(), meta.scaleH(), meta.score())));
        double[] sigmas = CocoKeypointEval.COCO_SIGMAS;
        List<KeypointResult> results = OksNms.rescoreAndSuppress(preds, sigmas, OksNms.DEFAULT_IN_VIS_THRESHOLD,
                OksNms.DEFAULT_OKS_THRESHOLD);
        CocoStats stats = new CocoKeypointEval(data.cocoGt(), results, sigmas, CocoKeypointEval.DEFAULT_MAX_DETS,
                "validation predictions").evaluate();
        if (stats.ap() < 0) {
            throw new IllegalStateException("OKS AP is undefined: the validation annotations hold no non-ignored "
                    + "person (pycocotools reports -1)");
        }
        return stats.ap();
    }

    private static double pckh(PoseNetwork net, PoseSearchData data) {
        if (data.mpiiGt() == null) {
            throw new IllegalStateException("the PCKh score needs the MPII ground truth (gt_valid.mat or its JSON) "
                    + "with head boxes");
        }
        double[][][] preds = new double[data.val().size()][][];
        forEachPrediction(net, data, (meta, kp) -> {
            double[][] p = new double[kp.length / 3][];
            for (int j = 0; j < p.length; j++) {
                p[j] = new double[] {kp[3 * j], kp[3 * j + 1], kp[3 * j + 2]};
            }
            preds[meta.index()] = p;
        });
        return MpiiPckh.evaluate(data.mpiiGt(), preds, "validation predictions").mean();
    }

    private interface PredictionSink {
        void accept(PoseRecordMetaData meta, double[] keypoints);
    }

    /** Runs the network over the validation set and decodes each crop to flat [x, y, score] * K image pixels. */
    private static void forEachPrediction(PoseNetwork net, PoseSearchData data, PredictionSink sink) {
        try (PoseDataSetIterator it = data.valIterator(EVAL_BATCH)) {
            while (it.hasNext()) {
                DataSet ds = it.next();
                List<PoseRecordMetaData> metas = ds.getExampleMetaData(PoseRecordMetaData.class);
                INDArray heatmaps = net.output(ds.getFeatures());
                int n = metas.size();
                double[][] centers = new double[n][];
                double[][] scales = new double[n][];
                for (int i = 0; i < n; i++) {
                    centers[i] = new double[] {metas.get(i).centerX(), metas.get(i).centerY()};
                    scales[i] = new double[] {metas.get(i).scaleW(), metas.get(i).scaleH()};
                }
                HeatmapDecoder.Predictions p = HeatmapDecoder.getFinalPreds(heatmaps, centers, scales);
                long k = p.coords().size(1);
                for (int i = 0; i < n; i++) {
                    double[] kp = new double[(int) (3 * k)];
                    for (int j = 0; j < k; j++) {
                        kp[3 * j] = p.coords().getDouble(i, j, 0);
                        kp[3 * j + 1] = p.coords().getDouble(i, j, 1);
                        kp[3 * j + 2] = p.maxvals().getDouble(i, j, 0);
                    }
                    sink.accept(metas.get(i), kp);
                }
            }
        }
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
        return "PoseScore(" + kind.id() + ")";
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
