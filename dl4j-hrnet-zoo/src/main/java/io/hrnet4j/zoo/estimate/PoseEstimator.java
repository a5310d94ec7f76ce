package io.hrnet4j.zoo.estimate;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.metrics.CocoKeypointEval;
import io.hrnet4j.metrics.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Multi-person pose estimation on whole photos, top-down as the official HRNet test: person boxes from a
 * {@link PersonDetector}, each box to the network's center/scale crop ({@link PersonBox#centerScale}: the official
 * {@code _xywh2cs}, aspect fix and x1.25), the network with optional flip test and DARK decoding
 * ({@link TopDownPredictor}: {@code lib/core/function.py validate}, {@code lib/core/inference.py get_final_preds}),
 * then the reference post-processing ({@link OksNms}: rescoring by the mean keypoint score above the keypoint
 * threshold, {@code lib/dataset/coco.py evaluate}; OKS-NMS, {@code lib/nms/nms.py oks_nms}).
 *
 * <p>Inputs: an image file, a {@link BufferedImage}, or an OpenCV {@link Mat} (8-bit BGR). Output: the people of the
 * image, each with its detector box, keypoints {@code [x, y, score] * K} in image pixels (0-based) and the person
 * score, best first. Not thread-safe (the network and the detector are not): one estimator per thread.
 *
 * <p>Example: {@code new PoseEstimator(net, KeypointSchema.COCO, new WholeImageDetector(),
 * PoseEstimator.Options.defaults()).estimate(Path.of("photo.jpg"))}.
 */
public final class PoseEstimator {
    private final TopDownPredictor predictor;
    private final PersonDetector detector;
    private final Options options;

    /**
     * Estimation settings.
     *
     * @param flipTest also run the mirrored crops and average the heatmaps (official {@code TEST.FLIP_TEST})
     * @param dark DARK sub-pixel decoding instead of the quarter-pixel offset
     * @param oksNms suppress duplicate people by OKS-NMS (COCO's 17 joints only: it needs their OKS sigmas)
     * @param oksThreshold a person whose OKS with a better one is {@code >} this is dropped (official
     *                     {@code TEST.OKS_THRE} 0.9)
     * @param keypointThreshold keypoint scores {@code >} this count in the person score (official
     *                          {@code TEST.IN_VIS_THRE} 0.2)
     * @param batchSize crops per forward pass, &gt;= 1
     * @param keepHeatmaps keep each person's heatmaps ({@link Person#heatmaps()}) for overlays
     */
    public record Options(boolean flipTest, boolean dark, boolean oksNms, double oksThreshold,
                          double keypointThreshold, int batchSize, boolean keepHeatmaps) {
        /** @throws IllegalArgumentException if a threshold is NaN or the batch size is below 1 */
        public Options {
            if (Double.isNaN(oksThreshold) || Double.isNaN(keypointThreshold) || batchSize < 1) {
                throw new IllegalArgumentException("thresholds must be numbers and the batch size >= 1, got OKS "
                        + oksThreshold + ", keypoint " + keypointThreshold + ", batch " + batchSize);
            }
        }

        /** @return the official test settings: flip test, quarter offset, OKS-NMS 0.9, keypoint threshold 0.2, batch 16 */
        public static Options defaults() {
            return new Options(true, false, true, OksNms.DEFAULT_OKS_THRESHOLD, OksNms.DEFAULT_IN_VIS_THRESHOLD, 16,
                    false);
        }

        /**
         * @param on flip test
         * @return a copy
         */
        public Options withFlipTest(boolean on) {
            return new Options(on, dark, oksNms, oksThreshold, keypointThreshold, batchSize, keepHeatmaps);
        }

        /**
         * @param on DARK decoding
         * @return a copy
         */
        public Options withDark(boolean on) {
            return new Options(flipTest, on, oksNms, oksThreshold, keypointThreshold, batchSize, keepHeatmaps);
        }

        /**
         * @param on OKS-NMS on or off
         * @param threshold its OKS threshold
         * @return a copy
         */
        public Options withOksNms(boolean on, double threshold) {
            return new Options(flipTest, dark, on, threshold, keypointThreshold, batchSize, keepHeatmaps);
        }

        /**
         * @param t keypoint score threshold of the rescoring
         * @return a copy
         */
        public Options withKeypointThreshold(double t) {
            return new Options(flipTest, dark, oksNms, oksThreshold, t, batchSize, keepHeatmaps);
        }

        /**
         * @param n crops per forward pass
         * @return a copy
         */
        public Options withBatchSize(int n) {
            return new Options(flipTest, dark, oksNms, oksThreshold, keypointThreshold, n, keepHeatmaps);
        }

        /**
         * @param on keep heatmaps
         * @return a copy
         */
        public Options withHeatmaps(boolean on) {
            return new Options(flipTest, dark, oksNms, oksThreshold, keypointThreshold, batchSize, on);
        }
    }

