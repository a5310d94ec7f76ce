package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.eval.OksNms;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.inference.TopDownPredictor;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet predict --weights FILE (--arch ... | --config FILE) --image IMG [--boxes FILE] [--flip-test] --out
 * OUT.png [--json OUT.json]}: poses of the persons in one image, drawn with {@link PoseRenderer} (skeleton in a
 * colour per limb, joints below {@code --threshold} hidden, boxes in white).
 *
 * <p>Person boxes: the detections of this image in a COCO detection-results file ({@code --boxes}; category 1,
 * score {@code >= --image-threshold}; the image id is {@code --image-id} or the number in the file name, as COCO's
 * {@code 000000000785.jpg}), or the whole image as one person box. Each box becomes a crop through the official
 * center/scale ({@link CenterScale#fromBox}: aspect fix, x1.25). {@code --json} writes {@code {"image", "image_id",
 * "persons": [{"bbox" (or null), "box_score", "score" (box score x mean keypoint score above 0.2, as the reference
 * rescoring), "keypoints" [x, y, score] * K}]}} in image pixels.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Draw the predicted poses of one image (whole image or detector boxes) into a PNG.")
public final class PredictCommand implements Callable<Integer> {
    private static final Pattern DIGITS = Pattern.compile("(\\d+)");

    @Spec
    private CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--dataset", defaultValue = "coco", paramLabel = "coco|mpii",
            description = "Joint set and skeleton of the network (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--image", required = true, paramLabel = "IMG", description = "The image (JPEG, PNG, ...).")
    Path image;

    @Option(names = "--boxes", paramLabel = "FILE",
            description = "COCO person detection results; the boxes of this image are used.")
    Path boxes;

    @Option(names = "--image-id", paramLabel = "ID",
            description = "The image's id in --boxes (default: the number in the file name).")
    Long imageId;

    @Option(names = "--image-threshold", defaultValue = EvalOptions.IMAGE_THRESHOLD_DEFAULT, paramLabel = "T",
            description = "Use detections with score >= T (TEST.IMAGE_THRE, default ${DEFAULT-VALUE}).")
    double imageThreshold;

    @Option(names = "--threshold", defaultValue = "0.3", paramLabel = "S",
            description = "Hide joints whose score (heatmap maximum) is below S (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--flip-test", description = "Flip test with heatmap shift.")
    boolean flipTest;

    @Option(names = "--dark", description = "DARK sub-pixel refinement.")
    boolean dark;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "N", description = "Crops per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "OUT.png", description = "The image with the poses drawn.")
    Path out;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write the keypoints as JSON.")
    Path json;

    /** A person box from the detections file: {@code [x, y, w, h]} and score. */
    record Box(double[] xywh, double score) {
    }

    @Override
    public Integer call() throws Exception {
        KeypointSchema schema = KeypointSchema.byName(dataset);
        int width;
        int height;
        try (PointerScope scope = new PointerScope()) {
            Mat m = ImageDecoder.decodeBgr(image, "--image");
            width = m.cols();
            height = m.rows();
        }
        List<Box> personBoxes;
        long id = -1;
        if (boxes != null) {
            id = imageId != null ? imageId : idFromName(image);
            personBoxes = readBoxes(boxes, id, imageThreshold);
        } else {
            personBoxes = List.of(new Box(null, 1.0));
        }
        PoseNetwork net = network.load(schema);
        TopDownPredictor predictor = new TopDownPredictor(net, schema, TopDownPredictor.Options.of(flipTest, dark));
        double aspect = predictor.recipe().aspectRatio();
        List<CenterScale> cs = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (Box b : personBoxes) {
            double[] r = b.xywh() != null ? b.xywh() : new double[] {0, 0, width, height};
            cs.add(CenterScale.fromBox(r[0], r[1], r[2], r[3], aspect));
            scores.add(b.score());
        }
        List<TopDownPredictor.Person> persons = cs.isEmpty() ? List.of()
                : predictor.predictBoxes(image, cs, scores, batch);
        PoseRenderer renderer = new PoseRenderer(schema, threshold, 2, 3);
        try (PointerScope scope = new PointerScope()) {
            Mat m = ImageDecoder.decodeBgr(image, "--image");
            for (int i = 0; i < persons.size(); i++) {
                double[] r = personBoxes.get(i).xywh();
                if (r != null) {
                    renderer.drawBox(m, r[0], r[1], r[2], r[3]);
                }
                renderer.draw(m, persons.get(i).keypoints());
            }
            PoseRenderer.write(m, out);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%d person%s (%s) drawn on %s%n", persons.size(), persons.size() == 1 ? "" : "s",
                boxes != null ? "detector boxes of image " + id : "whole image", out);
        if (json != null) {
            writeJson(persons, personBoxes, id);
            o.println("keypoints written to " + json);
        }
        o.flush();
        return 0;
    }

    private void writeJson(List<TopDownPredictor.Person> persons, List<Box> personBoxes, long id) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("image", image.toString());
        root.put("image_id", boxes != null ? id : null);
        List<Map<String, Object>> ps = new ArrayList<>();
        for (int i = 0; i < persons.size(); i++) {
            TopDownPredictor.Person p = persons.get(i);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("bbox", personBoxes.get(i).xywh());
            e.put("box_score", p.boxScore());
            e.put("score", OksNms.rescore(p.boxScore(), p.keypoints(), OksNms.DEFAULT_IN_VIS_THRESHOLD));
            e.put("keypoints", p.keypoints());
            ps.add(e);
        }
        root.put("persons", ps);
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    }

    private static long idFromName(Path image) {
        String name = image.getFileName().toString();
        Matcher m = DIGITS.matcher(name);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot derive an image id from the file name '" + name
                    + "': pass --image-id");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The boxes of one image in a COCO detection-results file.
     *
     * @param file the detections
     * @param id the image id
     * @param threshold minimum score
     * @return the person boxes of that image with score &gt;= threshold, in file order
     * @throws DataFormatException on a malformed record, or when no detection names the image id at all
     * @throws IOException if the file cannot be read
     */
    static List<Box> readBoxes(Path file, long id, double threshold) throws IOException {
        JsonNode root = JsonFields.readTree(file);
        if (!root.isArray()) {
            throw new DataFormatException(file, "-", "-", "expected a JSON list of detections");
        }
        List<Box> out = new ArrayList<>();
        TreeSet<Long> ids = new TreeSet<>();
        boolean seen = false;
        for (int i = 0; i < root.size(); i++) {
            JsonNode d = root.get(i);
            String rec = "detection #" + i;
            long img = JsonFields.requiredLong(file, rec, d, "image_id");
            ids.add(img);
            if (img != id) {
                continue;
            }
            seen = true;
            long cat = JsonFields.requiredLong(file, rec, d, "category_id");
            double[] b = JsonFields.requiredNumbers(file, rec, d, "bbox", 4);
            double score = JsonFields.requiredFinite(file, rec, d, "score");
            if (!(b[2] > 0 && b[3] > 0)) {
                throw new DataFormatException(file, rec, "bbox", "box size must be positive, got w=" + b[2] + " h="
                        + b[3]);
            }
            if (cat == 1 && score >= threshold) {
                out.add(new Box(b, score));
            }
        }
        if (!seen) {
            String some = ids.size() <= 10 ? ids.toString()
                    : ids.stream().limit(10).toList() + " and " + (ids.size() - 10) + " more";
            throw new DataFormatException(file, "-", "image_id", "no detection for image id " + id
                    + " (ids in the file: " + some + ")");
        }
        return out;
    }
}
