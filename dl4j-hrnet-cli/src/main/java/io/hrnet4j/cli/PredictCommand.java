package io.hrnet4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.transform.ImageDecoder;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.estimate.CocoDetectionsFile;
import io.hrnet4j.zoo.estimate.PersonDetector;
import io.hrnet4j.zoo.estimate.PoseEstimator;
import io.hrnet4j.zoo.estimate.WholeImageDetector;
import io.hrnet4j.zoo.estimate.YoloPersonDetector;
import io.hrnet4j.zoo.inference.HeatmapDecoder;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet predict}: the poses of every person in an image, a folder of images or a video, drawn with
 * {@link PoseRenderer} and optionally written as JSON, through {@link PoseEstimator} (top-down: person boxes, crops,
 * network, flip test (on unless --no-flip-test) and optional DARK, rescoring and OKS-NMS).
 *
 * <p>Person boxes ({@code --detector}): {@code whole} (the whole image is one person), {@code file} (a COCO
 * detection-results file, {@code --boxes}; an image's id is {@code --image-id} or the number in its file name,
 * a video frame's id is its 0-based frame number), {@code yolo2} / {@code tinyyolo} (the DL4J zoo detectors,
 * {@link YoloPersonDetector}; weights from {@code --detector-weights FILE}, else the zoo's own cached pretrained
 * file). Without {@code --detector}: {@code file} when {@code --boxes} is given, else {@code whole}.
 *
 * <p>Outputs: for {@code --image}, {@code --out} is the drawn image ({@code .png}, {@code .jpg}); for
 * {@code --images}, a folder receiving {@code <name>.png} per image; for {@code --video}, a video ({@code .mp4},
 * {@code .avi}) or, for any other name, a folder of {@code frame_000000.png} files. {@code --json} writes
 * {@code {"image", "image_id", "width", "height", "detector", "detections", "persons": [{"bbox" [x, y, w, h],
 * "box_score", "score" (box score x mean keypoint score above the keypoint threshold), "keypoints" [x, y, score] *
 * K}]}} for one image, {@code {"detector", "images": [...]}} for a folder and {@code {"video", "fps", "detector",
 * "frames": [{"frame", ...}]}} for a video, all in image pixels. Every file is written atomically; all inputs are
 * checked (decoded, opened) and every output location probed before the network runs, so bad input ends with one
 * line on stderr, exit code 1 and no output file touched.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, defaultValueProvider = PredictDefaults.class,
        description = "Draw the poses of every person in an image, a folder of images or a video.")
public final class PredictCommand implements Callable<Integer> {
    /** Image extensions read from a folder. */
    static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp");

