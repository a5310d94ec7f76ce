package io.hrnet4j.data.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.DataFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default dataset: a procedurally generated COCO-format keypoint dataset of articulated, people-like
 * figures (the 17 COCO joints), written as JPEG images plus {@code person_keypoints_<split>.json} so that the
 * ordinary COCO reader, augmentation and evaluation consume it unchanged. Nothing is downloaded.
 *
 * <p>Layout of a dataset folder:
 * <pre>
 *   images/train/000000000001.jpg ...            (train ids 1..N)
 *   images/val/000001000001.jpg ...              (val ids 1000001..)
 *   annotations/person_keypoints_train.json
 *   annotations/person_keypoints_val.json
 *   person_detection_results/synthetic_val_detections.json   (COCO results format: jittered GT boxes, score 1)
 *   synthetic-dataset.json                       (marker: the parameters; written last)
 * </pre>
 *
 * <p>Annotation conventions: keypoints {@code [x, y, v] * 17} in pixels with pixel centres at integer coordinates
 * (the COCO convention the official HRNet pipeline assumes), two decimals; {@code v = 2} visible, {@code v = 1}
 * inside the image but hidden (by an occluding object, another figure, or the figure's own head or arm),
 * {@code v = 0} outside the image (written as 0, 0, 0). {@code area} is the pixel count of the figure's whole
 * silhouette clipped to the image (amodal: parts hidden by later layers count), {@code bbox} its tight box, and
 * {@code segmentation} its uncompressed RLE; real COCO masks are modal (visible part only), so the synthetic area
 * is slightly larger than COCO's would be for occluded figures, which keeps the OKS scale stable under occlusion.
 *
 * <p>Generation is deterministic: image {@code i} of a split is drawn from its own random stream derived from
 * (seed, split, i), so the same parameters give the same bytes whatever the thread count; the val split is a
 * different stream (held out). The default (2,000 train + 200 val images of 192x160) takes a few seconds.
 *
 * <p>Left and right: figures face the viewer, so a figure's left side is on the image right (as for a frontal
 * person in COCO), and every limb carries a contrasting band over the half of its width that lies to the left of
 * its proximal-to-distal direction for a left limb, to the right for a right limb. Both cues stay consistent under
 * the horizontal-flip augmentation with swapped flip pairs (a mirrored left band rule is the right band rule), so a
 * network can learn them; a fixed colour per side would not survive the flip (the mirrored image would show the
 * "left" colour on the limbs now labelled right) and would also defeat the flip test.
 *
 * <p>Figure model and drawing: package-private {@code SceneRenderer}; the default figure height is 0.5-0.95 of
 * the image height, whole-figure lean up to 30 degrees, 1-3 figures whose joint boxes overlap by IoU {@literal <=} 0.3.
 */
public final class SyntheticPoseDataset {
    /** Version of the generator; part of the cache key, so that a changed renderer never reuses old files. */
    public static final int GENERATOR_VERSION = 1;
    /** Name of the marker file, written last. */
    public static final String MARKER = "synthetic-dataset.json";
    /** Name of the file that marks a generation in progress, written first. */
    static final String INCOMPLETE = ".incomplete";
    private static final String LOCK = ".lock";
    /** Id offset of the val split's images (train images are numbered from 1). */
    static final long VAL_ID_OFFSET = 1_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticPoseDataset.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Parameters parameters;

    private SyntheticPoseDataset(Path root, Parameters parameters) {
        this.root = root;
        this.parameters = parameters;
    }

    /** @return a builder with the defaults (seed 42, 2,000 train and 200 val images of 192x160, 1-3 figures) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default cache root: the system property {@code hrnet.cache.dir}, else the environment variable
     * {@code HRNET_CACHE}, else {@code $XDG_CACHE_HOME/hrnet4j}, else {@code ~/.cache/hrnet4j}.
     *
     * @return the folder under which {@code synthetic-<hash>} folders are created
     */
    public static Path defaultCacheRoot() {
        String p = System.getProperty("hrnet.cache.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("HRNET_CACHE");
        }
        if (p != null && !p.isBlank()) {
            return Paths.get(p).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Paths.get(xdg, "hrnet4j").toAbsolutePath();
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "hrnet4j");
    }

    /** @return the dataset folder */
    public Path root() {
        return root;
    }

