package io.hrnet4j.metrics;

import io.hrnet4j.data.io.DataFormatException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * COCO keypoint evaluation (OKS AP/AR), a line-by-line port of pycocotools {@code COCOeval} with
 * {@code iouType='keypoints'} ({@code PythonAPI/pycocotools/cocoeval.py}, cocoapi commit 8c9bcc3). The 10 statistics equal pycocotools' to within 1e-9 (in practice to the last bit, since NumPy's
 * pairwise summation is reproduced).
 *
 * <p>Reproduced rules and quirks:
 * <ul>
 *   <li><b>OKS</b> ({@code computeOks}): {@code e = (dx² + dy²) / (2σ)² / (area + eps) / 2} with eps =
 *       {@code np.spacing(1)} = 2.22e-16 and the GT's {@code area}; OKS = mean of {@code exp(-e)} over the GT's
 *       labelled joints (v &gt; 0). A GT without labelled joint measures, for every joint, the distance from the
 *       detection to the GT box doubled on each side ({@code x0 = bx - bw}, {@code x1 = bx + 2bw}) and averages
 *       over all K joints.</li>
 *   <li><b>Ranking</b>: detections are sorted by score, descending, with a stable sort (numpy mergesort), per
 *       image and again over all images; at most {@code maxDets} (20) per image and category.</li>
 *   <li><b>Ignore</b>: a GT is ignored when {@code iscrowd} or {@code num_keypoints == 0}, or when its
 *       {@code area} is outside the area range; ignored GTs are sorted last (stable). A detection matched to an
 *       ignored GT is ignored; an unmatched detection whose area is outside the range is ignored.</li>
 *   <li><b>Detection area</b> ({@code COCO.loadRes}): {@code (max x - min x) * (max y - min y)} of its keypoints
 *       (all K, whatever their score), unless the first result carries a non-empty {@code bbox}: then every
 *       detection's area is {@code bbox w * h}. Detection ids are 1-based file positions.</li>
 *   <li><b>Greedy matching</b> ({@code evaluateImg}): for each threshold, each detection in score order takes the
 *       best-OKS GT not yet matched (crowd GTs may match many), starting from {@code min(t, 1 - 1e-10)}; once
 *       matched to a regular GT it stops at the first ignored one. A match is recorded by GT id, and "unmatched"
 *       is tested as {@code id == 0}, so (as in pycocotools) a GT with annotation id 0 never counts as a match.</li>
 *   <li><b>Precision</b> ({@code accumulate}): {@code tp / (tp + fp + eps)}, made monotone from the right, read at
 *       the 101 recall thresholds {@code linspace(0, 1, 101)} by {@code searchsorted(rc, thr, 'left')}; thresholds
 *       beyond the last recall keep precision 0. Recall = final recall, 0 with no detection. Settings without a
 *       non-ignored GT keep -1 and are left out of the means; a mean over nothing is -1.</li>
 *   <li>OKS thresholds are {@code linspace(.5, .95, 10)} (so the 9th is 0.8999999999999999), area ranges all
 *       [0, 1e10], medium [32², 96²], large [96², 1e10] (bounds inclusive).</li>
 * </ul>
 *
 * <p>Typical use:
 * <pre>{@code
 * CocoGroundTruth gt = CocoGroundTruth.read(gtFile);
 * CocoKeypointEval eval = new CocoKeypointEval(gt, CocoResults.read(resultsFile));
 * CocoStats stats = eval.evaluate();
 * System.out.print(eval.summary());
 * }</pre>
 * A val2017-sized problem (5,000 images, 6,352 persons, ~100k detections) evaluates in well under a second of
 * matching plus accumulation (a generated problem of that size, in the tests). Not thread-safe.
 */
