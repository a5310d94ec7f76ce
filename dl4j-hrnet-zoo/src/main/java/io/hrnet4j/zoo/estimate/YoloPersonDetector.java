package io.hrnet4j.zoo.estimate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.hrnet4j.data.io.DataFormatException;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.objdetect.DetectedObject;
import org.deeplearning4j.nn.layers.objdetect.YoloUtils;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.TinyYOLO;
import org.deeplearning4j.zoo.model.YOLO2;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Person boxes from a YOLOv2 detector of the DL4J model zoo ({@link YOLO2}, or {@link TinyYOLO}), decoded with
 * DL4J's own {@link YoloUtils}.
 *
 * <p><b>Why YOLO2.</b> Top-down pose estimation needs person boxes of photos like COCO's. Of the detectors DL4J can
 * load without a converter, the zoo's {@code YOLO2} is the only one trained on COCO (80 classes, the Darknet
 * {@code yolo.weights} 608x608 model converted by DL4J; person is class 0 of Darknet's {@code coco.names}), and its
 * pretrained file is served and verified (Adler-32) by the zoo's own {@link ZooModel#initPretrained()}. The zoo's
 * {@code TinyYOLO} is trained on Pascal VOC (20 classes, person is class 14 of {@code voc.names}) at 416x416: about
 * 9x fewer operations (Darknet's published 6.97 against 62.94 billion FLOPs) but markedly less accurate (57.1 VOC 2007
 * mAP against YOLOv2's 76.8 at 416, Darknet's YOLOv2 page), and VOC's persons are fewer and larger than COCO's; it is
 * offered as {@link Variant#TINY_YOLO} where speed matters more than small or occluded people.
 * (DL4J's pretrained files are labelled {@link PretrainedType#IMAGENET} in the zoo, although their heads are the
 * COCO and VOC detectors.)
 *
 * <p><b>Pipeline</b> for one image of {@code W x H} pixels:
 * <ol>
 *   <li>resize to the network input {@code w x h} (multiples of 32): {@link Resize#STRETCH} as the converted
 *       model was evaluated (YAD2K {@code test_yad2k.py}: plain resize) or {@link Resize#LETTERBOX} as Darknet's
 *       {@code letterbox_image} (aspect kept, centred, grey 0.5 padding); bilinear; RGB; values /255;
 *       {@code [1, 3, h, w]} NCHW;</li>
 *   <li>the graph's {@link Yolo2OutputLayer} activations {@code [1, B * (5 + C), h/32, w/32]} (sigmoid x/y
 *       offsets, prior x exp(w/h) in grid cells, sigmoid objectness, softmax classes);</li>
 *   <li>{@link YoloUtils#getPredictedObjects} keeps cells with objectness {@code >=} the score threshold (the person
 *       score below cannot exceed it); the person score is objectness x P(person) as Darknet's
 *       {@code get_region_boxes} and kept when {@code >=} the threshold, whatever the arg-max class;</li>
 *   <li>non-maximum suppression by IoU among the person boxes ({@link YoloUtils#nms}, Darknet's {@code do_nms_sort}
 *       rule), then grid cells to input pixels (x 32) and input pixels to image pixels (undoing the resize or the
 *       letterbox), boxes clipped to the image.</li>
 * </ol>
 * Defaults (score 0.5, IoU 0.45) are Darknet's {@code detector test} ({@code examples/detector.c}: {@code thresh .5},
 * {@code nms .45}).
 *
 * <p>Not thread-safe (a DL4J graph is not): one detector per thread.
 */
public final class YoloPersonDetector implements PersonDetector {
    /** Total stride of the YOLOv2 backbone (five 2x2 max-pools): one grid cell is 32 input pixels. */
    public static final int STRIDE = 32;

    /** A zoo YOLOv2 model and the dataset its head was trained on. */
    public enum Variant {
        /** {@link YOLO2}: COCO, 80 classes, person = class 0, 608x608 input. */
        YOLO2_COCO("YOLO2", "COCO", 80, 0, 608),
        /** {@link TinyYOLO}: Pascal VOC, 20 classes, person = class 14, 416x416 input. */
        TINY_YOLO("TinyYOLO", "VOC", 20, 14, 416);

        private final String label;
        private final String dataset;
        private final int numClasses;
        private final int personClass;
        private final int defaultInput;

        Variant(String label, String dataset, int numClasses, int personClass, int defaultInput) {
            this.label = label;
            this.dataset = dataset;
            this.numClasses = numClasses;
            this.personClass = personClass;
            this.defaultInput = defaultInput;
        }

        /** @return the zoo model's name, e.g. {@code YOLO2} */
        public String label() {
            return label;
        }

        /** @return the training dataset of the pretrained head ({@code COCO} or {@code VOC}) */
        public String dataset() {
            return dataset;
        }

        /** @return the number of classes of the pretrained head (80 or 20) */
        public int numClasses() {
            return numClasses;
        }

        /** @return the index of the person class in the head (0 in {@code coco.names}, 14 in {@code voc.names}) */
        public int personClass() {
            return personClass;
        }

        /** @return the input side of the pretrained model, pixels (608 or 416) */
        public int defaultInput() {
            return defaultInput;
        }

        /**
         * The zoo model (architecture only; weights by {@code init()} or {@code initPretrained()}).
         *
         * @param inputW input width, pixels (multiple of 32)
         * @param inputH input height, pixels (multiple of 32)
         * @param seed weight initialisation seed
         * @return the zoo model with this variant's class count
         */
        public ZooModel<?> zooModel(int inputW, int inputH, long seed) {
            int[] shape = {3, inputH, inputW};
            return this == YOLO2_COCO
                    ? YOLO2.builder().numClasses(numClasses).inputShape(shape).seed(seed).build()
                    : TinyYOLO.builder().numClasses(numClasses).inputShape(shape).seed(seed).build();
        }

        /** @return the URL the zoo downloads the pretrained file from */
        public String pretrainedUrl() {
            return zooModel(defaultInput, defaultInput, 0).pretrainedUrl(PretrainedType.IMAGENET);
        }

        /**
         * @return where {@link ZooModel#initPretrained()} caches the pretrained file:
         *     {@code DL4JResources.getDirectory(ZOO_MODEL, modelName)/<file name of the URL>} (by default under
         *     {@code ~/.deeplearning4j/models/})
         */
        public Path cacheFile() {
            ZooModel<?> m = zooModel(defaultInput, defaultInput, 0);
            File dir = DL4JResources.getDirectory(ResourceType.ZOO_MODEL, m.modelName());
            return dir.toPath().resolve(new File(pretrainedUrl()).getName());
        }

        /** @return the cached pretrained file when present */
        public Optional<Path> cachedWeights() {
            Path f = cacheFile();
            return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
        }

        /**
         * @param name {@code yolo2} or {@code tinyyolo} (case-insensitive)
         * @return the variant
         * @throws IllegalArgumentException for another name
         */
        public static Variant byName(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "yolo2" -> YOLO2_COCO;
                case "tinyyolo", "tiny-yolo" -> TINY_YOLO;
                default -> throw new IllegalArgumentException("unknown YOLO model '" + name
                        + "': expected yolo2 or tinyyolo");
            };
        }
    }

    /** How the image is fitted to the network input. */
    public enum Resize {
        /** Plain resize to the input size (aspect ratio not kept): YAD2K's evaluation of the converted model. */
        STRETCH,
        /** Darknet's {@code letterbox_image}: scaled to fit, centred, the rest filled with grey 0.5. */
        LETTERBOX
    }

    /**
     * Detection settings.
     *
     * @param scoreThreshold keep boxes with person score (objectness x P(person)) {@code >=} this, in [0, 1]
     * @param nmsThreshold suppress a box whose IoU with a higher-scored one is {@code >} this, in (0, 1]
     * @param resize how the image is fitted to the input
     */
    public record Options(double scoreThreshold, double nmsThreshold, Resize resize) {
        /** @throws IllegalArgumentException if a threshold is out of range */
        public Options {
            Objects.requireNonNull(resize, "resize");
            if (!(scoreThreshold >= 0 && scoreThreshold <= 1) || !(nmsThreshold > 0 && nmsThreshold <= 1)) {
                throw new IllegalArgumentException("detector score threshold must be in [0, 1] and NMS IoU "
                        + "threshold in (0, 1], got " + scoreThreshold + " and " + nmsThreshold);
            }
        }

        /** @return Darknet's defaults: score 0.5, NMS IoU 0.45, plain resize */
        public static Options defaults() {
            return new Options(0.5, 0.45, Resize.STRETCH);
        }
    }

    /**
     * The image-to-input mapping of one image: {@code x_in = x_img * scaleX + padX}, {@code y_in = y_img * scaleY +
     * padY}.
     *
     * @param imageWidth image width W, pixels
     * @param imageHeight image height H, pixels
     * @param scaleX input pixels per image pixel, horizontally
     * @param scaleY input pixels per image pixel, vertically
     * @param padX left padding of the letterbox, input pixels (0 for a plain resize)
     * @param padY top padding, input pixels
     */
    public record Geometry(int imageWidth, int imageHeight, double scaleX, double scaleY, double padX, double padY) {
        /**
         * @param imageWidth W
         * @param imageHeight H
         * @param inputWidth w
         * @param inputHeight h
         * @param resize the fitting
         * @return the mapping ({@code STRETCH}: {@code w/W, h/H}; {@code LETTERBOX}: {@code s = min(w/W, h/H)},
         *     resized to {@code round(W s) x round(H s)}, padding {@code (w - round(W s)) / 2} in whole pixels, as
         *     Darknet's integer division)
         */
        public static Geometry of(int imageWidth, int imageHeight, int inputWidth, int inputHeight, Resize resize) {
            if (resize == Resize.STRETCH) {
                return new Geometry(imageWidth, imageHeight, (double) inputWidth / imageWidth,
                        (double) inputHeight / imageHeight, 0, 0);
            }
            double s = Math.min((double) inputWidth / imageWidth, (double) inputHeight / imageHeight);
            int nw = (int) Math.round(imageWidth * s);
            int nh = (int) Math.round(imageHeight * s);
            return new Geometry(imageWidth, imageHeight, (double) nw / imageWidth, (double) nh / imageHeight,
                    (inputWidth - nw) / 2, (inputHeight - nh) / 2);
        }

        /** @return the resized image's width inside the input, pixels */
        int resizedWidth() {
            return (int) Math.round(imageWidth * scaleX);
        }

        /** @return the resized image's height inside the input, pixels */
        int resizedHeight() {
            return (int) Math.round(imageHeight * scaleY);
        }
    }

    private final ComputationGraph graph;
    private final Variant variant;
    private final int inputWidth;
    private final int inputHeight;
    private final Options options;
    private final INDArray priors;
    private final int numClasses;

    /**
     * @param graph a YOLOv2 graph whose only output is a {@link Yolo2OutputLayer} (its bounding-box priors are used)
     * @param variant which head it is (fixes the person class)
     * @param inputWidth network input width, pixels (positive multiple of 32)
     * @param inputHeight network input height, pixels (positive multiple of 32)
     * @param options thresholds and resize
     * @throws IllegalArgumentException if the output layer is not a {@code Yolo2OutputLayer}, the input size is not a
     *                                  multiple of 32, or the head has too few classes for the person class
     */
    public YoloPersonDetector(ComputationGraph graph, Variant variant, int inputWidth, int inputHeight,
                              Options options) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.variant = Objects.requireNonNull(variant, "variant");
        this.options = Objects.requireNonNull(options, "options");
        if (inputWidth <= 0 || inputHeight <= 0 || inputWidth % STRIDE != 0 || inputHeight % STRIDE != 0) {
            throw new IllegalArgumentException("YOLO input size must be positive multiples of 32, got " + inputWidth
                    + "x" + inputHeight);
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        Layer out = graph.getOutputLayer(0).conf().getLayer();
        if (!(out instanceof Yolo2OutputLayer yolo)) {
            throw new IllegalArgumentException("not a YOLOv2 graph: its output layer is "
                    + out.getClass().getSimpleName() + ", expected Yolo2OutputLayer");
        }
        this.priors = yolo.getBoundingBoxes().castTo(DataType.DOUBLE);
        this.numClasses = classesOf(graph, priors.size(0));
        if (variant.personClass() >= numClasses) {
            throw new IllegalArgumentException("the " + variant.label() + " graph predicts " + numClasses
                    + " classes; the " + variant.dataset() + " person class " + variant.personClass()
                    + " needs at least " + (variant.personClass() + 1));
        }
    }

    /**
     * The zoo's pretrained model through {@link ZooModel#initPretrained()} (cached under {@link Variant#cacheFile()},
     * checksum verified by DL4J). When the file is not cached, the download URL is probed first with a 15 s connect
     * timeout, so an offline machine fails at once instead of waiting on DL4J's untimed download.
     *
     * @param variant the model
     * @param options thresholds and resize
     * @return the detector at the model's own input size
     * @throws IOException if the file is not cached and cannot be downloaded, or fails DL4J's checksum (then deleted
     *                     by DL4J); one line naming the URL and the cache file
     */
    public static YoloPersonDetector pretrained(Variant variant, Options options) throws IOException {
        String url = variant.pretrainedUrl();
        Path cache = variant.cacheFile();
        if (variant.cachedWeights().isEmpty()) {
            probe(url, cache, variant);
        }
        ComputationGraph g;
        try {
            g = (ComputationGraph) variant.zooModel(variant.defaultInput(), variant.defaultInput(), 0)
                    .initPretrained(PretrainedType.IMAGENET);
        } catch (IOException | RuntimeException e) {
            throw new IOException(variant.label() + " pretrained weights: " + url + " -> " + cache + ": "
                    + e.getMessage(), e);
        }
        return new YoloPersonDetector(g, variant, variant.defaultInput(), variant.defaultInput(), options);
    }

    /**
     * A YOLOv2 model saved by DL4J ({@link ModelSerializer}, e.g. the zoo's cached {@code yolo2_dl4j_inference.v3.zip}
     * copied elsewhere).
     *
     * @param variant which head it is
     * @param file the model zip
     * @param inputWidth network input width (multiple of 32)
     * @param inputHeight network input height (multiple of 32)
     * @param options thresholds and resize
     * @return the detector
     * @throws DataFormatException if the file is missing or is not a DL4J computation graph (names the file)
     * @throws IllegalArgumentException as the constructor
     */
    public static YoloPersonDetector load(Variant variant, Path file, int inputWidth, int inputHeight,
                                          Options options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "-", "detector weights", "file not found");
        }
        ComputationGraph g;
        try {
            g = ModelSerializer.restoreComputationGraph(file.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file, "-", "detector weights", "not a DL4J ComputationGraph zip ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        return new YoloPersonDetector(g, variant, inputWidth, inputHeight, options);
    }

    /**
     * The variant's architecture with randomly initialised weights (for tests of the plumbing and for timing; its
     * boxes are meaningless).
     *
     * @param variant the model
     * @param inputWidth input width (multiple of 32)
     * @param inputHeight input height (multiple of 32)
     * @param seed initialisation seed
     * @param options thresholds and resize
     * @return the detector
     */
    public static YoloPersonDetector random(Variant variant, int inputWidth, int inputHeight, long seed,
                                            Options options) {
        ComputationGraph g = (ComputationGraph) variant.zooModel(inputWidth, inputHeight, seed).init();
        return new YoloPersonDetector(g, variant, inputWidth, inputHeight, options);
    }

    /** @return the graph */
    public ComputationGraph graph() {
        return graph;
    }

    /** @return the variant */
    public Variant variant() {
        return variant;
    }

    /** @return the options */
    public Options options() {
        return options;
    }

    /** @return the bounding-box priors {@code [B, 2]} (width, height) in grid cells, from the output layer */
    public INDArray priors() {
        return priors.dup();
    }

    /** @return network input width, pixels */
    public int inputWidth() {
        return inputWidth;
    }

    /** @return network input height, pixels */
    public int inputHeight() {
        return inputHeight;
    }

    /**
     * The network input of one image.
     *
     * @param bgr 8-bit BGR image
     * @param geometry its mapping ({@link Geometry#of} with this detector's input size and resize)
     * @return {@code [1, 3, h, w]} float32 NCHW, RGB in [0, 1]
     * @throws IllegalArgumentException if the image is not 8-bit 3-channel
     */
    public INDArray input(Mat bgr, Geometry geometry) {
        PersonDetector.checkImage(bgr);
        int plane = inputWidth * inputHeight;
        float[] chw = new float[3 * plane];
        try (PointerScope scope = new PointerScope()) {
            Mat resized = new Mat();
            opencv_imgproc.resize(bgr, resized, new Size(geometry.resizedWidth(), geometry.resizedHeight()), 0, 0,
                    opencv_imgproc.INTER_LINEAR);
            Mat canvas = resized;
            if (resized.cols() != inputWidth || resized.rows() != inputHeight) {
                canvas = new Mat(inputHeight, inputWidth, CV_8UC3, new Scalar(128, 128, 128, 0));
                resized.copyTo(canvas.apply(new Rect((int) geometry.padX(), (int) geometry.padY(), resized.cols(),
                        resized.rows())));
            }
            Mat rgb = new Mat();
            opencv_imgproc.cvtColor(canvas, rgb, opencv_imgproc.COLOR_BGR2RGB);
            Mat f = new Mat();
            rgb.convertTo(f, CV_32FC3, 1.0 / 255, 0);
            FloatBuffer hwc = f.createBuffer();
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    chw[c * plane + p] = hwc.get(3 * p + c);
                }
            }
        }
        return Nd4j.create(chw, new long[] {1, 3, inputHeight, inputWidth}, 'c');
    }

    /**
     * Runs the detector on one image.
     *
     * @param bgr 8-bit BGR image
     * @param imageId ignored
     * @return person boxes in image pixels, highest score first
     * @throws IllegalArgumentException if the image is not 8-bit 3-channel
     */
    @Override
    public List<PersonBox> detect(Mat bgr, OptionalLong imageId) {
        PersonDetector.checkImage(bgr);
        Geometry g = Geometry.of(bgr.cols(), bgr.rows(), inputWidth, inputHeight, options.resize());
        INDArray out = graph.outputSingle(false, input(bgr, g));
        return decode(out, g);
    }

    /**
     * Decodes activated YOLOv2 output into person boxes of the image (steps 3 and 4 of the class comment).
     *
     * @param activations {@code [1, B * (5 + C), gh, gw]} as the {@link Yolo2OutputLayer} emits it (already
     *                    activated: offsets in [0, 1], sizes in grid cells, objectness and class probabilities)
     * @param geometry the image-to-input mapping of the image
     * @return person boxes in image pixels, clipped to the image, highest score first
     * @throws IllegalArgumentException if the shape does not fit the priors and the class count
     */
    public List<PersonBox> decode(INDArray activations, Geometry geometry) {
        long[] s = activations.shape();
        long b = priors.size(0);
        if (s.length != 4 || s[0] != 1 || s[1] != b * (5 + numClasses)) {
            throw new IllegalArgumentException("expected YOLO output [1, " + b * (5 + numClasses) + ", gh, gw], got "
                    + java.util.Arrays.toString(s));
        }
        double cellW = (double) inputWidth / s[3];
        double cellH = (double) inputHeight / s[2];
        double thr = options.scoreThreshold();
        List<DetectedObject> persons = new ArrayList<>();
        for (DetectedObject o : YoloUtils.getPredictedObjects(priors, activations.castTo(DataType.DOUBLE), thr, 0)) {
            double score = o.getConfidence() * o.getClassPredictions().getDouble(variant.personClass());
            if (score >= thr) {
                // one-element class vector: every candidate is "class 0", so NMS compares all person boxes
                persons.add(new DetectedObject(0, o.getCenterX(), o.getCenterY(), o.getWidth(), o.getHeight(),
                        Nd4j.scalar(score).reshape(1), score));
            }
        }
        YoloUtils.nms(persons, options.nmsThreshold());
        List<PersonBox> out = new ArrayList<>(persons.size());
        for (DetectedObject o : persons) {
            double x1 = ((o.getCenterX() - o.getWidth() / 2) * cellW - geometry.padX()) / geometry.scaleX();
            double y1 = ((o.getCenterY() - o.getHeight() / 2) * cellH - geometry.padY()) / geometry.scaleY();
            double x2 = ((o.getCenterX() + o.getWidth() / 2) * cellW - geometry.padX()) / geometry.scaleX();
            double y2 = ((o.getCenterY() + o.getHeight() / 2) * cellH - geometry.padY()) / geometry.scaleY();
            x1 = clamp(x1, geometry.imageWidth());
            x2 = clamp(x2, geometry.imageWidth());
            y1 = clamp(y1, geometry.imageHeight());
            y2 = clamp(y2, geometry.imageHeight());
            if (x2 > x1 && y2 > y1) {
                out.add(new PersonBox(x1, y1, x2 - x1, y2 - y1, o.getConfidence()));
            }
        }
        out.sort(Comparator.comparingDouble(PersonBox::score).reversed());
        return out;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s (%s person class %d, %dx%d %s, score >= %.2f, NMS IoU %.2f)",
                variant.label(), variant.dataset(), variant.personClass(), inputWidth, inputHeight,
                options.resize().name().toLowerCase(Locale.ROOT), options.scoreThreshold(), options.nmsThreshold());
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /** The class count of the head: output channels / number of priors - 5. */
    private static int classesOf(ComputationGraph graph, long numPriors) {
        String outName = graph.getConfiguration().getNetworkOutputs().get(0);
        List<String> inputs = graph.getConfiguration().getVertexInputs().get(outName);
        org.deeplearning4j.nn.conf.graph.GraphVertex v = graph.getConfiguration().getVertices().get(inputs.get(0));
        if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv) {
            return (int) (conv.getNOut() / numPriors - 5);
        }
        throw new IllegalArgumentException("not a YOLOv2 graph: the layer before its output is not a convolution");
    }

    private static void probe(String url, Path cache, Variant variant) throws IOException {
        try {
            URLConnection c = URI.create(url).toURL().openConnection();
            c.setConnectTimeout(15_000);
            c.setReadTimeout(15_000);
            if (c instanceof HttpURLConnection h) {
                h.setRequestMethod("HEAD");
                int code = h.getResponseCode();
                h.disconnect();
                if (code != 200) {
                    throw new IOException("HTTP " + code);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(variant.label() + " pretrained weights are not in the DL4J cache (" + cache
                    + ") and " + url + " cannot be reached (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "): put the file there or pass the detector weights file", e);
        }
    }
}
