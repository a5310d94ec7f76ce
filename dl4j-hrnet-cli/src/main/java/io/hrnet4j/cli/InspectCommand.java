package io.hrnet4j.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.iterator.ProcessedSample;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.data.transform.TopDownWarp;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hrnet inspect}: writes what the network is fed. For each sample, one PNG with two panels of the input size
 * (e.g. 192x256): left, the augmented crop (de-normalised) with the visible keypoints and the skeleton; right, the
 * crop under a JET colour overlay of the target heatmaps (maximum over joints, upsampled to the crop). Both panels are
 * drawn by {@link PoseRenderer}, the renderer of {@code hrnet predict}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Write augmented training crops with keypoints, skeleton and target heatmaps as PNG.")
public final class InspectCommand implements Callable<Integer> {
    /** Opacity of the target-heatmap overlay at heatmap value 1. */
    static final double HEATMAP_ALPHA = 0.7;

    @Option(names = "--dataset", required = true, description = "coco or mpii")
    String dataset;

    @Option(names = "--images", required = true, description = "folder of the images")
    Path images;

    @Option(names = "--annotations", required = true,
            description = "COCO person_keypoints_*.json or MPII annotation JSON")
    Path annotations;

    @Option(names = "--boxes", description = "COCO person detection results (boxes instead of ground truth)")
    Path boxes;

    @Option(names = "--samples", defaultValue = "8", description = "number of crops to write (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--out", required = true, description = "output folder (created)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "augmentation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--no-augment", description = "plain center/scale crops (evaluation mode)")
    boolean noAugment;

    @Override
    public Integer call() throws IOException {
        KeypointSchema schema = KeypointSchema.byName(dataset);
        TopDownRecipe recipe = TopDownRecipe.defaults(schema);
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        LoadedSamples loaded;
        if (schema == KeypointSchema.MPII) {
            loaded = MpiiAnnotations.load(annotations, images);
        } else if (boxes != null) {
            loaded = CocoKeypoints.detections(boxes, annotations, images, recipe.aspectRatio(),
                    CocoKeypoints.DEFAULT_IMAGE_THRESHOLD);
        } else {
            loaded = CocoKeypoints.groundTruth(annotations, images, recipe.aspectRatio());
        }
        if (loaded.size() == 0) {
            throw new IllegalArgumentException("no samples in " + annotations + ": " + loaded.summary());
        }
        AtomicFiles.checkWritableFolder(out);
        TopDownSampleProcessor proc = new TopDownSampleProcessor(recipe, !noAugment);
        System.out.println(loaded.summary());
        for (int i = 0; i < samples; i++) {
            int idx = i % loaded.size();
            long epoch = i / loaded.size();
            ProcessedSample p = proc.process(loaded.samples().get(idx), idx, seed, epoch);
            Path file = out.resolve(String.format(Locale.ROOT, "%s_%03d_img%d_ann%d.png", schema.name(), i,
                    p.meta().imageId(), p.meta().annotationId()));
            write(p, recipe, file);
            System.out.printf(Locale.ROOT, "%s  rot %.1f  flip %s  scale %.3f  joints %d/%d%n", file.getFileName(),
                    p.meta().rotationDeg(), p.meta().flipped(), p.meta().scaleW(),
                    (int) sum(p.weights()), p.weights().length);
        }
        return 0;
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    /**
     * Renders one processed sample through {@link PoseRenderer}: left panel the de-normalised crop with the visible
     * joints and the skeleton, right panel the crop under the target heatmaps (maximum over joints, JET, opacity
     * {@value #HEATMAP_ALPHA} x value).
     *
     * @param p the sample
     * @param recipe its recipe (sizes, skeleton)
     * @param file the PNG to write
     * @throws IOException if the PNG cannot be written
     */
    static void write(ProcessedSample p, TopDownRecipe recipe, Path file) throws IOException {
        int w = recipe.inputWidth();
        int h = recipe.inputHeight();
        int k = p.weights().length;
        PoseRenderer renderer = new PoseRenderer(recipe.schema(), new PoseRenderer.Style(0.5, 2, 3, HEATMAP_ALPHA));
        try (PointerScope scope = new PointerScope()) {
            Mat crop = new Mat(h, w, CV_8UC3);
            ByteBuffer cb = crop.createBuffer();
            int plane = h * w;
            float[] in = p.input();
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) { // BGR out, RGB in
                    float v = (in[(2 - c) * plane + i] * TopDownWarp.STD_RGB[2 - c] + TopDownWarp.MEAN_RGB[2 - c]) * 255f;
                    cb.put(3 * i + c, (byte) Math.max(0, Math.min(255, Math.round(v))));
                }
            }
            Mat overlay = crop.clone();
            renderer.drawHeatmaps(overlay, p.heatmaps(), k, recipe.heatmapHeight(), recipe.heatmapWidth(), new double[][] {
                    {(double) recipe.heatmapWidth() / w, 0, 0}, {0, (double) recipe.heatmapHeight() / h, 0}});
            Mat left = crop.clone();
            double[][] j = p.jointsInCrop();
            double[] flat = new double[3 * j.length];
            for (int i = 0; i < j.length; i++) {
                flat[3 * i] = j[i][0];
                flat[3 * i + 1] = j[i][1];
                flat[3 * i + 2] = j[i][2] > 0 ? 1 : 0;
            }
            renderer.draw(left, flat);
            Mat both = new Mat();
            opencv_core.hconcat(new MatVector(left, overlay), both);
            PoseRenderer.write(both, file);
        }
    }
}