    @Spec
    private CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--dataset", defaultValue = "coco", paramLabel = "coco|mpii",
            description = "Joint set and skeleton of the network (default: ${DEFAULT-VALUE}).")
    String dataset;

    /** Exactly one input. */
    static final class Input {
        @Option(names = "--image", required = true, paramLabel = "IMG", description = "One image (JPEG, PNG, ...).")
        Path image;

        @Option(names = "--images", required = true, paramLabel = "DIR",
                description = "A folder of images (.jpg .jpeg .png .bmp .tif .tiff .webp); --out is a folder.")
        Path images;

        @Option(names = "--video", required = true, paramLabel = "FILE",
                description = "A video file (any format FFmpeg reads); --out is .mp4/.avi or a frame folder.")
        Path video;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Mixin
    DetectorOptions detectorOptions;

    @Mixin
    BoxOptions boxOptions;

    @Mixin
    TestTimeOptions testOptions;

    @Option(names = "--image-id", paramLabel = "ID",
            description = "The image's id in --boxes (default: the number in the file name).")
    Long imageId;

    @Mixin
    DrawOptions draw;

    @Option(names = "--oks-nms", paramLabel = "T",
            description = "OKS-NMS threshold, COCO only (default ${DEFAULT-VALUE}; 1 or more: off).")
    double oksThreshold;

    @Option(names = "--max-frames", defaultValue = "0", paramLabel = "N",
            description = "Video: stop after N frames (default: all).")
    int maxFrames;

    @Option(names = "--batch", paramLabel = "N", description = "Crops per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "OUT",
            description = "Drawn image (--image), folder (--images), or video/frame folder (--video).")
    Path out;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write the people as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        KeypointSchema schema = KeypointSchema.byName(dataset);
        PoseRenderer renderer = draw.renderer(schema);
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be >= 1, got " + batch);
        }
        // inputs and outputs first: nothing runs (or is written) when one of them is bad
        List<Path> images = List.of();
        VideoFrames.Info video = null;
        if (input.image != null) {
            checkImage(input.image);
            AtomicFiles.checkWritable(out);
        } else if (input.images != null) {
            images = listImages(input.images);
            Map<String, Path> stems = new HashMap<>();
            for (Path p : images) {
                Path other = stems.putIfAbsent(stem(p), p);
                if (other != null) {
                    throw new DataFormatException(p, "-", "--images", "its overlay " + stem(p) + ".png would "
                            + "overwrite that of " + other.getFileName());
                }
                checkImage(p);
            }
            AtomicFiles.checkWritableFolder(out);
        } else {
            video = VideoFrames.probe(input.video);
            if (VideoFrames.isWritableVideo(out)) {
                AtomicFiles.checkWritable(out);
            } else {
                AtomicFiles.checkWritableFolder(out);
            }
        }
        if (json != null) {
            AtomicFiles.checkWritable(json);
        }
        PersonDetector det = detectorOptions.create(boxOptions);
        PoseNetwork net = network.load(schema);
        boolean oks = schema == KeypointSchema.COCO && oksThreshold < 1;
        PoseEstimator estimator = new PoseEstimator(net, schema, det, PoseEstimator.Options.defaults()
                .withFlipTest(testOptions.flipTest())
                .withDark(testOptions.refinement(false) == HeatmapDecoder.Refinement.DARK).withOksNms(oks, oksThreshold).withBatchSize(batch)
                .withHeatmaps(draw.heatmaps()));
        PrintWriter o = spec.commandLine().getOut();
        Map<String, Object> root = new LinkedHashMap<>();
        if (input.image != null) {
            OptionalLong id = imageId != null ? OptionalLong.of(imageId)
                    : CocoDetectionsFile.imageIdFromName(input.image.getFileName().toString());
            Map<String, Object> entry = predictImage(estimator, renderer, input.image, id, out);
            root.put("image", input.image.toString());
            root.put("image_id", id.isPresent() ? id.getAsLong() : null);
            root.putAll(entry);
            root.put("detector", det.describe());
            int n = ((List<?>) entry.get("persons")).size();
            o.printf(Locale.ROOT, "%d person%s (%s) drawn on %s%n", n, n == 1 ? "" : "s", det.describe(), out);
        } else if (input.images != null) {
            root.put("detector", det.describe());
            List<Map<String, Object>> all = new ArrayList<>();
            int people = 0;
            for (Path p : images) {
                OptionalLong id = CocoDetectionsFile.imageIdFromName(p.getFileName().toString());
                Path target = out.resolve(stem(p) + ".png");
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("image", p.toString());
                e.put("image_id", id.isPresent() ? id.getAsLong() : null);
                e.putAll(predictImage(estimator, renderer, p, id, target));
                people += ((List<?>) e.get("persons")).size();
                all.add(e);
            }
            root.put("images", all);
            o.printf(Locale.ROOT, "%d images, %d persons (%s) drawn into %s%n", images.size(), people,
                    det.describe(), out);
        } else {
            root.put("video", input.video.toString());
            root.put("fps", video.fps());
            root.put("detector", det.describe());
            List<Map<String, Object>> frames = new ArrayList<>();
            int n = predictVideo(estimator, renderer, video, frames);
            root.put("frames", frames);
            o.printf(Locale.ROOT, "%d frames (%s) drawn into %s%n", n, det.describe(), out);
        }
        if (json != null) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.write(json, s -> m.writeValue(s, root));
            o.println("people written to " + json);
        }
        o.flush();
        return 0;
    }

    /** Estimates, draws and writes one image; returns its JSON fields (size, detections, persons). */
    private Map<String, Object> predictImage(PoseEstimator estimator, PoseRenderer renderer, Path image,
                                             OptionalLong id, Path target) throws IOException {
        // the Mat is closed explicitly: a PointerScope would also free the ND4J buffers made inside it
        try (Mat bgr = ImageDecoder.decodeBgr(image, "--image")) {
            Map<String, Object> e = predictMat(estimator, renderer, bgr, id);
            PoseRenderer.write(bgr, target);
            return e;
        }
    }

    /** Estimates and draws in place; returns the JSON fields of the image. */
    private Map<String, Object> predictMat(PoseEstimator estimator, PoseRenderer renderer, Mat bgr, OptionalLong id)
            throws IOException {
        PoseEstimator.Result r = estimator.estimate(bgr, id);
        for (PoseEstimator.Person p : r.people()) {
            if (p.heatmaps() != null) {
                renderer.drawHeatmaps(bgr, p.heatmaps(), p.crop());
            }
        }
        List<Map<String, Object>> ps = new ArrayList<>();
        for (PoseEstimator.Person p : r.people()) {
            if (!draw.noBoxes) {
                renderer.drawBox(bgr, p.box().x(), p.box().y(), p.box().w(), p.box().h(),
                        String.format(Locale.ROOT, "%.2f", p.box().score()));
            }
            renderer.draw(bgr, p.keypoints());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("bbox", p.box().xywh());
            e.put("box_score", p.box().score());
            e.put("score", p.score());
            e.put("keypoints", p.keypoints());
            ps.add(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", r.imageWidth());
        m.put("height", r.imageHeight());
        m.put("detections", r.detections());
        m.put("persons", ps);
        return m;
    }

    private int predictVideo(PoseEstimator estimator, PoseRenderer renderer, VideoFrames.Info info,
                             List<Map<String, Object>> frames) throws IOException {
        VideoFrames.FrameSink perFrame = (i, bgr) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("frame", i);
            e.putAll(predictMat(estimator, renderer, bgr, OptionalLong.of(i)));
            frames.add(e);
        };
        if (VideoFrames.isWritableVideo(out)) {
            VideoFrames.Writer w = new VideoFrames.Writer(out, info.width(), info.height(), info.fps());
            return w.writeAll(writer -> VideoFrames.read(input.video, maxFrames, (i, bgr) -> {
                perFrame.accept(i, bgr);
                writer.write(bgr);
            }));
        }
        return VideoFrames.read(input.video, maxFrames, (i, bgr) -> {
            perFrame.accept(i, bgr);
            PoseRenderer.write(bgr, out.resolve(String.format(Locale.ROOT, "frame_%06d.png", i)));
        });
    }

    /** Decodes an image once to check it (missing, truncated, unreadable: one line naming the file). */
    private static void checkImage(Path image) throws IOException {
        try (Mat bgr = ImageDecoder.decodeBgr(image, "--image")) {
            PersonDetector.checkImage(bgr);
        }
    }

    /**
     * @param dir a folder
     * @return its image files ({@link #IMAGE_EXTENSIONS}, case-insensitive), sorted by name
     * @throws DataFormatException if it is not a folder or holds no image
     * @throws IOException if it cannot be listed
     */
    static List<Path> listImages(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, "-", "--images", "not a folder");
        }
        List<Path> out;
        try (Stream<Path> s = Files.list(dir)) {
            out = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
            }).sorted().toList();
        }
        if (out.isEmpty()) {
            throw new DataFormatException(dir, "-", "--images", "no images (" + String.join(" ", IMAGE_EXTENSIONS)
                    + ") in the folder");
        }
        return out;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
