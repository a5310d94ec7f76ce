package io.hrnet4j.examples;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.metrics.CocoGroundTruth;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.eval.CocoScorer;
import io.hrnet4j.zoo.eval.TopDownEvalResult;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Example program: the COCO keypoint evaluation of a network, step by step, printing AP/AR exactly as the COCO API
 * (pycocotools {@code COCOeval}, iouType {@code keypoints}) prints them.
 *
 * <p>The steps are those of the official test ({@code tools/test.py} → {@code lib/core/function.py validate} →
 * {@code lib/dataset/coco.py COCODataset.evaluate}):
 * <ol>
 *   <li>person boxes ({@link CocoKeypoints}): the detector's boxes of a COCO detection-results file (the official
 *       {@code COCO_val2017_detections_AP_H_56_person.json}, all scores: {@code TEST.IMAGE_THRE 0.0}) or, without
 *       one, the ground-truth boxes; each box becomes a center/scale crop with the network's aspect ratio and x1.25
 *       padding;</li>
 *   <li>inference ({@link TopDownPredictor#predictSamples}): crops {@code [N, 3, H, W]} (NCHW, RGB,
 *       ImageNet-normalised) decoded and warped on worker threads, the network's heatmaps {@code [N, 17, H/4, W/4]}
 *       averaged with those of the mirrored crops (flip test, heatmap shifted by one cell), decoded to keypoints
 *       {@code [x, y, score] * 17} in image pixels (argmax + quarter-pixel offset);</li>
 *   <li>scoring ({@link CocoScorer#official}): each person rescored (box score x mean keypoint score above 0.2),
 *       OKS-NMS at 0.9 per image, then pycocotools' {@code COCOeval} (OKS sigmas of the 17 COCO joints, maxDets 20)
 *       giving the 10 statistics AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl (fractions in [0, 1], -1 when no
 *       ground truth falls in a category).</li>
 * </ol>
 * {@code io.hrnet4j.zoo.eval.TopDownEvaluator} runs the same steps in one call.
 *
 * <p>Run from the repository root (defaults as in {@link PredictWithPretrainedWeights}: the published W32 256x192
 * COCO weights, or {@code --weights FILE [--config FILE]}; {@code --results} also writes the COCO results JSON):
 * <pre>
 * mvn -q package -DskipTests     # once: builds the modules and examples/target/classpath.txt
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" io.hrnet4j.examples.EvaluateOnCoco \
 *     annotations/person_keypoints_val2017.json val2017/ \
 *     --detections COCO_val2017_detections_AP_H_56_person.json --weights pose_hrnet_w32_256x192.pth
 * </pre>
 */
public final class EvaluateOnCoco {
    private EvaluateOnCoco() {
    }

    /**
     * Evaluates a network on a COCO-format dataset.
     *
     * @param network the network (17 joints; its input size fixes the crops)
     * @param annotations a COCO {@code person_keypoints_*.json}: the ground truth and the image file names
     * @param images the folder of the images
     * @param detections a COCO detection-results file, or null for the ground-truth boxes
     * @param batchSize crops per forward pass
     * @return the statistics ({@link TopDownEvalResult#stats()}, {@link TopDownEvalResult#cocoStats()}), pycocotools'
     *     summary table ({@link TopDownEvalResult#summary()}), the per-joint breakdown and the kept predictions
     * @throws IOException if a file is missing or malformed (the message names the file, the record and the field)
     * @throws java.io.UncheckedIOException if an image cannot be read (the cause names it)
     * @throws IllegalArgumentException if the network has not 17 joints
     */
    public static TopDownEvalResult evaluate(PoseNetwork network, Path annotations, Path images, Path detections,
                                             int batchSize) throws IOException {
        // 1. the person boxes, as center/scale crops with the network's aspect ratio (W / H)
        TopDownPredictor predictor = new TopDownPredictor(network, KeypointSchema.COCO,
                TopDownPredictor.Options.official());
        TopDownRecipe recipe = predictor.recipe();
        LoadedSamples boxes = detections == null
                ? CocoKeypoints.groundTruth(annotations, images, recipe.aspectRatio())
                : CocoKeypoints.detections(detections, annotations, images, recipe.aspectRatio(),
                        CocoKeypoints.DEFAULT_IMAGE_THRESHOLD);
        System.out.println("person boxes: " + boxes.summary());

        // 2. batched inference: [samples][3 * 17] keypoints in image pixels, in sample order
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        double[][] keypoints = predictor.predictSamples(boxes.samples(), recipe, batchSize, workers,
                (done, total, rate) -> System.out.printf(Locale.ROOT, "\r%d/%d crops (%.1f/s)%s", done, total,
                        rate, done == total ? "\n" : ""));

        // 3. rescoring, OKS-NMS and COCOeval against the ground truth
        CocoGroundTruth groundTruth = CocoGroundTruth.read(annotations);
        return CocoScorer.official(groundTruth).score(boxes.samples(), keypoints);
    }

    /**
     * @param args {@code ANNOTATIONS IMAGES [--detections FILE] [--weights FILE] [--config FILE] [--results FILE]
     *     [--batch N]}
     * @throws Exception on any error (printed by the JVM)
     */
    public static void main(String[] args) throws Exception {
        ExampleArgs a = ExampleArgs.parse(args, 2, "EvaluateOnCoco ANNOTATIONS IMAGES [--detections FILE] "
                + "[--weights FILE] [--config FILE] [--results FILE] [--batch N]", "--detections", "--weights",
                "--config", "--results", "--batch");
        Path results = a.path("--results", null);
        if (results != null) {
            AtomicFiles.checkWritable(results);  // before the work, not after it
        }
        PoseNetwork network = PredictWithPretrainedWeights.loadNetwork(a.path("--weights", null),
                a.path("--config", null));
        TopDownEvalResult result = evaluate(network, a.path(0), a.path(1), a.path("--detections", null),
                (int) a.integer("--batch", 32));
        System.out.print(result.summary());  // the 10 lines of pycocotools' COCOeval.summarize()
        if (results != null) {
            // standard COCO keypoint results ({image_id, category_id, keypoints, score}), written atomically
            result.writeResults(results);
            System.out.println(result.numResults() + " results written to " + results);
        }
    }
}
