package io.hrnet4j.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test utility: generates COCO-keypoint evaluation problems of any size for {@link CocoKeypointEval} (e.g. COCO
 * val2017's size: 5,000 images, 6,352 annotated persons plus crowd regions and persons without labelled joint,
 * 100,000 detections, as a detector with a low threshold and a top-down model give).
 */
final class CocoEvalProblems {
    private static final double[] HUMAN_LAYOUT = {
        // rough (x, y) of the 17 COCO joints in a unit box: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles
        .50, .08, .54, .06, .46, .06, .58, .08, .42, .08, .65, .22, .35, .22, .72, .38, .28, .38, .75, .52, .25, .52,
        .60, .55, .40, .55, .60, .75, .40, .75, .60, .95, .40, .95};

    private CocoEvalProblems() {
    }

    /**
     * A generated problem.
     *
     * @param groundTruth the ground truth
     * @param results the detections
     */
    record Problem(CocoGroundTruth groundTruth, List<KeypointResult> results) {
    }

    /**
     * Generates a deterministic problem: persons of random size (small to large) in 640x480 images, 2% crowd
     * regions and 8% persons without labelled joint among the annotations, each joint labelled with probability
     * 0.8; detections are noisy copies of the persons (noise from 0 to 0.3 of the person size, so OKS spreads over
     * [0, 1]), duplicates, and false positives, with uniform random scores.
     *
     * @param seed random seed
     * @param numImages number of images (ids 1..numImages)
     * @param numPersons number of GT annotations
     * @param numDetections number of results
     * @return the problem
     * @throws IllegalArgumentException if a count is not positive
     */
    static Problem generate(long seed, int numImages, int numPersons, int numDetections) {
        if (numImages < 1 || numPersons < 1 || numDetections < 1) {
            throw new IllegalArgumentException("counts must be positive: " + numImages + ", " + numPersons + ", "
                    + numDetections);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Long> imageIds = new ArrayList<>();
        for (long i = 1; i <= numImages; i++) {
            imageIds.add(i);
        }
        List<CocoGroundTruth.Annotation> anns = new ArrayList<>(numPersons);
        for (int p = 0; p < numPersons; p++) {
            long img = 1 + rnd.nextInt(numImages);
            double h = 20 + rnd.nextDouble() * 400;
            double w = h * (0.35 + rnd.nextDouble() * 0.4);
            double x = rnd.nextDouble() * (640 - w);
            double y = rnd.nextDouble() * Math.max(1, 480 - h);
            boolean crowd = rnd.nextDouble() < 0.02;
            boolean unlabelled = !crowd && rnd.nextDouble() < 0.08;
            double[] kp = new double[51];
            int n = 0;
            for (int j = 0; j < 17; j++) {
                if (!unlabelled && rnd.nextDouble() < 0.8) {
                    kp[3 * j] = x + HUMAN_LAYOUT[2 * j] * w + rnd.nextGaussian() * 0.03 * w;
                    kp[3 * j + 1] = y + HUMAN_LAYOUT[2 * j + 1] * h + rnd.nextGaussian() * 0.03 * h;
                    kp[3 * j + 2] = rnd.nextDouble() < 0.7 ? 2 : 1;
                    n++;
                }
            }
            anns.add(new CocoGroundTruth.Annotation(p + 1, img, 1, kp, n, w * h * 0.55, new double[] {x, y, w, h},
                    crowd));
        }
        CocoGroundTruth gt = new CocoGroundTruth("<generated>", imageIds, List.of(1), anns);
        List<KeypointResult> dts = new ArrayList<>(numDetections);
        for (int d = 0; d < numDetections; d++) {
            double u = rnd.nextDouble();
            double[] kp = new double[51];
            long img;
            if (u < 0.85) {
                CocoGroundTruth.Annotation a = anns.get(rnd.nextInt(anns.size()));
                img = a.imageId();
                double[] b = a.bbox();
                double noise = rnd.nextDouble() * rnd.nextDouble() * 0.3;
                for (int j = 0; j < 17; j++) {
                    kp[3 * j] = b[0] + HUMAN_LAYOUT[2 * j] * b[2] + rnd.nextGaussian() * noise * b[2];
                    kp[3 * j + 1] = b[1] + HUMAN_LAYOUT[2 * j + 1] * b[3] + rnd.nextGaussian() * noise * b[3];
                    kp[3 * j + 2] = rnd.nextDouble();
                }
            } else {
                img = 1 + rnd.nextInt(numImages);
                double h = 20 + rnd.nextDouble() * 300;
                double x = rnd.nextDouble() * 600;
                double y = rnd.nextDouble() * 440;
                for (int j = 0; j < 17; j++) {
                    kp[3 * j] = x + HUMAN_LAYOUT[2 * j] * h * 0.5;
                    kp[3 * j + 1] = y + HUMAN_LAYOUT[2 * j + 1] * h;
                    kp[3 * j + 2] = rnd.nextDouble();
                }
            }
            dts.add(new KeypointResult(img, 1, kp, rnd.nextDouble()));
        }
        return new Problem(gt, dts);
    }
}
