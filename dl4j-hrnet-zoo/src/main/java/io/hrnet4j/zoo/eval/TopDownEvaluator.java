package io.hrnet4j.zoo.eval;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.PoseRecordMetaData;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.eval.CocoGroundTruth;
import io.hrnet4j.eval.CocoKeypointEval;
import io.hrnet4j.eval.CocoResults;
import io.hrnet4j.eval.CocoStats;
import io.hrnet4j.eval.KeypointResult;
import io.hrnet4j.eval.MpiiGroundTruth;
import io.hrnet4j.eval.MpiiPckh;
import io.hrnet4j.eval.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full top-down evaluation of the official test ({@code tools/test.py} → {@code lib/core/function.py validate}
 * → {@code COCODataset.evaluate} / {@code MPIIDataset.evaluate}; DESIGN.md sections 3 and 4):
 * <ol>
 *   <li>person boxes: COCO ground-truth boxes ({@link CocoKeypoints#groundTruth}) or detector boxes with the image
 *       score threshold ({@link CocoKeypoints#detections}), or the MPII annotated center/scale
 *       ({@link MpiiAnnotations#load});</li>
 *   <li>batched inference on the plain center/scale crops ({@link TopDownSampleProcessor} without augmentation,
 *       {@link PoseDataSetIterator} prefetching on worker threads), optional flip test with heatmap shift,
 *       decoding back to image pixels ({@link TopDownPredictor}, quarter-pixel refinement or DARK);</li>
 *   <li>COCO: rescoring (box score x mean keypoint score above 0.2) and OKS-NMS at 0.9
 *       ({@link OksNms#rescoreAndSuppress}), the standard results JSON ({@link CocoResults#write}) and the 10
 *       statistics against the annotation file ({@link CocoKeypointEval}, equal to pycocotools);<br>
 *       MPII: PCKh ({@link MpiiPckh}, equal to the official {@code evaluate()}).</li>
 * </ol>
 * Progress is logged at INFO after each batch ({@code count/total}, crops/s, ETA) and reported to an optional
 * {@link ProgressListener}.
 *
 * <p><b>MPII head boxes.</b> PCKh needs each person's head box. The official code takes the head boxes (and the
 * ground-truth joints) from {@code annot/gt_valid.mat}, not from the HRNet-format {@code valid.json}, which has no
 * head boxes; the two list the same 2,958 persons in the same order. Pass that file (or its JSON equivalent) as
 * {@link EvalDataset#pckhGroundTruth()} for official numbers. Without it, the ground truth is built from the
 * annotation JSON (joints + 1, back to MATLAB 1-based) and each head box is <em>approximated</em> by the square of
 * side {@code L = |head_top - upper_neck|} centred between the two joints (joints 9 and 8), so the head size is
 * {@code 0.6 * sqrt(2) * L}; the result is flagged {@link TopDownEvalResult#headBoxesApproximated()} and a warning
 * is logged. A person whose joints 8 and 9 are not both annotated then fails with an
 * {@link DataFormatException}.
 *
 * <p><b>Bad input.</b> Missing files: {@link NoSuchFileException}; a detection whose {@code image_id} is not in the
 * annotation file: {@link DataFormatException} naming the boxes file and the record (the official code would
 * fail in pycocotools' {@code loadRes} on such a result); no box left after the threshold: {@link
 * DataFormatException}; a missing or unreadable image: {@link java.io.UncheckedIOException} whose cause is a
 * {@link io.hrnet4j.data.io.DataFormatException} naming the image file and the record.
 */
public final class TopDownEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(TopDownEvaluator.class);
    private static final double EPS = Math.ulp(1.0);

    private final TopDownPredictor.Options options;
    private final PoseNetwork network;
    private final int batchSize;
    private final int workers;
    private final double inVisThreshold;
    private final double oksThreshold;
    private final Path resultsFile;
    private final ProgressListener progress;

    /** Receives progress after each batch. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * @param done crops processed so far
         * @param total crops in the run
         * @param cropsPerSecond throughput so far
         */
        void onProgress(int done, int total, double cropsPerSecond);
    }

    private TopDownEvaluator(Builder b) {
        this.network = b.network;
        this.options = b.options;
        this.batchSize = b.batchSize;
        this.workers = b.workers;
        this.inVisThreshold = b.inVisThreshold;
        this.oksThreshold = b.oksThreshold;
        this.resultsFile = b.resultsFile;
        this.progress = b.progress;
    }

    /**
     * @param network the network to evaluate (any weights; its configuration fixes the input size)
     * @return a builder with the official test settings (flip test with shift, quarter-pixel refinement, batch 32,
     *     1 data worker, in-vis threshold 0.2, OKS-NMS 0.9, no results file)
     */
    public static Builder builder(PoseNetwork network) {
        return new Builder(network);
    }

    /** Builder of {@link TopDownEvaluator}. */
    public static final class Builder {
        private final PoseNetwork network;
        private TopDownPredictor.Options options = TopDownPredictor.Options.official();
        private int batchSize = 32;
        private int workers = 1;
        private double inVisThreshold = OksNms.DEFAULT_IN_VIS_THRESHOLD;
        private double oksThreshold = OksNms.DEFAULT_OKS_THRESHOLD;
        private Path resultsFile;
        private ProgressListener progress;

        private Builder(PoseNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        /** @param o flip test, heatmap shift, refinement @return this */
        public Builder options(TopDownPredictor.Options o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** @param flip run the flip test ({@code TEST.FLIP_TEST}) @return this */
        public Builder flipTest(boolean flip) {
            this.options = new TopDownPredictor.Options(flip, options.shiftHeatmap(), options.refinement(),
                    options.darkKernel());
            return this;
        }

        /** @param dark DARK refinement instead of the official quarter-pixel offset @return this */
        public Builder dark(boolean dark) {
            this.options = new TopDownPredictor.Options(options.flipTest(), options.shiftHeatmap(),
                    dark ? HeatmapDecoder.Refinement.DARK : HeatmapDecoder.Refinement.QUARTER_OFFSET,
                    options.darkKernel());
            return this;
        }

        /** @param n crops per forward pass, &gt;= 1 @return this */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** @param n image decoding/warping threads, &gt;= 1 @return this */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** @param t keypoint score threshold of the rescoring ({@code TEST.IN_VIS_THRE}, 0.2) @return this */
        public Builder inVisThreshold(double t) {
            this.inVisThreshold = t;
            return this;
        }

        /** @param t OKS-NMS threshold ({@code TEST.OKS_THRE}, 0.9) @return this */
        public Builder oksThreshold(double t) {
            this.oksThreshold = t;
            return this;
        }

        /** @param file where to write the results (COCO results JSON / MPII preds JSON), or null @return this */
        public Builder resultsFile(Path file) {
            this.resultsFile = file;
            return this;
        }

        /** @param l progress callback, or null @return this */
        public Builder progress(ProgressListener l) {
            this.progress = l;
            return this;
        }

        /**
         * @return the evaluator
         * @throws IllegalArgumentException if the batch size or worker count is below 1 or a threshold is not finite
         */
        public TopDownEvaluator build() {
            if (batchSize < 1 || workers < 1) {
                throw new IllegalArgumentException("batch size and workers must be >= 1, got " + batchSize + " and "
                        + workers);
            }
            if (!Double.isFinite(inVisThreshold) || !Double.isFinite(oksThreshold)) {
                throw new IllegalArgumentException("thresholds must be finite");
            }
            return new TopDownEvaluator(this);
        }
    }

    /**
     * Runs the whole evaluation.
     *
     * @param dataset what to evaluate
     * @return the statistics, the per-joint breakdown, the results file and the timings
     * @throws NoSuchFileException if an annotation, boxes or PCKh ground-truth file is missing
     * @throws DataFormatException for a detection of an unknown image, no box to evaluate, or an MPII ground
     *     truth that does not fit the annotations
     * @throws io.hrnet4j.data.io.DataFormatException for a malformed annotation or boxes file (naming file, record,
     *     field)
     * @throws IllegalArgumentException if the network's joint count is not the dataset's
     * @throws java.io.UncheckedIOException if an image cannot be read (cause names the image and the record)
     * @throws IOException if a file cannot be read or the results cannot be written
     */
    public TopDownEvalResult evaluate(EvalDataset dataset) throws IOException {
        long t0 = System.nanoTime();
        KeypointSchema schema = dataset.schema();
        TopDownPredictor predictor = new TopDownPredictor(network, schema, options);
        TopDownRecipe recipe = predictor.recipe();
        requireFile(dataset.annotations(), "annotation file");
        if (!Files.isDirectory(dataset.images())) {
            throw new NoSuchFileException(dataset.images().toString(), null, "image folder not found");
        }
        LoadedSamples loaded;
        CocoGroundTruth cocoGt = null;
        if (dataset.kind() == EvalDataset.Kind.COCO) {
            cocoGt = CocoGroundTruth.read(dataset.annotations());
            if (dataset.boxes() != null) {
                requireFile(dataset.boxes(), "boxes file");
                checkDetectionImages(dataset.boxes(), cocoGt, dataset.annotations());
                loaded = CocoKeypoints.detections(dataset.boxes(), dataset.annotations(), dataset.images(),
                        recipe.aspectRatio(), dataset.imageThreshold());
            } else {
                loaded = CocoKeypoints.groundTruth(dataset.annotations(), dataset.images(), recipe.aspectRatio());
            }
        } else {
            if (dataset.pckhGroundTruth() != null) {
                requireFile(dataset.pckhGroundTruth(), "PCKh ground-truth file");
            }
            loaded = MpiiAnnotations.load(dataset.annotations(), dataset.images());
        }
        MpiiGroundTruth mpiiGt = null;
        boolean approx = false;
        if (dataset.kind() == EvalDataset.Kind.MPII && !loaded.samples().isEmpty()) {
            approx = dataset.pckhGroundTruth() == null;
            mpiiGt = mpiiGroundTruth(dataset, loaded.samples());
        }
        List<PoseSample> samples = loaded.samples();
        if (samples.isEmpty()) {
            String src = (dataset.boxes() != null ? dataset.boxes() : dataset.annotations()).toString();
            throw new DataFormatException(src, "", "", "no person box to evaluate (" + loaded.summary() + ")");
        }
        long t1 = System.nanoTime();
        double[][] keypoints = infer(predictor, recipe, samples);
        long t2 = System.nanoTime();
        TopDownEvalResult.Timings partial;
        TopDownEvalResult r;
        Set<Long> images = new HashSet<>();
        for (PoseSample s : samples) {
            images.add(s.imageId());
        }
        if (dataset.kind() == EvalDataset.Kind.COCO) {
            List<OksNms.PosePrediction> preds = new ArrayList<>(samples.size());
            for (int i = 0; i < samples.size(); i++) {
                PoseSample s = samples.get(i);
                preds.add(new OksNms.PosePrediction(s.imageId(), keypoints[i], s.box().cx(), s.box().cy(),
                        s.box().sw(), s.box().sh(), s.score()));
            }
            List<KeypointResult> results = OksNms.rescoreAndSuppress(preds, CocoKeypointEval.COCO_SIGMAS,
                    inVisThreshold, oksThreshold);
            if (resultsFile != null) {
                createParent(resultsFile);
                CocoResults.write(resultsFile, results);
                LOG.info("wrote {} COCO keypoint results to {}", results.size(), resultsFile);
            }
            CocoKeypointEval eval = new CocoKeypointEval(cocoGt, results, CocoKeypointEval.COCO_SIGMAS,
                    CocoKeypointEval.DEFAULT_MAX_DETS, resultsFile != null ? resultsFile.toString() : "<results>");
            CocoStats stats = eval.evaluate();
            List<TopDownEvalResult.JointAccuracy> perJoint = cocoPerJoint(cocoGt, results, schema);
            long t3 = System.nanoTime();
            r = new TopDownEvalResult(EvalDataset.Kind.COCO, samples.size(), images.size(), results.size(),
                    stats.toMap(), stats, null, perJoint, false, eval.summary(), resultsFile,
                    timings(t0, t1, t2, t3));
        } else {
            MpiiGroundTruth gt = mpiiGt;
            double[][][] preds = new double[samples.size()][schema.numJoints()][];
            for (int i = 0; i < samples.size(); i++) {
                for (int j = 0; j < schema.numJoints(); j++) {
                    preds[i][j] = new double[] {keypoints[i][3 * j], keypoints[i][3 * j + 1], keypoints[i][3 * j + 2]};
                }
            }
            if (resultsFile != null) {
                createParent(resultsFile);
                writeMpiiPreds(resultsFile, preds);
                LOG.info("wrote {} MPII predictions to {}", preds.length, resultsFile);
            }
            MpiiPckh.PckhResult pckh = MpiiPckh.evaluate(gt, preds, resultsFile != null ? resultsFile.toString()
                    : "<predictions>");
            List<TopDownEvalResult.JointAccuracy> perJoint = new ArrayList<>();
            for (int j = 0; j < schema.numJoints(); j++) {
                double acc = pckh.perJoint()[j] / 100.0;
                perJoint.add(new TopDownEvalResult.JointAccuracy(schema.jointNames().get(j), pckh.counts()[j], acc,
                        acc));
            }
            long t3 = System.nanoTime();
            r = new TopDownEvalResult(EvalDataset.Kind.MPII, samples.size(), images.size(), samples.size(),
                    pckh.nameValue(), null, pckh, perJoint, approx, mpiiSummary(pckh, approx), resultsFile,
                    timings(t0, t1, t2, t3));
        }
        LOG.info("evaluated {} crops of {} images in {} s ({} crops/s inference)", r.numSamples(), r.numImages(),
                String.format(Locale.ROOT, "%.1f", r.timings().totalSeconds()),
                String.format(Locale.ROOT, "%.1f", r.cropsPerSecond()));
        return r;
    }

    private static MpiiGroundTruth mpiiGroundTruth(EvalDataset dataset, List<PoseSample> samples) throws IOException {
        if (dataset.pckhGroundTruth() == null) {
            LOG.warn("MPII: {} has no head boxes; PCKh uses head boxes approximated from the head-top and upper-neck "
                    + "joints (not the official numbers: pass gt_valid.mat for those)", dataset.annotations());
            return approximateGroundTruth(samples, dataset.annotations());
        }
        MpiiGroundTruth gt = MpiiGroundTruth.read(dataset.pckhGroundTruth());
        if (gt.size() != samples.size()) {
            throw new DataFormatException(dataset.pckhGroundTruth().toString(), "", "", "holds " + gt.size()
                    + " persons but " + dataset.annotations() + " has " + samples.size()
                    + " records; the PCKh ground truth must list the same persons in the same order");
        }
        return gt;
    }

    private double[][] infer(TopDownPredictor predictor, TopDownRecipe recipe, List<PoseSample> samples) {
        int total = samples.size();
        int k = recipe.schema().numJoints();
        double[][] out = new double[total][];
        long start = System.nanoTime();
        int done = 0;
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(samples, new TopDownSampleProcessor(recipe, false))
                .batchSize(batchSize).workers(workers).shuffle(false).weightsAsLabelsMask(false).build()) {
            while (it.hasNext()) {
                DataSet ds = it.next();
                List<?> meta = ds.getExampleMetaData();
                int n = meta.size();
                double[][] centers = new double[n][];
                double[][] scales = new double[n][];
                int[] index = new int[n];
                for (int i = 0; i < n; i++) {
                    PoseRecordMetaData m = (PoseRecordMetaData) meta.get(i);
                    centers[i] = new double[] {m.centerX(), m.centerY()};
                    scales[i] = new double[] {m.scaleW(), m.scaleH()};
                    index[i] = m.index();
                }
                HeatmapDecoder.Predictions p = predictor.predict(ds.getFeatures(), centers, scales);
                float[] xy = p.coords().dup('c').data().asFloat();
                float[] mv = p.maxvals().dup('c').data().asFloat();
                for (int i = 0; i < n; i++) {
                    out[index[i]] = TopDownPredictor.flat(xy, mv, i, k);
                }
                done += n;
                double secs = (System.nanoTime() - start) / 1e9;
                double rate = done / Math.max(secs, 1e-9);
                LOG.info(String.format(Locale.ROOT, "eval %d/%d crops (%.0f%%), %.1f crops/s, ETA %.0f s", done, total,
                        100.0 * done / total, rate, (total - done) / rate));
                if (progress != null) {
                    progress.onProgress(done, total, rate);
                }
            }
        }
        return out;
    }

    /**
     * Greedy per-joint breakdown, see {@link TopDownEvalResult.JointAccuracy}.
     *
     * @param gt the ground truth
     * @param results the results (after OKS-NMS)
     * @param schema the joints (names)
     * @return one entry per joint
     */
    static List<TopDownEvalResult.JointAccuracy> cocoPerJoint(CocoGroundTruth gt, List<KeypointResult> results,
                                                              KeypointSchema schema) {
        int k = schema.numJoints();
        double[] sigmas = CocoKeypointEval.COCO_SIGMAS;
        double[] sum = new double[k];
        int[] hits = new int[k];
        int[] labelled = new int[k];
        Map<Long, List<CocoGroundTruth.Annotation>> gtByImage = new LinkedHashMap<>();
        for (CocoGroundTruth.Annotation a : gt.annotations()) {
            if (a.categoryId() == 1 && !a.ignored()) {
                gtByImage.computeIfAbsent(a.imageId(), x -> new ArrayList<>()).add(a);
                for (int j = 0; j < k; j++) {
                    if (a.keypoints()[3 * j + 2] > 0) {
                        labelled[j]++;
                    }
                }
            }
        }
        Map<Long, List<KeypointResult>> dtByImage = new LinkedHashMap<>();
        for (KeypointResult r : results) {
            if (r.categoryId() == 1) {
                dtByImage.computeIfAbsent(r.imageId(), x -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<Long, List<CocoGroundTruth.Annotation>> e : gtByImage.entrySet()) {
            List<CocoGroundTruth.Annotation> gts = e.getValue();
            List<KeypointResult> dts = new ArrayList<>(dtByImage.getOrDefault(e.getKey(), List.of()));
            dts.sort(Comparator.comparingDouble(KeypointResult::score).reversed()); // stable
            boolean[] taken = new boolean[gts.size()];
            for (KeypointResult d : dts) {
                int best = -1;
                double bestOks = 0;
                for (int g = 0; g < gts.size(); g++) {
                    if (taken[g]) {
                        continue;
                    }
                    double oks = 0;
                    int n = 0;
                    for (int j = 0; j < k; j++) {
                        if (gts.get(g).keypoints()[3 * j + 2] > 0) {
                            oks += term(gts.get(g), d, j, sigmas);
                            n++;
                        }
                    }
                    oks /= n;
                    if (oks > bestOks) {
                        bestOks = oks;
                        best = g;
                    }
                }
                if (best >= 0) {
                    taken[best] = true;
                    CocoGroundTruth.Annotation a = gts.get(best);
                    for (int j = 0; j < k; j++) {
                        if (a.keypoints()[3 * j + 2] > 0) {
                            double t = term(a, d, j, sigmas);
                            sum[j] += t;
                            if (t >= 0.5) {
                                hits[j]++;
                            }
                        }
                    }
                }
            }
        }
        List<TopDownEvalResult.JointAccuracy> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            out.add(new TopDownEvalResult.JointAccuracy(schema.jointNames().get(j), labelled[j],
                    labelled[j] == 0 ? Double.NaN : sum[j] / labelled[j],
                    labelled[j] == 0 ? Double.NaN : (double) hits[j] / labelled[j]));
        }
        return out;
    }

    private static double term(CocoGroundTruth.Annotation a, KeypointResult d, int j, double[] sigmas) {
        double var = (2 * sigmas[j]) * (2 * sigmas[j]);
        double dx = d.keypoints()[3 * j] - a.keypoints()[3 * j];
        double dy = d.keypoints()[3 * j + 1] - a.keypoints()[3 * j + 1];
        return Math.exp(-((dx * dx + dy * dy) / var / (a.area() + EPS) / 2));
    }

    /**
     * The MPII ground truth from the annotation JSON, with approximated head boxes (see the class comment).
     *
     * @param samples the MPII samples (0-based joints)
     * @param source the annotation file, for messages
     * @return 1-based joints, visibility and approximated head boxes
     * @throws DataFormatException if a person lacks an annotated head top or upper neck
     */
    static MpiiGroundTruth approximateGroundTruth(List<PoseSample> samples, Path source) throws DataFormatException {
        int n = samples.size();
        int k = MpiiGroundTruth.NUM_JOINTS;
        double[][][] joints = new double[n][k][2];
        boolean[][] vis = new boolean[n][k];
        double[][][] heads = new double[n][2][2];
        for (int p = 0; p < n; p++) {
            double[][] js = samples.get(p).joints();
            for (int j = 0; j < k; j++) {
                joints[p][j][0] = js[j][0] + 1;
                joints[p][j][1] = js[j][1] + 1;
                vis[p][j] = js[j][2] > 0;
            }
            if (!vis[p][8] || !vis[p][9]) {
                throw new DataFormatException(source.toString(), "#" + p, "joints_vis[8]/joints_vis[9]",
                        "upper neck and head top must be annotated to approximate the head box; pass the official "
                                + "gt_valid.mat for PCKh");
            }
            double mx = (joints[p][8][0] + joints[p][9][0]) / 2;
            double my = (joints[p][8][1] + joints[p][9][1]) / 2;
            double half = Math.hypot(joints[p][9][0] - joints[p][8][0], joints[p][9][1] - joints[p][8][1]) / 2;
            heads[p][0][0] = mx - half;
            heads[p][0][1] = my - half;
            heads[p][1][0] = mx + half;
            heads[p][1][1] = my + half;
        }
        return new MpiiGroundTruth(MpiiGroundTruth.DEFAULT_JOINT_NAMES, joints, vis, heads);
    }

    private static String mpiiSummary(MpiiPckh.PckhResult pckh, boolean approx) {
        StringBuilder sb = new StringBuilder();
        Map<String, Double> nv = pckh.nameValue();
        sb.append(String.join(" | ", nv.keySet())).append('\n');
        List<String> v = new ArrayList<>();
        for (double d : nv.values()) {
            v.add(String.format(Locale.ROOT, "%.3f", d));
        }
        sb.append(String.join(" | ", v)).append('\n');
        if (approx) {
            sb.append("(head boxes approximated from the head-top/upper-neck joints: not the official PCKh)\n");
        }
        return sb.toString();
    }

    private static void checkDetectionImages(Path boxes, CocoGroundTruth gt, Path annotations) throws IOException {
        JsonNode root = io.hrnet4j.data.io.JsonFields.readTree(boxes); // malformed JSON: DataFormatException
        if (root == null || !root.isArray()) {
            return; // the loader reports the structural problem with its own message
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode id = root.get(i).get("image_id");
            if (id != null && id.canConvertToLong() && id.isIntegralNumber() && !gt.hasImage(id.asLong())) {
                throw new DataFormatException(boxes.toString(), "detection #" + i, "image_id", "image "
                        + id.asLong() + " is not in the annotation file " + annotations);
            }
        }
    }

    private static void writeMpiiPreds(Path file, double[][][] preds) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName("preds");
            g.writeStartArray();
            for (double[][] p : preds) {
                g.writeStartArray();
                for (double[] j : p) {
                    g.writeArray(j, 0, j.length);
                }
                g.writeEndArray();
                g.writeRaw('\n');
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static TopDownEvalResult.Timings timings(long t0, long t1, long t2, long t3) {
        return new TopDownEvalResult.Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void requireFile(Path file, String what) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " not found");
        }
    }
}