    /**
     * One person of an image.
     *
     * @param box the detector's box (image pixels) and score
     * @param crop the crop's center/scale the network saw (image pixels, scale = size / 200)
     * @param keypoints flat {@code [x1, y1, s1, ..., xK, yK, sK]}: image pixels (0-based) and heatmap maxima
     * @param score the person score: box score x mean keypoint score above the keypoint threshold
     * @param heatmaps {@code [K, H/4, W/4]} heatmaps of the crop (after the flip test), or null unless kept
     */
    public record Person(PersonBox box, CenterScale crop, double[] keypoints, double score, INDArray heatmaps) {
    }

    /**
     * The people of one image.
     *
     * @param imageWidth W, pixels
     * @param imageHeight H, pixels
     * @param detections the number of person boxes the detector returned
     * @param people the people kept after OKS-NMS, best score first
     */
    public record Result(int imageWidth, int imageHeight, int detections, List<Person> people) {
    }

    /**
     * @param network the pose network
     * @param schema its joints (flip pairs)
     * @param detector where the people are
     * @param options estimation settings
     * @throws IllegalArgumentException if the joint counts differ, or OKS-NMS is asked for a schema other than COCO's
     *                                  17 joints
     */
    public PoseEstimator(PoseNetwork network, KeypointSchema schema, PersonDetector detector, Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.predictor = new TopDownPredictor(network, schema,
                TopDownPredictor.Options.of(options.flipTest(), options.dark()));
        if (options.oksNms() && schema.numJoints() != CocoKeypointEval.COCO_SIGMAS.length) {
            throw new IllegalArgumentException("OKS-NMS needs per-joint OKS sigmas, defined for COCO's 17 joints only; "
                    + schema.name() + " has " + schema.numJoints() + ": turn OKS-NMS off");
        }
    }

    /** @return the top-down predictor (network, joints, flip/DARK options) */
    public TopDownPredictor predictor() {
        return predictor;
    }

    /** @return the person detector */
    public PersonDetector detector() {
        return detector;
    }

    /** @return the options */
    public Options options() {
        return options;
    }

    /**
     * @param image an image file (JPEG, PNG, ... as OpenCV reads it); its COCO image id for a detections file is the
     *              number in its name ({@link CocoDetectionsFile#imageIdFromName})
     * @return the people
     * @throws IOException if the image is missing, truncated or unreadable ({@link io.hrnet4j.data.io.DataFormatException}
     *                     naming it), or the detector fails
     */
    public Result estimate(Path image) throws IOException {
        // the Mat is closed explicitly: a PointerScope would also free the ND4J buffers made inside it
        try (Mat bgr = ImageDecoder.decodeBgr(image, "estimate")) {
            return estimate(bgr, CocoDetectionsFile.imageIdFromName(image.getFileName().toString()));
        }
    }

