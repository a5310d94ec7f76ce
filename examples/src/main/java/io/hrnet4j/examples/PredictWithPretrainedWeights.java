package io.hrnet4j.examples;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.estimate.CocoDetectionsFile;
import io.hrnet4j.zoo.estimate.PersonDetector;
import io.hrnet4j.zoo.estimate.PoseEstimator;
import io.hrnet4j.zoo.estimate.WholeImageDetector;
import io.hrnet4j.zoo.render.PoseRenderer;
import io.hrnet4j.zoo.weights.PosePretrainedType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Example program: load published HRNet weights and draw the pose of every person in a photo.
 *
 * <p>What it shows a DL4J user, step by step:
 * <ol>
 *   <li>the network: {@code new HRNet.Builder().build()} is HRNet-W32 for COCO (17 joints, input 256x192, H x W);
 *       {@code initPretrained(PosePretrainedType.COCO)} downloads the published weights once into the DL4J model
 *       cache and checks their SHA-256, while {@code initPretrained(Path)} loads a local file: an official
 *       {@code pose_hrnet_*.pth}, an mmpose checkpoint or an {@code .npz} state dict (for another architecture, give
 *       its experiment file, e.g. the official {@code experiments/coco/hrnet/w48_384x288_adam_lr1e-3.yaml});</li>
 *   <li>the people: a {@link PersonDetector} gives person boxes in image pixels, either from a COCO detection-results
 *       file ({@link CocoDetectionsFile}, matched by the number in the image's file name) or the whole image as one
 *       person ({@link WholeImageDetector});</li>
 *   <li>the poses: {@link PoseEstimator} crops each box to the network input ({@code [N, 3, 256, 192]} NCHW, RGB,
 *       ImageNet-normalised), runs the network (heatmaps {@code [N, 17, 64, 48]}) with the flip test, decodes the
 *       heatmap maxima back to image pixels and suppresses duplicate people by OKS-NMS, as the official test
 *       ({@code lib/core/function.py validate}, {@code lib/core/inference.py get_final_preds});</li>
 *   <li>the outputs: {@link PoseRenderer} draws the skeletons into {@code OUT/<name>-poses.png}, and
 *       {@code OUT/<name>-poses.json} lists the people: {@code {"image", "width", "height", "detector",
 *       "detections", "persons": [{"bbox": [x, y, w, h], "box_score", "score", "keypoints": [x, y, score] * 17}]}},
 *       coordinates in image pixels (0-based, x right, y down), keypoint scores = heatmap maxima, person score = box
 *       score x mean keypoint score above 0.2 (official {@code lib/dataset/coco.py evaluate}).</li>
 * </ol>
 *
 * <p>Run from the repository root ({@code --weights}/{@code --config} default to the published W32 256x192 COCO
 * weights, {@code --detections} to the whole image as one person; {@code --threshold} keeps boxes scored at least T):
 * <pre>
 * mvn -q package -DskipTests     # once: builds the modules and examples/target/classpath.txt
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
 *     io.hrnet4j.examples.PredictWithPretrainedWeights photo.jpg out/ --weights pose_hrnet_w32_256x192.pth
 * # or, with the modules installed (mvn install -DskipTests):
 * mvn -q -pl examples exec:java -Dexec.mainClass=io.hrnet4j.examples.PredictWithPretrainedWeights \
 *     -Dexec.args="000000000785.jpg out/ --detections COCO_val2017_detections_AP_H_56_person.json --threshold 0.5"
 * </pre>
 */
public final class PredictWithPretrainedWeights {
    private PredictWithPretrainedWeights() {
    }

    /**
     * One person of the results JSON.
     *
     * @param bbox the detector's box {@code [x, y, w, h]}, image pixels
     * @param boxScore the detector's confidence (JSON {@code box_score})
     * @param score the person score after rescoring
     * @param keypoints flat {@code [x, y, score] * K}, image pixels and heatmap maxima
     */
    public record PersonJson(double[] bbox, @JsonProperty("box_score") double boxScore, double score,
                             double[] keypoints) {
    }

    /**
     * The results JSON of one image.
     *
     * @param image the image file
     * @param width its width, pixels
     * @param height its height, pixels
     * @param detector where the boxes came from
     * @param detections boxes the detector returned (before OKS-NMS)
     * @param persons the people kept, best score first
     */
    public record ImageJson(String image, int width, int height, String detector, int detections,
                            List<PersonJson> persons) {
    }

    /**
     * Builds the network: the published COCO weights of the default W32 256x192 model, or a local weights file for
     * the architecture of an experiment file.
     *
     * @param weights a {@code .pth}/{@code .npz} file, or null for the published weights (downloaded once)
     * @param config an official experiment file ({@code .yaml}, or the same content as {@code .json}), or null for
     *     HRNet-W32 256x192, 17 joints
     * @return the network in inference mode: input {@code [N, 3, H, W]}, heatmaps {@code [N, K, H/4, W/4]}
     * @throws IOException if the weights cannot be downloaded or read, or are not those of the architecture (typed
     *     exceptions of {@code io.hrnet4j.zoo.weights} listing the mismatching keys)
     */
    public static PoseNetwork loadNetwork(Path weights, Path config) throws IOException {
        HRNet model = config == null ? new HRNet.Builder().build()
                : new HRNet.Builder().config(ExperimentConfig.read(config)).build();
        ComputationGraph graph = weights == null ? model.initPretrained(PosePretrainedType.COCO)
                : model.initPretrained(weights);
        return PoseNetwork.of(graph, model.config());
    }

    /**
     * Estimates the people of one image, draws them and writes {@code <outDir>/<name>-poses.png} and
     * {@code <outDir>/<name>-poses.json} (both written atomically; the folder is created).
     *
     * @param estimator the pose estimator (network, detector, options)
     * @param image the photo (JPEG, PNG, ... as OpenCV reads it)
     * @param outDir the output folder
     * @return what was written to the JSON file
     * @throws IOException if the image cannot be read ({@code DataFormatException} naming it), the detector has no
     *     boxes for it, or an output cannot be written
     */
    public static ImageJson predict(PoseEstimator estimator, Path image, Path outDir) throws IOException {
        String name = image.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path png = outDir.resolve(name + "-poses.png");
        Path json = outDir.resolve(name + "-poses.json");
        AtomicFiles.checkWritable(png);
        AtomicFiles.checkWritable(json);
        PoseRenderer renderer = PoseRenderer.of(estimator.predictor().schema());
        // the Mat is 8-bit BGR (OpenCV's order), rows = H, cols = W; it is drawn on in place
        try (Mat bgr = ImageDecoder.decodeBgr(image, "image")) {
            PoseEstimator.Result result = estimator.estimate(bgr,
                    CocoDetectionsFile.imageIdFromName(image.getFileName().toString()));
            List<PersonJson> persons = result.people().stream().map(p -> new PersonJson(p.box().xywh(),
                    p.box().score(), p.score(), p.keypoints())).toList();
            for (PoseEstimator.Person p : result.people()) {
                renderer.drawBox(bgr, p.box().x(), p.box().y(), p.box().w(), p.box().h(),
                        String.format(Locale.ROOT, "%.2f", p.score()));
                renderer.draw(bgr, p.keypoints());
            }
            PoseRenderer.write(bgr, png);
            ImageJson out = new ImageJson(image.toString(), result.imageWidth(), result.imageHeight(),
                    estimator.detector().describe(), result.detections(), persons);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.write(json, s -> mapper.writeValue(s, out));
            return out;
        }
    }

    /**
     * @param args {@code IMAGE OUT_DIR [--weights FILE] [--config FILE] [--detections FILE] [--threshold T]}
     *     ({@code --threshold}: keep detection boxes with a score of at least T, default 0.5)
     * @throws Exception on any error (printed by the JVM)
     */
    public static void main(String[] args) throws Exception {
        ExampleArgs a = ExampleArgs.parse(args, 2, "PredictWithPretrainedWeights IMAGE OUT_DIR [--weights FILE] "
                + "[--config FILE] [--detections FILE] [--threshold T]", "--weights", "--config", "--detections",
                "--threshold");
        Path weights = a.path("--weights", null);
        Path config = a.path("--config", null);
        Path detections = a.path("--detections", null);
        double threshold = a.number("--threshold", 0.5);
        PoseNetwork network = loadNetwork(weights, config);
        PersonDetector detector = detections == null ? new WholeImageDetector()
                : CocoDetectionsFile.read(detections, threshold);
        // the official test settings: flip test, quarter-pixel offset, OKS-NMS at 0.9, keypoint threshold 0.2
        PoseEstimator estimator = new PoseEstimator(network, KeypointSchema.COCO, detector,
                PoseEstimator.Options.defaults());
        ImageJson result = predict(estimator, a.path(0), a.path(1));
        System.out.printf(Locale.ROOT, "%d person(s) of %d box(es) (%s) written to %s%n", result.persons().size(),
                result.detections(), result.detector(), a.path(1).toAbsolutePath());
    }
}
