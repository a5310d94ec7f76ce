package io.hrnet4j.zoo.inference;

import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.PoseRecordMetaData;
import io.hrnet4j.data.iterator.ProcessedSample;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.CropState;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.data.transform.TopDownWarp;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Top-down inference as the official test ({@code lib/core/function.py validate}): network on each person crop,
 * optional flip test ({@link FlipTest#combine} with the schema's flip pairs and the one-cell heatmap shift), then
 * {@link HeatmapDecoder#getFinalPreds} back to image pixels through each crop's center/scale (quarter-pixel
 * refinement, or DARK as an option). {@link #predictSamples} is the batched inference of every evaluation
 * ({@code hrnet eval}, validation during training, the search's score); {@link #predictBoxes} the one-image path of
 * {@code predict}. Thread-compatible: one predictor per thread, or external locking (the network is not thread-safe).
 *
 * <p>Shapes: input batches {@code [N, 3, H, W]} NCHW, normalised RGB ({@link TopDownSampleProcessor}); heatmaps
 * {@code [N, K, H/4, W/4]}; decoded keypoints {@code [N, K, 2]} image pixels (0-based) and scores
 * {@code [N, K, 1]} (heatmap maxima).
 */
public final class TopDownPredictor {
    private static final Logger LOG = LoggerFactory.getLogger(TopDownPredictor.class);
    private final PoseNetwork network;
    private final KeypointSchema schema;
    private final Options options;

    /**
     * Test-time options.
     *
     * @param flipTest also run the mirrored crop and average ({@code TEST.FLIP_TEST}, true in the official configs)
     * @param shiftHeatmap shift the flipped-back heatmaps right by one cell ({@code TEST.SHIFT_HEATMAP}, true)
     * @param refinement sub-pixel refinement of the argmax (official: {@link HeatmapDecoder.Refinement#QUARTER_OFFSET})
     * @param darkKernel Gaussian kernel of DARK (11 for sigma 2); used only with DARK
     */
    public record Options(boolean flipTest, boolean shiftHeatmap, HeatmapDecoder.Refinement refinement,
                          int darkKernel) {
        /** @throws NullPointerException if the refinement is null */
        public Options {
            Objects.requireNonNull(refinement, "refinement");
        }

        /** @return the official test settings: flip test with shift, quarter-pixel refinement */
        public static Options official() {
            return new Options(true, true, HeatmapDecoder.Refinement.QUARTER_OFFSET,
                    HeatmapDecoder.DEFAULT_DARK_KERNEL);
        }

        /**
         * @param flip flip test on or off (with the heatmap shift)
         * @param dark DARK refinement instead of the quarter-pixel offset
         * @return the options
         */
        public static Options of(boolean flip, boolean dark) {
            return new Options(flip, true, dark ? HeatmapDecoder.Refinement.DARK
                    : HeatmapDecoder.Refinement.QUARTER_OFFSET, HeatmapDecoder.DEFAULT_DARK_KERNEL);
        }
    }

    /**
     * @param network the network (its configuration fixes the input and heatmap sizes)
     * @param schema the joints (flip pairs); must have the network's number of joints
     * @param options test-time options
     * @throws IllegalArgumentException if the joint counts differ
     */
    public TopDownPredictor(PoseNetwork network, KeypointSchema schema, Options options) {
        this.network = Objects.requireNonNull(network, "network");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.options = Objects.requireNonNull(options, "options");
        if (network.config().numJoints() != schema.numJoints()) {
            throw new IllegalArgumentException("the network predicts " + network.config().numJoints()
                    + " joints but the dataset " + schema.name() + " has " + schema.numJoints());
        }
    }

    /** @return the network */
    public PoseNetwork network() {
        return network;
    }

    /** @return the joints */
    public KeypointSchema schema() {
        return schema;
    }

    /** @return the options */
    public Options options() {
        return options;
    }

    /**
     * The evaluation recipe for this network: the schema's defaults at the network's input size, no augmentation.
     *
     * @return the recipe (input {@code W x H} of the network, heatmap a quarter of it, sigma 2)
     */
    public TopDownRecipe recipe() {
        HRNetConfig c = network.config();
        return TopDownRecipe.defaults(schema).withInputSize(c.inputWidth(), c.inputHeight()).withoutAugmentation();
    }

    /**
     * Heatmaps of a batch, with the flip test when enabled.
     *
     * @param input {@code [N, 3, H, W]} normalised crops
     * @return {@code [N, K, H/4, W/4]} float32
     * @throws IllegalArgumentException if the input does not fit the network
     */
    public INDArray heatmaps(INDArray input) {
        INDArray normal = network.output(input);
        if (!options.flipTest()) {
            return normal.castTo(DataType.FLOAT);
        }
        INDArray flipped = network.output(mirror(input));
        return FlipTest.combine(normal, flipped, schema.flipPairs(), options.shiftHeatmap());
    }

    /**
     * Heatmaps and decoded keypoints of a batch.
     *
     * @param input {@code [N, 3, H, W]} normalised crops
     * @param centers {@code [N][2]} crop centers, image pixels
     * @param scales {@code [N][2]} crop scales (box size / 200)
     * @return keypoints {@code [N, K, 2]} image pixels and scores {@code [N, K, 1]}
     * @throws IllegalArgumentException if the shapes disagree
     */
    public HeatmapDecoder.Predictions predict(INDArray input, double[][] centers, double[][] scales) {
        return HeatmapDecoder.getFinalPreds(heatmaps(input), centers, scales, options.refinement(),
                options.darkKernel());
    }

    /**
     * The network input of person boxes of one decoded image: each box's center/scale crop, affine-warped to the
     * input size without rotation or flip ({@link TopDownWarp}, the official {@code get_affine_transform} +
     * {@code cv2.warpAffine}, bilinear, 0 border) and normalised ({@link TopDownWarp#normalize}, RGB, ImageNet
     * mean/std), exactly as {@link TopDownSampleProcessor} does in evaluation mode.
     *
     * @param bgr the image, 8-bit BGR ({@code CV_8UC3}, OpenCV's order), not modified
     * @param boxes crop centers/scales in image pixels
     * @return {@code [N, 3, H, W]} float32 NCHW, N = number of boxes
     * @throws IllegalArgumentException if the image is not 8-bit 3-channel or there is no box
     */
    public INDArray crops(Mat bgr, List<CenterScale> boxes) {
        if (boxes.isEmpty()) {
            throw new IllegalArgumentException("no person box to crop");
        }
        TopDownRecipe recipe = recipe();
        int w = recipe.inputWidth();
        int h = recipe.inputHeight();
        int inLen = 3 * h * w;
        float[] feat = new float[boxes.size() * inLen];
        float[] one = new float[inLen];
        double[][] noJoints = new double[schema.numJoints()][3];
        for (int i = 0; i < boxes.size(); i++) {
            CropState state = new CropState(noJoints, boxes.get(i), 0, false, bgr.cols(), bgr.rows());
            try (Mat crop = TopDownWarp.warp(bgr, state, w, h)) {
                TopDownWarp.normalize(crop, true, one);
            }
            System.arraycopy(one, 0, feat, i * inLen, inLen);
        }
        return Nd4j.create(feat, new long[] {boxes.size(), 3, h, w}, 'c');
    }

    /**
     * @param boxes crop boxes
     * @return {@code [N][2]} centers (image pixels), as {@link #predict} takes them
     */
    public static double[][] centers(List<CenterScale> boxes) {
        return boxes.stream().map(b -> new double[] {b.cx(), b.cy()}).toArray(double[][]::new);
    }

    /**
     * @param boxes crop boxes
     * @return {@code [N][2]} scales (box size / 200), as {@link #predict} takes them
     */
    public static double[][] scales(List<CenterScale> boxes) {
        return boxes.stream().map(b -> new double[] {b.sw(), b.sh()}).toArray(double[][]::new);
    }

    /**
     * Mirrors a batch along its width (the reference's {@code np.flip(input, 3)}).
     *
     * @param input {@code [N, C, H, W]}
     * @return a new float32 C-order array, {@code out[n, c, y, x] = in[n, c, y, W-1-x]}
     * @throws IllegalArgumentException if the input is not rank 4
     */
    public static INDArray mirror(INDArray input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("expected [N, C, H, W], got rank " + input.rank());
        }
        long[] s = input.shape();
        int w = (int) s[3];
        float[] v = input.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[v.length];
        for (int r = 0; r < v.length; r += w) {
            for (int x = 0; x < w; x++) {
                out[r + x] = v[r + w - 1 - x];
            }
        }
        return Nd4j.create(out, s, 'c');
    }

    /**
     * One person found in an image.
     *
     * @param box the crop's center and scale (image pixels, scale = box size / 200)
     * @param boxScore the box's score (detector confidence, 1 for a whole-image box); not rescored
     * @param keypoints flat {@code [x1, y1, s1, ..., xK, yK, sK]}: image pixels (0-based) and heatmap maxima
     */
    public record Person(CenterScale box, double boxScore, double[] keypoints) {
    }

    /**
     * Runs the network on person boxes of one image (the {@code predict} path: no dataset file involved).
     *
     * @param image the image file (JPEG, PNG, ... as OpenCV reads it)
     * @param boxes person boxes as center/scale ({@link CenterScale#fromBox} with this network's aspect ratio)
     * @param boxScores one score per box (detector confidence; 1 for a whole-image box)
     * @param batchSize crops per forward pass, &gt;= 1
     * @return one {@link Person} per box, in box order; keypoints flat {@code [x, y, score] * K} in image pixels
     * @throws IOException if the image is missing or unreadable ({@link io.hrnet4j.data.io.DataFormatException}
     *     naming the file)
     * @throws IllegalArgumentException if the list lengths differ or the batch size is below 1
     */
    public List<Person> predictBoxes(Path image, List<CenterScale> boxes, List<Double> boxScores, int batchSize)
            throws IOException {
        if (boxes.size() != boxScores.size()) {
            throw new IllegalArgumentException(boxes.size() + " boxes but " + boxScores.size() + " scores");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        int k = schema.numJoints();
        List<Person> out = new ArrayList<>(boxes.size());
        // no PointerScope here: ND4J buffers made inside one would be freed with it, cached ones included
        try (Mat bgr = ImageDecoder.decodeBgr(image, "predict")) {
            for (int start = 0; start < boxes.size(); start += batchSize) {
                List<CenterScale> part = boxes.subList(start, Math.min(boxes.size(), start + batchSize));
                HeatmapDecoder.Predictions pr = predict(crops(bgr, part), centers(part), scales(part));
                float[] xy = pr.coords().dup('c').data().asFloat();
                float[] mv = pr.maxvals().dup('c').data().asFloat();
                for (int i = 0; i < part.size(); i++) {
                    out.add(new Person(part.get(i), boxScores.get(start + i), flat(xy, mv, i, k)));
                }
            }
        }
        return out;
    }

    /** Receives progress after each batch of {@link #predictSamples}. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * @param done crops processed so far
         * @param total crops in the run
         * @param cropsPerSecond throughput so far
         */
        void onProgress(int done, int total, double cropsPerSecond);
    }

    /**
     * The batched top-down inference of an evaluation (the official {@code lib/core/function.py validate} loop): the
     * plain center/scale crop of every sample ({@link TopDownSampleProcessor} without augmentation, images decoded
     * and warped on {@code workers} threads by a {@link PoseDataSetIterator}), {@link #predict} on each batch (flip
     * test, heatmap shift, quarter-pixel refinement or DARK as the {@link Options} say), decoded back to image pixels
     * through each crop's center/scale.
     *
     * @param samples the person boxes (ground-truth boxes, detections or annotated MPII boxes)
     * @param recipe the input geometry and normalisation of the crops (augmentation is switched off); its input size
     *     must be the network's
     * @param batchSize crops per forward pass, &gt;= 1
     * @param workers image decoding/warping threads, &gt;= 1
     * @param progress called after each batch, or null
     * @return {@code [samples.size()][3K]}: per sample, in sample order, flat {@code [x1, y1, s1, ..., xK, yK, sK]}
     *     in image pixels (0-based) with the heatmap maxima as scores
     * @throws IllegalArgumentException if the recipe's input size or joint count is not the network's, or a count is
     *     below 1
     * @throws NonFiniteOutputException if a decoded keypoint or score is NaN or infinite (naming the crop, its image
     *     and the joint)
     * @throws java.io.UncheckedIOException if an image cannot be read (the cause names the image and the record)
     */
    public double[][] predictSamples(List<PoseSample> samples, TopDownRecipe recipe, int batchSize, int workers,
                                     ProgressListener progress) {
        HRNetConfig c = network.config();
        if (recipe.inputHeight() != c.inputHeight() || recipe.inputWidth() != c.inputWidth()) {
            throw new IllegalArgumentException("network input " + c.inputHeight() + "x" + c.inputWidth()
                    + " differs from the recipe's " + recipe.inputHeight() + "x" + recipe.inputWidth() + " (HxW)");
        }
        if (recipe.schema().numJoints() != schema.numJoints()) {
            throw new IllegalArgumentException("the recipe is for " + recipe.schema().numJoints()
                    + " joints but the predictor for " + schema.numJoints());
        }
        if (batchSize < 1 || workers < 1) {
            throw new IllegalArgumentException("batch size and workers must be >= 1, got " + batchSize + " and "
                    + workers);
        }
        int total = samples.size();
        int k = schema.numJoints();
        double[][] out = new double[total][];
        long start = System.nanoTime();
        int done = 0;
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(samples,
                        new TopDownSampleProcessor(recipe.withoutAugmentation(), false))
                .batchSize(batchSize).workers(workers).shuffle(false).weightsAsLabelsMask(false).build()) {
            while (it.hasNext()) {
                DataSet ds = it.next();
                List<PoseRecordMetaData> meta = ds.getExampleMetaData(PoseRecordMetaData.class);
                int n = meta.size();
                double[][] centers = new double[n][];
                double[][] scales = new double[n][];
                for (int i = 0; i < n; i++) {
                    PoseRecordMetaData m = meta.get(i);
                    centers[i] = new double[] {m.centerX(), m.centerY()};
                    scales[i] = new double[] {m.scaleW(), m.scaleH()};
                }
                HeatmapDecoder.Predictions p = predict(ds.getFeatures(), centers, scales);
                float[] xy = p.coords().dup('c').data().asFloat();
                float[] mv = p.maxvals().dup('c').data().asFloat();
                for (int i = 0; i < n; i++) {
                    PoseRecordMetaData m = meta.get(i);
                    double[] kp = flat(xy, mv, i, k);
                    requireFinite(kp, m);
                    out[m.index()] = kp;
                }
                done += n;
                double secs = (System.nanoTime() - start) / 1e9;
                double rate = done / Math.max(secs, 1e-9);
                LOG.debug(String.format(java.util.Locale.ROOT, "%d/%d crops (%.0f%%), %.1f crops/s, ETA %.0f s", done,
                        total, 100.0 * done / total, rate, (total - done) / rate));
                if (progress != null) {
                    progress.onProgress(done, total, rate);
                }
            }
        }
        return out;
    }

    private void requireFinite(double[] kp, PoseRecordMetaData m) {
        for (int q = 0; q < kp.length; q++) {
            if (!Double.isFinite(kp[q])) {
                int j = q / 3;
                throw new NonFiniteOutputException("crop #" + m.index() + " (image " + m.imagePath() + ", image id "
                        + m.imageId() + ", annotation id " + m.annotationId() + "), joint " + j + " ("
                        + schema.jointNames().get(j) + "): the network output decodes to a "
                        + (q % 3 == 2 ? "score" : "coordinate") + " of " + kp[q]
                        + " (NaN or infinite heatmap: check the weights and the image)");
            }
        }
    }

    /**
     * Packs decoded keypoints of one crop as the flat COCO layout.
     *
     * @param coords {@code [N * K * 2]} C-order (x, y) pairs
     * @param maxvals {@code [N * K]} scores
     * @param n the crop
     * @param k joints per crop
     * @return {@code [x1, y1, s1, ..., xK, yK, sK]}
     */
    public static double[] flat(float[] coords, float[] maxvals, int n, int k) {
        double[] kp = new double[3 * k];
        for (int j = 0; j < k; j++) {
            kp[3 * j] = coords[(n * k + j) * 2];
            kp[3 * j + 1] = coords[(n * k + j) * 2 + 1];
            kp[3 * j + 2] = maxvals[n * k + j];
        }
        return kp;
    }
}