    /**
     * @param image any Java image (converted to 8-bit BGR through its RGB values)
     * @return the people
     * @throws IOException if the detector fails
     */
    public Result estimate(BufferedImage image) throws IOException {
        try (Mat bgr = toBgr(image)) {
            return estimate(bgr, OptionalLong.empty());
        }
    }

    /**
     * @param bgr 8-bit BGR image ({@code CV_8UC3}), not modified
     * @param imageId the image id for detectors that need one ({@link CocoDetectionsFile}), else empty
     * @return the people
     * @throws IOException if the detector fails
     * @throws IllegalArgumentException if the image is not 8-bit 3-channel
     */
    public Result estimate(Mat bgr, OptionalLong imageId) throws IOException {
        PersonDetector.checkImage(bgr);
        List<PersonBox> boxes = detector.detect(bgr, imageId);
        double aspect = predictor.recipe().aspectRatio();
        int k = predictor.schema().numJoints();
        List<Person> people = new ArrayList<>(boxes.size());
        for (int start = 0; start < boxes.size(); start += options.batchSize()) {
            List<PersonBox> part = boxes.subList(start, Math.min(boxes.size(), start + options.batchSize()));
            List<CenterScale> crops = part.stream().map(b -> b.centerScale(aspect)).toList();
            INDArray hm = predictor.heatmaps(predictor.crops(bgr, crops));
            HeatmapDecoder.Predictions pr = HeatmapDecoder.getFinalPreds(hm, TopDownPredictor.centers(crops),
                    TopDownPredictor.scales(crops), predictor.options().refinement(), predictor.options().darkKernel());
            float[] xy = pr.coords().dup('c').data().asFloat();
            float[] mv = pr.maxvals().dup('c').data().asFloat();
            for (int i = 0; i < part.size(); i++) {
                double[] kp = TopDownPredictor.flat(xy, mv, i, k);
                double score = OksNms.rescore(part.get(i).score(), kp, options.keypointThreshold());
                INDArray own = options.keepHeatmaps()
                        ? hm.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup()
                        : null;
                people.add(new Person(part.get(i), crops.get(i), kp, score, own));
            }
        }
        List<Person> kept = people;
        if (options.oksNms() && people.size() > 1) {
            int n = people.size();
            double[][] kp = new double[n][];
            double[] scores = new double[n];
            double[] areas = new double[n];
            for (int i = 0; i < n; i++) {
                Person p = people.get(i);
                kp[i] = p.keypoints();
                scores[i] = p.score();
                areas[i] = new OksNms.PosePrediction(0, kp[i], p.crop().cx(), p.crop().cy(), p.crop().sw(),
                        p.crop().sh(), p.box().score()).area();
            }
            kept = new ArrayList<>();
            for (int i : OksNms.nms(kp, scores, areas, options.oksThreshold(), CocoKeypointEval.COCO_SIGMAS, null)) {
                kept.add(people.get(i));
            }
        } else {
            kept = new ArrayList<>(people);
            kept.sort((a, b) -> Double.compare(b.score(), a.score()));
        }
        return new Result(bgr.cols(), bgr.rows(), boxes.size(), List.copyOf(kept));
    }

    /**
     * Converts a Java image to an OpenCV one.
     *
     * @param image any {@link BufferedImage} (its sRGB values are read; alpha is dropped)
     * @return a new 8-bit BGR {@link Mat} of the same size; the caller owns it
     */
    public static Mat toBgr(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        Mat m = new Mat(h, w, CV_8UC3);
        ByteBuffer buf = m.createBuffer();
        for (int p = 0; p < argb.length; p++) {
            int v = argb[p];
            buf.put(3 * p, (byte) (v & 0xFF));
            buf.put(3 * p + 1, (byte) ((v >> 8) & 0xFF));
            buf.put(3 * p + 2, (byte) ((v >> 16) & 0xFF));
        }
        return m;
    }
}