    /** @return the parameters the dataset was generated with */
    public Parameters parameters() {
        return parameters;
    }

    /** @return the training split */
    public Split train() {
        return split("train", parameters.trainImages());
    }

    /** @return the held-out validation split */
    public Split val() {
        return split("val", parameters.valImages());
    }

    /**
     * @return the val split's person boxes in the COCO detection-results format
     *         ({@code [{"image_id", "category_id": 1, "bbox": [x, y, w, h], "score": 1.0}]}): the ground-truth
     *         boxes jittered by {@link Parameters#boxJitter()}, for the detection-box evaluation path
     */
    public Path valDetections() {
        return detectionsFile(root);
    }

    private Split split(String name, int count) {
        return new Split(name, root.resolve("images").resolve(name), annotationFile(root, name), count);
    }

    private static Path annotationFile(Path root, String split) {
        return root.resolve("annotations").resolve("person_keypoints_" + split + ".json");
    }

    private static Path detectionsFile(Path root) {
        return root.resolve("person_detection_results").resolve("synthetic_val_detections.json");
    }

    @Override
    public String toString() {
        return "SyntheticPoseDataset[" + root + ", " + parameters.canonical() + "]";
    }

    /**
     * One split on disk.
     *
     * @param name {@code train} or {@code val}
     * @param imageDir folder of the JPEG images (the COCO {@code file_name}s are relative to it)
     * @param annotationFile {@code annotations/person_keypoints_<name>.json}
     * @param imageCount number of images
     */
    public record Split(String name, Path imageDir, Path annotationFile, int imageCount) {
    }

    /**
     * Everything that determines the generated bytes. Fractions are of the image height.
     *
     * @param seed master seed
     * @param trainImages number of train images (0..999,999)
     * @param valImages number of val images (0..999,999)
     * @param imageWidth image width, pixels (32..4096)
     * @param imageHeight image height, pixels (32..4096)
     * @param minPeople least figures per image (1..maxPeople)
     * @param maxPeople most figures per image (minPeople..9)
     * @param minPersonHeight least figure height as a fraction of the image height (0.1..maxPersonHeight)
     * @param maxPersonHeight most figure height as a fraction of the image height (minPersonHeight..1)
     * @param occlusionRate probability that an occluding object is drawn over a figure (0..1)
     * @param truncationRate probability that a figure is placed across an image border (0..1)
     * @param maxLeanDegrees largest rotation of a whole figure, degrees (0..90; drawn from N(0, max/2.5), clipped)
     * @param jpegQuality JPEG quality (0.5..1)
     * @param boxJitter relative jitter of the val detection boxes (0..0.5)
     */
    public record Parameters(long seed, int trainImages, int valImages, int imageWidth, int imageHeight,
                             int minPeople, int maxPeople, double minPersonHeight, double maxPersonHeight,
                             double occlusionRate, double truncationRate, double maxLeanDegrees, double jpegQuality,
                             double boxJitter) {

        /** @throws IllegalArgumentException naming the first parameter out of range */
        public Parameters {
            check(trainImages >= 0 && trainImages < VAL_ID_OFFSET, "trainImages", "0..999999", trainImages);
            check(valImages >= 0 && valImages < VAL_ID_OFFSET, "valImages", "0..999999", valImages);
            check(imageWidth >= 32 && imageWidth <= 4096, "imageWidth", "32..4096", imageWidth);
            check(imageHeight >= 32 && imageHeight <= 4096, "imageHeight", "32..4096", imageHeight);
            check(minPeople >= 1 && minPeople <= 9, "minPeople", "1..9", minPeople);
            check(maxPeople >= minPeople && maxPeople <= 9, "maxPeople", "minPeople (" + minPeople + ")..9",
                    maxPeople);
            check(minPersonHeight >= 0.1 && minPersonHeight <= 1, "minPersonHeight", "0.1..1", minPersonHeight);
            check(maxPersonHeight >= minPersonHeight && maxPersonHeight <= 1, "maxPersonHeight",
                    "minPersonHeight (" + minPersonHeight + ")..1", maxPersonHeight);
            check(occlusionRate >= 0 && occlusionRate <= 1, "occlusionRate", "0..1", occlusionRate);
            check(truncationRate >= 0 && truncationRate <= 1, "truncationRate", "0..1", truncationRate);
            check(maxLeanDegrees >= 0 && maxLeanDegrees <= 90, "maxLeanDegrees", "0..90", maxLeanDegrees);
            check(jpegQuality >= 0.5 && jpegQuality <= 1, "jpegQuality", "0.5..1", jpegQuality);
            check(boxJitter >= 0 && boxJitter <= 0.5, "boxJitter", "0..0.5", boxJitter);
        }

        private static void check(boolean ok, String name, String range, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(
                        "synthetic dataset parameter " + name + " must be in " + range + ", got " + value);
            }
        }