public final class CocoKeypointEval {
    /** COCO's 17 per-keypoint OKS sigmas, {@code np.array([.26, .25, ...]) / 10.0} as in {@code Params.setKpParams}. */
    public static final double[] COCO_SIGMAS = divideBy10(
            .26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89);
    /** Default maximum number of detections per image ({@code Params.maxDets = [20]}). */
    public static final int DEFAULT_MAX_DETS = 20;
    /** Area range labels, as in {@code Params.areaRngLbl}. */
    public static final List<String> AREA_LABELS = List.of("all", "medium", "large");

    private static final double EPS = Math.ulp(1.0); // np.spacing(1)
    private static final double[][] AREA_RANGES = {{0, 1e10}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    private static final double[] IOU_THRS = linspace(.5, 0.95, 10);
    private static final double[] REC_THRS = linspace(.0, 1.00, 101);

    private final CocoGroundTruth gt;
    private final List<KeypointResult> results;
    private final double[] sigmas;
    private final double[] vars;
    private final int maxDets;
    private final String resultsSource;

    // prepared state
    private final Map<Long, Integer> imageIndex = new HashMap<>();
    private final Map<Integer, Integer> catIndex = new HashMap<>();
    private int numImages;
    private int numCats;
    private int[][] gtsOf;     // [i*K+k] -> GT annotation indices, file order
    private int[][] dtsOf;     // [i*K+k] -> result indices sorted by score (stable), truncated to maxDets
    private double[] dtArea;
    private double[][][] ious; // [i*K+k] -> [D][G] (GT file order) or null
    private EvalImg[][][] evalImgs; // [k][a][i]
    private double[][][][] precision; // [t][r][k][a]
    private double[][][] recall;      // [t][k][a]
    private CocoStats stats;

    /**
     * An evaluator with the COCO defaults (17 sigmas, maxDets 20).
     *
     * @param gt the ground truth
     * @param results the detections
     * @throws IllegalArgumentException if the results are empty, name an image absent from the ground truth, have
     *     a wrong keypoint count or a non-finite value ({@link CocoResults#validate})
     */
    public CocoKeypointEval(CocoGroundTruth gt, List<KeypointResult> results) {
        this(gt, results, COCO_SIGMAS, DEFAULT_MAX_DETS, "<results>");
    }

    /**
     * @param gt the ground truth; its annotations must have {@code 3 * sigmas.length} keypoint values
     * @param results the detections
     * @param sigmas per-joint OKS sigmas (length K)
     * @param maxDets detections kept per image and category (pycocotools {@code maxDets[-1]}); the summary reports
     *     at this value (pycocotools' {@code _summarizeKps} assumes 20)
     * @param resultsSource a name for the results in messages (e.g. the file name)
     * @throws IllegalArgumentException on invalid results (see {@link CocoResults#validate}) or a GT annotation
     *     with a keypoint count other than 3K
     * @throws IllegalArgumentException if {@code maxDets < 1} or sigmas are empty or not positive
     */
    public CocoKeypointEval(CocoGroundTruth gt, List<KeypointResult> results, double[] sigmas, int maxDets,
                            String resultsSource) {
        if (maxDets < 1) {
            throw new IllegalArgumentException("maxDets must be >= 1, got " + maxDets);
        }
        if (sigmas.length == 0) {
            throw new IllegalArgumentException("no OKS sigmas");
        }
        this.vars = new double[sigmas.length];
        for (int j = 0; j < sigmas.length; j++) {
            if (!(sigmas[j] > 0) || !Double.isFinite(sigmas[j])) {
                throw new IllegalArgumentException("OKS sigma " + j + " must be positive and finite, got " + sigmas[j]);
            }
            double s2 = sigmas[j] * 2;
            vars[j] = s2 * s2;
        }
        this.gt = gt;
        this.results = List.copyOf(results);
        this.sigmas = sigmas.clone();
        this.maxDets = maxDets;
        this.resultsSource = resultsSource;
        CocoResults.validate(this.results, gt, sigmas.length, resultsSource);
        List<CocoGroundTruth.Annotation> anns = gt.annotations();
        for (int i = 0; i < anns.size(); i++) {
            if (anns.get(i).keypoints().length != 3 * sigmas.length) {
                throw new IllegalArgumentException(DataFormatException.describe(gt.source(), "annotations[" + i + "]",
                        "keypoints", "expected " + 3 * sigmas.length + " values, got "
                                + anns.get(i).keypoints().length));
            }
        }
    }

    /**
     * Runs {@code evaluate()}, {@code accumulate()} and {@code summarize()} (once; later calls return the same).
     *
     * @return the 10 statistics
     */
    public CocoStats evaluate() {
        if (stats == null) {
            prepare();
            computeAllOks();
            evaluateImages();
            accumulate();
            stats = summarize();
        }
        return stats;
    }

    /**
     * The OKS matrix pycocotools keeps in {@code COCOeval.ious[imageId, categoryId]}.
     *
     * @param imageId an image id of the ground truth
     * @param categoryId a category id of the ground truth
     * @return {@code [D][G]}: rows are the image's detections sorted by score (stable, at most maxDets), see
     *     {@link #rankedDetections}; columns are its GTs in file order; {@code [0][0]} when either side is empty
     * @throws IllegalArgumentException if the image or category is unknown
     */
    public double[][] oks(long imageId, int categoryId) {
        evaluate();
        double[][] m = ious[cell(imageId, categoryId)];
        if (m == null) {
            return new double[0][0];
        }
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /**
     * @param imageId an image id of the ground truth
     * @param categoryId a category id
     * @return the detections of that image and category in evaluation order (score descending, stable), at most
     *     maxDets: the rows of {@link #oks}
     * @throws IllegalArgumentException if the image or category is unknown
     */
    public List<KeypointResult> rankedDetections(long imageId, int categoryId) {
        evaluate();
        List<KeypointResult> out = new ArrayList<>();
        for (int d : dtsOf[cell(imageId, categoryId)]) {
            out.add(results.get(d));
        }
        return out;
    }

    /**
     * @param imageId an image id
     * @param categoryId a category id
     * @return the GT annotation ids of that image and category in file order: the columns of {@link #oks}
     * @throws IllegalArgumentException if the image or category is unknown
     */
    public long[] groundTruthIds(long imageId, int categoryId) {
        evaluate();
        int[] g = gtsOf[cell(imageId, categoryId)];
        long[] ids = new long[g.length];
        for (int j = 0; j < g.length; j++) {
            ids[j] = gt.annotations().get(g[j]).id();
        }
        return ids;
    }

    /**
     * pycocotools' {@code eval['precision'][t, r, k, a, 0]}.
     *
     * @param t OKS threshold index (0..9)
     * @param r recall threshold index (0..100)
     * @param k category index in {@link CocoGroundTruth#categoryIds()}
     * @param a area range index in {@link #AREA_LABELS}
     * @return the interpolated precision, or -1 when the setting has no non-ignored GT
     */
    public double precision(int t, int r, int k, int a) {
        evaluate();
        return precision[t][r][k][a];
    }

    /**
     * pycocotools' {@code eval['recall'][t, k, a, 0]}.
     *
     * @param t OKS threshold index
     * @param k category index
     * @param a area range index
     * @return the maximum recall, or -1 when the setting has no non-ignored GT
     */
    public double recall(int t, int k, int a) {
        evaluate();
        return recall[t][k][a];
    }

    /** @return the 10 OKS thresholds, {@code np.linspace(.5, .95, 10)} */
    public static double[] oksThresholds() {
        return IOU_THRS.clone();
    }

    /** @return the 101 recall thresholds, {@code np.linspace(0, 1, 101)} */
    public static double[] recallThresholds() {
        return REC_THRS.clone();
    }

    /**
     * The table pycocotools' {@code summarize()} prints, 10 lines each ending with {@code '\n'}, e.g.
     * {@code " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.507"}. Values are
     * rounded like Python's {@code '{:0.3f}'} (exact binary value, ties to even).
     *
     * @return the table
     */
    public String summary() {
        CocoStats s = evaluate();
        double[] v = s.toArray();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            boolean ap = i < 5;
            int j = i % 5;
            String iou = j == 1 ? fmt(0.5, 2) : j == 2 ? fmt(0.75, 2)
                    : fmt(IOU_THRS[0], 2) + ":" + fmt(IOU_THRS[IOU_THRS.length - 1], 2);
            String area = j == 3 ? "medium" : j == 4 ? "large" : "all";
            sb.append(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s\n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iou, area, maxDets,
                    fmt(v[i], 3)));
        }
        return sb.toString();
    }

