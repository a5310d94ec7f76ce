package io.hrnet4j.zoo.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.metrics.MpiiGroundTruth;
import io.hrnet4j.metrics.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full top-down evaluation of the official test ({@code tools/test.py} → {@code lib/core/function.py validate}
 * → {@code COCODataset.evaluate} / {@code MPIIDataset.evaluate}):
 * <ol>
 *   <li>person boxes: COCO ground-truth boxes ({@link CocoKeypoints#groundTruth}) or detector boxes with the image
 *       score threshold ({@link CocoKeypoints#detections}), or the MPII annotated center/scale
 *       ({@link MpiiAnnotations#load});</li>
 *   <li>batched inference on the plain center/scale crops ({@link TopDownPredictor#predictSamples}:
 *       {@link TopDownSampleProcessor} without augmentation, {@link PoseDataSetIterator} prefetching on worker
 *       threads, optional flip test with heatmap shift, decoding back to image pixels with quarter-pixel refinement
 *       or DARK);</li>
 *   <li>scoring ({@link CocoScorer}: rescoring, OKS-NMS and the 10 statistics of pycocotools' COCOeval;
 *       {@link MpiiScorer}: PCKh equal to the official {@code evaluate()}), the same path as validation during
 *       training ({@link io.hrnet4j.zoo.train.TopDownValidator});</li>
 *   <li>optionally the results file ({@link TopDownEvalResult#writeResults}: written to a temporary file, read back,
 *       then renamed; its location is checked before any work).</li>
 * </ol>
 * Progress is reported to an optional {@link TopDownPredictor.ProgressListener} after each batch.
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

    private final TopDownPredictor.Options options;
    private final PoseNetwork network;
    private final int batchSize;
    private final int workers;
    private final double inVisThreshold;
    private final double oksThreshold;
    private final Path resultsFile;
    private final TopDownPredictor.ProgressListener progress;

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
        private TopDownPredictor.ProgressListener progress;

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

        /**
         * @param file where to write the results (COCO results JSON / MPII preds JSON, see
         *     {@link TopDownEvalResult#writeResults}), or null; checked for writability before any work
         * @return this
         */
        public Builder resultsFile(Path file) {
            this.resultsFile = file;
            return this;
        }

        /** @param l progress callback, or null @return this */
        public Builder progress(TopDownPredictor.ProgressListener l) {
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
     * @return the statistics, the per-joint breakdown, the predictions, the results file (when one was set) and the
     *     timings
     * @throws NoSuchFileException if an annotation, boxes or PCKh ground-truth file is missing
     * @throws DataFormatException for a detection of an unknown image, no box to evaluate, or an MPII ground
     *     truth that does not fit the annotations
     * @throws io.hrnet4j.data.io.DataFormatException for a malformed annotation or boxes file (naming file, record,
     *     field)
     * @throws IllegalArgumentException if the network's joint count is not the dataset's
     * @throws io.hrnet4j.zoo.inference.NonFiniteOutputException if the network output decodes to NaN or infinity
     * @throws java.io.UncheckedIOException if an image cannot be read (cause names the image and the record)
     * @throws IOException if a file cannot be read, or the results file cannot be written (checked before the work;
     *     an existing results file is left unchanged on any failure)
     */
    public TopDownEvalResult evaluate(EvalDataset dataset) throws IOException {
        long t0 = System.nanoTime();
        if (resultsFile != null) {
            AtomicFiles.checkWritable(resultsFile);
        }
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
        List<PoseSample> samples = loaded.samples();
        if (samples.isEmpty()) {
            Path src = dataset.boxes() != null ? dataset.boxes() : dataset.annotations();
            throw new DataFormatException(src, "-", "-", "no person box to evaluate (" + loaded.summary() + ")");
        }
        PoseScorer scorer = dataset.kind() == EvalDataset.Kind.COCO
                ? new CocoScorer(cocoGt, schema, inVisThreshold, oksThreshold)
                : new MpiiScorer(mpiiGroundTruth(dataset, samples), schema, dataset.pckhGroundTruth() == null);
        long t1 = System.nanoTime();
        double[][] keypoints = predictor.predictSamples(samples, recipe, batchSize, workers, progress);
        long t2 = System.nanoTime();
        TopDownEvalResult r = scorer.score(samples, keypoints);
        long t3 = System.nanoTime();
        r = r.withTimings(new TopDownEvalResult.Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                (t3 - t0) / 1e9));
        if (resultsFile != null) {
            r = r.writeResults(resultsFile);
            LOG.info("wrote {} {} results to {}", r.numResults(), dataset.kind(), resultsFile);
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
            throw new DataFormatException(dataset.pckhGroundTruth(), "-", "-", "holds " + gt.size()
                    + " persons but " + dataset.annotations() + " has " + samples.size()
                    + " records; the PCKh ground truth must list the same persons in the same order");
        }
        return gt;
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
                throw new DataFormatException(source, "#" + p, "joints_vis[8]/joints_vis[9]",
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

    private static void checkDetectionImages(Path boxes, CocoGroundTruth gt, Path annotations) throws IOException {
        JsonNode root = io.hrnet4j.data.io.JsonFields.readTree(boxes); // malformed JSON: DataFormatException
        if (root == null || !root.isArray()) {
            return; // the loader reports the structural problem with its own message
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode id = root.get(i).get("image_id");
            if (id != null && id.canConvertToLong() && id.isIntegralNumber() && !gt.hasImage(id.asLong())) {
                throw new DataFormatException(boxes, "detection #" + i, "image_id", "image "
                        + id.asLong() + " is not in the annotation file " + annotations);
            }
        }
    }

    private static void requireFile(Path file, String what) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " not found");
        }
    }
}