        /** @return a stable text of every parameter and the generator version (the cache key) */
        public String canonical() {
            return String.format(Locale.ROOT,
                    "v=%d;seed=%d;train=%d;val=%d;size=%dx%d;people=%d-%d;height=%s-%s;occlusion=%s;"
                            + "truncation=%s;lean=%s;jpeg=%s;jitter=%s",
                    GENERATOR_VERSION, seed, trainImages, valImages, imageWidth, imageHeight, minPeople, maxPeople,
                    minPersonHeight, maxPersonHeight, occlusionRate, truncationRate, maxLeanDegrees, jpegQuality,
                    boxJitter);
        }

        /** @return the first 16 hex digits of the SHA-256 of {@link #canonical()} */
        public String hash() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(d, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }
    }

    /**
     * Parameters of the dataset and the two ways to obtain it: {@link #generate(Path)} (a cache folder named by the
     * parameters' hash) and {@link #generateInto(Path)} (a folder of the caller's choice). Defaults: seed 42,
     * 2,000 train and 200 val images, 192x160 pixels, 1-3 figures per image, figure height 0.5-0.95 of the image,
     * occlusion rate 0.3, truncation rate 0.15, lean up to 30 degrees, JPEG quality 0.9, box jitter 0.05,
     * threads = min(4, available processors) (does not change the output).
     */
    public static final class Builder {
        private long seed = 42;
        private int trainImages = 2000;
        private int valImages = 200;
        private int imageWidth = 192;
        private int imageHeight = 160;
        private int minPeople = 1;
        private int maxPeople = 3;
        private double minPersonHeight = 0.5;
        private double maxPersonHeight = 0.95;
        private double occlusionRate = 0.3;
        private double truncationRate = 0.15;
        private double maxLeanDegrees = 30;
        private double jpegQuality = 0.9;
        private double boxJitter = 0.05;
        private int threads = Math.min(4, Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        /** @param seed master seed @return this */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param train number of train images @param val number of val images @return this */
        public Builder counts(int train, int val) {
            this.trainImages = train;
            this.valImages = val;
            return this;
        }

        /** @param width image width, pixels @param height image height, pixels @return this */
        public Builder imageSize(int width, int height) {
            this.imageWidth = width;
            this.imageHeight = height;
            return this;
        }

        /** @param min least figures per image @param max most figures per image @return this */
        public Builder peoplePerImage(int min, int max) {
            this.minPeople = min;
            this.maxPeople = max;
            return this;
        }

        /**
         * @param min least figure height, fraction of the image height
         * @param max most figure height, fraction of the image height
         * @return this
         */
        public Builder personHeight(double min, double max) {
            this.minPersonHeight = min;
            this.maxPersonHeight = max;
            return this;
        }

        /** @param rate probability of an occluding object over each figure @return this */
        public Builder occlusionRate(double rate) {
            this.occlusionRate = rate;
            return this;
        }

        /** @param rate probability that a figure crosses an image border @return this */
        public Builder truncationRate(double rate) {
            this.truncationRate = rate;
            return this;
        }

        /** @param degrees largest whole-figure rotation, degrees @return this */
        public Builder maxLeanDegrees(double degrees) {
            this.maxLeanDegrees = degrees;
            return this;
        }

        /** @param quality JPEG quality, 0.5..1 @return this */
        public Builder jpegQuality(double quality) {
            this.jpegQuality = quality;
            return this;
        }

        /** @param jitter relative jitter of the val detection boxes @return this */
        public Builder boxJitter(double jitter) {
            this.boxJitter = jitter;
            return this;
        }

        /**
         * @param threads rendering threads (>= 1); the output does not depend on it
         * @return this
         * @throws IllegalArgumentException when {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("synthetic dataset threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @return the validated parameters
         * @throws IllegalArgumentException naming the first parameter out of range
         */
        public Parameters parameters() {
            return new Parameters(seed, trainImages, valImages, imageWidth, imageHeight, minPeople, maxPeople,
                    minPersonHeight, maxPersonHeight, occlusionRate, truncationRate, maxLeanDegrees, jpegQuality,
                    boxJitter);
        }

        /**
         * Returns the dataset in {@code cacheRoot/synthetic-<hash>}, generating it first unless a complete copy (its
         * marker file present with the same parameters) is already there. A folder without the marker (a run
         * interrupted while generating) is emptied and generated again. Concurrent calls, also from other
         * processes, wait for each other (file lock).
         *
         * @param cacheRoot folder of the cache, e.g. {@link #defaultCacheRoot()}; created when missing
         * @return the dataset
         * @throws IOException when the folder cannot be written
         * @throws IllegalArgumentException naming a parameter out of range
         */
        public SyntheticPoseDataset generate(Path cacheRoot) throws IOException {
            Parameters p = parameters();
            Path dir = cacheRoot.toAbsolutePath().normalize().resolve("synthetic-" + p.hash());
            return obtain(dir, p, threads, true);
        }

        /**
         * Writes the dataset into {@code dir} (created when missing), or reuses it when {@code dir} already holds
         * this dataset (same parameters). A folder left half-written by an interrupted run is regenerated.
         *
         * @param dir target folder
         * @return the dataset
         * @throws DataFormatException when {@code dir} holds other files, a synthetic dataset with other
         *         parameters, or an unreadable marker file (nothing is deleted then); the message names the folder
         * @throws IOException when the folder cannot be written
         * @throws IllegalArgumentException naming a parameter out of range
         */
        public SyntheticPoseDataset generateInto(Path dir) throws IOException {
            return obtain(dir.toAbsolutePath().normalize(), parameters(), threads, false);
        }
    }

    // ------------------------------------------------------------------------------------------ generation

    private static SyntheticPoseDataset obtain(Path dir, Parameters p, int threads, boolean owned)
            throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException(dir + ": cannot create the dataset folder: " + e, e);
        }
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir, k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Path marker = dir.resolve(MARKER);
            if (Files.exists(marker)) {
                String found;
                try {
                    found = readMarker(dir, marker);
                } catch (DataFormatException e) {
                    if (!owned) {
                        throw e;
                    }
                    found = "";
                }
                if (found.equals(p.canonical()) && !Files.exists(dir.resolve(INCOMPLETE))
                        && Files.isRegularFile(annotationFile(dir, "train"))
                        && Files.isRegularFile(annotationFile(dir, "val"))
                        && Files.isRegularFile(detectionsFile(dir))) {
                    LOG.info("synthetic dataset: reusing {}", dir);
                    return new SyntheticPoseDataset(dir, p);
                }
                if (!owned && !found.equals(p.canonical())) {
                    throw new DataFormatException(dir.toString(), "holds a synthetic dataset generated with other "
                            + "parameters (" + found + "); choose another folder or delete this one");
                }
            } else if (!owned && !Files.exists(dir.resolve(INCOMPLETE)) && hasOtherFiles(dir)) {
                throw new DataFormatException(dir.toString(), "is not empty and holds no synthetic dataset (no "
                        + MARKER + "); refusing to overwrite it: choose an empty or new folder");
            }
            clear(dir);
            Files.writeString(dir.resolve(INCOMPLETE), p.canonical());
            write(dir, p, threads);
            ObjectNode node = JSON.createObjectNode();
            node.put("canonical", p.canonical());
            node.set("parameters", JSON.valueToTree(p));
            AtomicFiles.writeBytes(marker, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            Files.delete(dir.resolve(INCOMPLETE));
            return new SyntheticPoseDataset(dir, p);
        } finally {
            jvmLock.unlock();
        }
    }

    private static String readMarker(Path dir, Path marker) throws DataFormatException {
        try {
            JsonNode node = JSON.readTree(marker.toFile());
            JsonNode canonical = node == null ? null : node.get("canonical");
            if (canonical == null || !canonical.isTextual()) {
                throw new DataFormatException(dir.toString(), MARKER + " has no text field 'canonical'");
            }
            return canonical.asText();
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(dir.toString(), MARKER + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static boolean hasOtherFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path e : ds) {
                if (!e.getFileName().toString().equals(LOCK)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Deletes everything in {@code dir} but the lock file. */
    private static void clear(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path e : ds) {
                if (!e.getFileName().toString().equals(LOCK)) {
                    entries.add(e);
                }
            }
        }
        for (Path e : entries) {
            try (Stream<Path> walk = Files.walk(e)) {
                for (Path q : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    private static void write(Path dir, Parameters p, int threads) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dir.resolve("annotations"));
        Files.createDirectories(dir.resolve("person_detection_results"));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "synthetic-render");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CocoJsonWriter.ImageEntry> train = writeSplit(dir, p, "train", 0, p.trainImages(), 0, pool);
            CocoJsonWriter.writeKeypoints(annotationFile(dir, "train"), description(p, "train"), train);
            List<CocoJsonWriter.ImageEntry> val = writeSplit(dir, p, "val", 1, p.valImages(), VAL_ID_OFFSET, pool);
            CocoJsonWriter.writeKeypoints(annotationFile(dir, "val"), description(p, "val"), val);
            CocoJsonWriter.writeDetections(detectionsFile(dir), val, new SplittableRandom(mix(p.seed(), 7, 0)),
                    p.boxJitter());
        } finally {
            pool.shutdownNow();
        }
        LOG.info("synthetic dataset: {} train + {} val images written to {} in {} ms", p.trainImages(),
                p.valImages(), dir, (System.nanoTime() - t0) / 1_000_000);
    }

    private static String description(Parameters p, String split) {
        return "hrnet4j synthetic keypoint dataset, split " + split + " (" + p.canonical() + ")";
    }

    private static List<CocoJsonWriter.ImageEntry> writeSplit(Path dir, Parameters p, String split, int splitIndex,
                                                             int count, long idOffset, ExecutorService pool)
            throws IOException {
        Path images = dir.resolve("images").resolve(split);
        Files.createDirectories(images);
        SceneRenderer renderer = new SceneRenderer(p);
        AtomicInteger done = new AtomicInteger();
        int step = Math.max(1, count / 10);
        List<Future<CocoJsonWriter.ImageEntry>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int index = i;
            futures.add(pool.submit(() -> {
                long id = idOffset + index + 1;
                String name = String.format(Locale.ROOT, "%012d.jpg", id);
                SceneRenderer.Scene scene = renderer.render(new SplittableRandom(mix(p.seed(), splitIndex, index)));
                Files.write(images.resolve(name), jpeg(scene.image(), (float) p.jpegQuality()));
                List<CocoJsonWriter.PersonEntry> people = new ArrayList<>();
                for (SyntheticPerson person : scene.people()) {
                    people.add(CocoJsonWriter.PersonEntry.of(person, p.imageWidth(), p.imageHeight()));
                }
                int n = done.incrementAndGet();
                if (n % step == 0 || n == count) {
                    LOG.info("synthetic {}: {} / {} images", split, n, count);
                }
                return new CocoJsonWriter.ImageEntry(id, name, p.imageWidth(), p.imageHeight(), people);
            }));
        }
        List<CocoJsonWriter.ImageEntry> out = new ArrayList<>(count);
        for (Future<CocoJsonWriter.ImageEntry> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while generating the synthetic " + split + " split", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new IOException("generating the synthetic " + split + " split failed: " + c, c);
            }
        }
        return out;
    }

    /**
     * Renders the scene of image {@code index} of a split in memory, exactly as {@link Builder#generate} writes it
     * (before JPEG compression).
     *
     * @param p parameters
     * @param val {@code true} for the val split
     * @param index image index in the split (0-based)
     * @return the scene
     */
    static SceneRenderer.Scene renderScene(Parameters p, boolean val, int index) {
        return new SceneRenderer(p).render(new SplittableRandom(mix(p.seed(), val ? 1 : 0, index)));
    }

    /** JPEG bytes of an image at the given quality (baseline, JFIF, no other metadata). */
    static byte[] jpeg(java.awt.image.BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
    }

    /** SplitMix64-style mixing of (seed, split, index) into the seed of one image's random stream. */
    static long mix(long seed, int split, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + (split + 1) * 0xBF58476D1CE4E5B9L;
        z = fmix(z) + index * 0x94D049BB133111EBL;
        return fmix(z);
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticPoseDataset d && d.root.equals(root) && d.parameters.equals(parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, parameters);
    }
}