    /**
     * The OKS of one joint: pycocotools' {@code computeOks} term for joint {@code j} of a detection against a GT
     * annotation.
     *
     * @param j the joint
     * @param g the GT annotation
     * @param d the detection's flat keypoints
     * @return {@code exp(-((dx² + dy²) / (2σ_j)² / (area + eps) / 2))}
     */
    private double oksTerm(int j, CocoGroundTruth.Annotation g, double[] d) {
        double dx = d[3 * j] - g.keypoints()[3 * j];
        double dy = d[3 * j + 1] - g.keypoints()[3 * j + 1];
        return Math.exp(-((dx * dx + dy * dy) / vars[j] / (g.area() + EPS) / 2));
    }

    /**
     * Per-joint accuracy of one joint over the ground truth, see {@link #perJointOks(int)}.
     *
     * @param labelled labelled instances of the joint ({@code v > 0}) in the non-ignored GT annotations
     * @param meanOks mean OKS term over those instances (0 counted for an unmatched person); NaN when
     *     {@code labelled == 0}
     * @param accuracy fraction of those instances with an OKS term {@code >= 0.5}; NaN when {@code labelled == 0}
     */
    public record JointOks(int labelled, double meanOks, double accuracy) {
    }

    /**
     * A per-joint breakdown of the results (no standard per-joint AP exists: OKS is defined per person, so this is
     * a diagnostic, not a pycocotools number). Each non-ignored GT annotation of the category (not crowd,
     * {@code num_keypoints > 0}) is matched greedily to a detection of its image: detections by score, descending
     * (stable), each takes the still unmatched annotation of highest OKS &gt; 0 (the OKS is the mean of the
     * per-joint terms over the annotation's labelled joints, summed in joint order); all detections of the image
     * take part (no {@code maxDets} cut). For every labelled joint the term of {@code computeOks} is taken.
     *
     * @param categoryId the category (1 = person)
     * @return one entry per joint, in joint order
     */
    public List<JointOks> perJointOks(int categoryId) {
        int k = sigmas.length;
        double[] sum = new double[k];
        int[] hits = new int[k];
        int[] labelled = new int[k];
        Map<Long, List<CocoGroundTruth.Annotation>> gtByImage = new java.util.LinkedHashMap<>();
        for (CocoGroundTruth.Annotation a : gt.annotations()) {
            if (a.categoryId() == categoryId && !a.ignored()) {
                gtByImage.computeIfAbsent(a.imageId(), x -> new ArrayList<>()).add(a);
                for (int j = 0; j < k; j++) {
                    if (a.keypoints()[3 * j + 2] > 0) {
                        labelled[j]++;
                    }
                }
            }
        }
        Map<Long, List<KeypointResult>> dtByImage = new java.util.LinkedHashMap<>();
        for (KeypointResult r : results) {
            if (r.categoryId() == categoryId) {
                dtByImage.computeIfAbsent(r.imageId(), x -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<Long, List<CocoGroundTruth.Annotation>> e : gtByImage.entrySet()) {
            List<CocoGroundTruth.Annotation> gts = e.getValue();
            List<KeypointResult> dts = new ArrayList<>(dtByImage.getOrDefault(e.getKey(), List.of()));
            dts.sort(java.util.Comparator.comparingDouble(KeypointResult::score).reversed()); // stable
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
                            oks += oksTerm(j, gts.get(g), d.keypoints());
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
                            double t = oksTerm(j, a, d.keypoints());
                            sum[j] += t;
                            if (t >= 0.5) {
                                hits[j]++;
                            }
                        }
                    }
                }
            }
        }
        List<JointOks> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            out.add(new JointOks(labelled[j], labelled[j] == 0 ? Double.NaN : sum[j] / labelled[j],
                    labelled[j] == 0 ? Double.NaN : (double) hits[j] / labelled[j]));
        }
        return out;
    }

    /** Python's {@code '{:0.Nf}'.format(v)}: the exact binary value rounded half to even. */
    static String fmt(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    // ---------------------------------------------------------------- evaluate()

    private int cell(long imageId, int categoryId) {
        evaluateGuard();
        Integer i = imageIndex.get(imageId);
        Integer k = catIndex.get(categoryId);
        if (i == null) {
            throw new IllegalArgumentException("image " + imageId + " is not in the ground truth " + gt.source());
        }
        if (k == null) {
            throw new IllegalArgumentException("category " + categoryId + " is not in the ground truth " + gt.source());
        }
        return i * numCats + k;
    }

    private void evaluateGuard() {
        if (gtsOf == null) {
            throw new IllegalStateException("evaluate() has not run");
        }
    }

    private void prepare() {
        List<Long> imgIds = gt.imageIds();
        List<Integer> catIds = gt.categoryIds();
        numImages = imgIds.size();
        numCats = catIds.size();
        for (int i = 0; i < numImages; i++) {
            imageIndex.put(imgIds.get(i), i);
        }
        for (int k = 0; k < numCats; k++) {
            catIndex.put(catIds.get(k), k);
        }
        int cells = numImages * numCats;
        IntList[] g = new IntList[cells];
        IntList[] d = new IntList[cells];
        List<CocoGroundTruth.Annotation> anns = gt.annotations();
        for (int a = 0; a < anns.size(); a++) {
            Integer i = imageIndex.get(anns.get(a).imageId());
            Integer k = catIndex.get(anns.get(a).categoryId());
            if (i != null && k != null) {
                int c = i * numCats + k;
                (g[c] == null ? g[c] = new IntList() : g[c]).add(a);
            }
        }
        dtArea = new double[results.size()];
        boolean boxArea = results.get(0).bbox() != null;
        for (int r = 0; r < results.size(); r++) {
            KeypointResult res = results.get(r);
            if (boxArea) {
                if (res.bbox() == null) {
                    throw new IllegalArgumentException(DataFormatException.describe(resultsSource, "results[" + r + "]",
                            "bbox", "missing, but the first result has a bbox, so pycocotools takes every "
                                    + "detection's area from its bbox"));
                }
                dtArea[r] = res.bbox()[2] * res.bbox()[3];
            } else {
                dtArea[r] = keypointExtentArea(res.keypoints());
            }
            Integer i = imageIndex.get(res.imageId());
            Integer k = catIndex.get(res.categoryId());
            if (i != null && k != null) {
                int c = i * numCats + k;
                (d[c] == null ? d[c] = new IntList() : d[c]).add(r);
            }
        }
        gtsOf = new int[cells][];
        dtsOf = new int[cells][];
        for (int c = 0; c < cells; c++) {
            gtsOf[c] = g[c] == null ? new int[0] : g[c].toArray();
            int[] dc = d[c] == null ? new int[0] : d[c].toArray();
            dc = stableSortByScoreDesc(dc, r -> results.get(r).score());
            dtsOf[c] = dc.length > maxDets ? Arrays.copyOf(dc, maxDets) : dc;
        }
    }

    /** {@code COCO.loadRes}: {@code (max(x) - min(x)) * (max(y) - min(y))} over all joints. */
    static double keypointExtentArea(double[] kp) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < kp.length; j += 3) {
            x0 = Math.min(x0, kp[j]);
            x1 = Math.max(x1, kp[j]);
            y0 = Math.min(y0, kp[j + 1]);
            y1 = Math.max(y1, kp[j + 1]);
        }
        return (x1 - x0) * (y1 - y0);
    }

    private void computeAllOks() {
        ious = new double[numImages * numCats][][];
        for (int c = 0; c < ious.length; c++) {
            ious[c] = computeOks(gtsOf[c], dtsOf[c]);
        }
    }

    private double[][] computeOks(int[] gts, int[] dts) {
        if (gts.length == 0 || dts.length == 0) {
            return null;
        }
        int k = sigmas.length;
        double[][] out = new double[dts.length][gts.length];
        double[] e = new double[k];
        for (int j = 0; j < gts.length; j++) {
            CocoGroundTruth.Annotation g = gt.annotations().get(gts[j]);
            double[] gk = g.keypoints();
            int k1 = 0;
            for (int q = 0; q < k; q++) {
                if (gk[3 * q + 2] > 0) {
                    k1++;
                }
            }
            double[] bb = g.bbox();
            double x0 = bb[0] - bb[2], x1 = bb[0] + bb[2] * 2;
            double y0 = bb[1] - bb[3], y1 = bb[1] + bb[3] * 2;
            double denom = g.area() + EPS;
            for (int i = 0; i < dts.length; i++) {
                double[] dk = results.get(dts[i]).keypoints();
                int n = 0;
                for (int q = 0; q < k; q++) {
                    double xd = dk[3 * q], yd = dk[3 * q + 1];
                    double dx, dy;
                    if (k1 > 0) {
                        if (!(gk[3 * q + 2] > 0)) {
                            continue;
                        }
                        dx = xd - gk[3 * q];
                        dy = yd - gk[3 * q + 1];
                    } else {
                        dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
                        dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
                    }
                    e[n++] = Math.exp(-((dx * dx + dy * dy) / vars[q] / denom / 2));
                }
                out[i][j] = (0.0 + NumpySum.sum(e, 0, n)) / n;
            }
        }
        return out;
    }

    /** Per image, category and area range: pycocotools' {@code evaluateImg} result. */
    private static final class EvalImg {
        double[] dtScores;   // [D], score order
        boolean[][] dtMatched; // [T][D]: dtm != 0
        boolean[][] dtIgnore;  // [T][D]
        int numNotIgnoredGt;   // count of gtIgnore == 0
    }

    private void evaluateImages() {
        int areas = AREA_RANGES.length;
        evalImgs = new EvalImg[numCats][areas][numImages];
        for (int k = 0; k < numCats; k++) {
            for (int a = 0; a < areas; a++) {
                for (int i = 0; i < numImages; i++) {
                    evalImgs[k][a][i] = evaluateImg(i * numCats + k, AREA_RANGES[a]);
                }
            }
        }
    }

    private EvalImg evaluateImg(int c, double[] aRng) {
        int[] gts = gtsOf[c];
        int[] dts = dtsOf[c];
        if (gts.length == 0 && dts.length == 0) {
            return null;
        }
        int gN = gts.length;
        int dN = dts.length;
        int[] ignoreFlag = new int[gN];
        for (int j = 0; j < gN; j++) {
            CocoGroundTruth.Annotation g = gt.annotations().get(gts[j]);
            ignoreFlag[j] = g.ignored() || g.area() < aRng[0] || g.area() > aRng[1] ? 1 : 0;
        }
        // stable argsort of the ignore flags: regular GTs first, ignored last
        int[] gtind = new int[gN];
        int p = 0;
        for (int j = 0; j < gN; j++) {
            if (ignoreFlag[j] == 0) {
                gtind[p++] = j;
            }
        }
        for (int j = 0; j < gN; j++) {
            if (ignoreFlag[j] == 1) {
                gtind[p++] = j;
            }
        }
        long[] gtId = new long[gN];
        boolean[] crowd = new boolean[gN];
        int[] gtIg = new int[gN];
        int notIgnored = 0;
        for (int j = 0; j < gN; j++) {
            CocoGroundTruth.Annotation g = gt.annotations().get(gts[gtind[j]]);
            gtId[j] = g.id();
            crowd[j] = g.crowd();
            gtIg[j] = ignoreFlag[gtind[j]];
            if (gtIg[j] == 0) {
                notIgnored++;
            }
        }
        double[][] iou = ious[c];
        int tN = IOU_THRS.length;
        boolean[][] gtm = new boolean[tN][gN];   // gtm > 0 (dt ids are >= 1)
        long[][] dtm = new long[tN][dN];
        boolean[][] dtIg = new boolean[tN][dN];
        if (iou != null) {
            for (int t = 0; t < tN; t++) {
                for (int d = 0; d < dN; d++) {
                    double best = Math.min(IOU_THRS[t], 1 - 1e-10);
                    int m = -1;
                    double[] row = iou[d];
                    for (int g = 0; g < gN; g++) {
                        if (gtm[t][g] && !crowd[g]) {
                            continue;
                        }
                        if (m > -1 && gtIg[m] == 0 && gtIg[g] == 1) {
                            break;
                        }
                        double v = row[gtind[g]];
                        if (v < best) {
                            continue;
                        }
                        best = v;
                        m = g;
                    }
                    if (m == -1) {
                        continue;
                    }
                    dtIg[t][d] = gtIg[m] != 0;
                    dtm[t][d] = gtId[m];
                    gtm[t][m] = true;
                }
            }
        }
        EvalImg e = new EvalImg();
        e.dtScores = new double[dN];
        e.dtMatched = new boolean[tN][dN];
        for (int d = 0; d < dN; d++) {
            e.dtScores[d] = results.get(dts[d]).score();
            double area = dtArea[dts[d]];
            boolean outside = area < aRng[0] || area > aRng[1];
            for (int t = 0; t < tN; t++) {
                e.dtMatched[t][d] = dtm[t][d] != 0;
                dtIg[t][d] = dtIg[t][d] || (dtm[t][d] == 0 && outside);
            }
        }
        e.dtIgnore = dtIg;
        e.numNotIgnoredGt = notIgnored;
        return e;
    }

    // ---------------------------------------------------------------- accumulate()

    private void accumulate() {
        int tN = IOU_THRS.length;
        int rN = REC_THRS.length;
        int aN = AREA_RANGES.length;
        precision = new double[tN][rN][numCats][aN];
        recall = new double[tN][numCats][aN];
        for (double[][][] a : precision) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    Arrays.fill(c, -1);
                }
            }
        }
        for (double[][] a : recall) {
            for (double[] b : a) {
                Arrays.fill(b, -1);
            }
        }
        for (int k = 0; k < numCats; k++) {
            for (int a = 0; a < aN; a++) {
                EvalImg[] es = evalImgs[k][a];
                int total = 0;
                int npig = 0;
                boolean any = false;
                for (EvalImg e : es) {
                    if (e != null) {
                        any = true;
                        total += e.dtScores.length;
                        npig += e.numNotIgnoredGt;
                    }
                }
                if (!any || npig == 0) {
                    continue;
                }
                double[] scores = new double[total];
                int[] owner = new int[total];
                int[] pos = new int[total];
                int n = 0;
                for (int i = 0; i < es.length; i++) {
                    EvalImg e = es[i];
                    if (e == null) {
                        continue;
                    }
                    for (int d = 0; d < e.dtScores.length; d++) {
                        scores[n] = e.dtScores[d];
                        owner[n] = i;
                        pos[n] = d;
                        n++;
                    }
                }
                int[] order = new int[total];
                for (int q = 0; q < total; q++) {
                    order[q] = q;
                }
                order = stableSortByScoreDesc(order, q -> scores[q]);
                double[] rc = new double[total];
                double[] pr = new double[total];
                for (int t = 0; t < tN; t++) {
                    long tp = 0;
                    long fp = 0;
                    for (int q = 0; q < total; q++) {
                        int o = order[q];
                        EvalImg e = es[owner[o]];
                        if (!e.dtIgnore[t][pos[o]]) {
                            if (e.dtMatched[t][pos[o]]) {
                                tp++;
                            } else {
                                fp++;
                            }
                        }
                        rc[q] = (double) tp / npig;
                        pr[q] = tp / ((double) fp + (double) tp + EPS);
                    }
                    recall[t][k][a] = total > 0 ? rc[total - 1] : 0;
                    for (int q = total - 1; q > 0; q--) {
                        if (pr[q] > pr[q - 1]) {
                            pr[q - 1] = pr[q];
                        }
                    }
                    int pi = 0;
                    for (int r = 0; r < rN; r++) {
                        while (pi < total && rc[pi] < REC_THRS[r]) {
                            pi++;
                        }
                        precision[t][r][k][a] = pi < total ? pr[pi] : 0;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- summarize()

    private CocoStats summarize() {
        return CocoStats.of(new double[] {
            summarizeOne(true, -1, 0), summarizeOne(true, .5, 0), summarizeOne(true, .75, 0),
            summarizeOne(true, -1, 1), summarizeOne(true, -1, 2),
            summarizeOne(false, -1, 0), summarizeOne(false, .5, 0), summarizeOne(false, .75, 0),
            summarizeOne(false, -1, 1), summarizeOne(false, -1, 2)});
    }

    /** {@code _summarize}: mean of the entries > -1, in NumPy's C order (t, r, k) and with its summation. */
    private double summarizeOne(boolean ap, double iouThr, int a) {
        List<Integer> ts = new ArrayList<>();
        for (int t = 0; t < IOU_THRS.length; t++) {
            if (iouThr < 0 || IOU_THRS[t] == iouThr) { // np.where(iouThr == p.iouThrs)
                ts.add(t);
            }
        }
        double[] vals = new double[ts.size() * REC_THRS.length * numCats];
        int n = 0;
        for (int t : ts) {
            if (ap) {
                for (int r = 0; r < REC_THRS.length; r++) {
                    for (int k = 0; k < numCats; k++) {
                        if (precision[t][r][k][a] > -1) {
                            vals[n++] = precision[t][r][k][a];
                        }
                    }
                }
            } else {
                for (int k = 0; k < numCats; k++) {
                    if (recall[t][k][a] > -1) {
                        vals[n++] = recall[t][k][a];
                    }
                }
            }
        }
        return n == 0 ? -1 : (0.0 + NumpySum.sum(vals, 0, n)) / n;
    }

    // ---------------------------------------------------------------- helpers

    /** Stable sort of indices by descending key (numpy {@code argsort(-x, kind='mergesort')}; -0.0 == 0.0). */
    static int[] stableSortByScoreDesc(int[] idx, java.util.function.IntToDoubleFunction key) {
        Integer[] boxed = new Integer[idx.length];
        for (int i = 0; i < idx.length; i++) {
            boxed[i] = idx[i];
        }
        Arrays.sort(boxed, (x, y) -> {
            double a = key.applyAsDouble(x);
            double b = key.applyAsDouble(y);
            return a > b ? -1 : a < b ? 1 : 0;
        });
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    /** {@code np.linspace(start, stop, num)} (numpy 1.24): {@code i * step + start}, the last set to stop. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    private static double[] divideBy10(double... v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / 10.0;
        }
        return out;
    }

    /** A growable int list. */
    private static final class IntList {
        private int[] a = new int[4];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
