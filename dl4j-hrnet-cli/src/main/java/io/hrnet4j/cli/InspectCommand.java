package io.hrnet4j.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.iterator.ProcessedSample;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.data.transform.TopDownWarp;
import io.hrnet4j.zoo.render.PoseRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Spec
    private CommandSpec spec;

    @Mixin
    DataFilesOptions data;

    @Option(names = "--samples", defaultValue = "8", paramLabel = "N",
            description = "Number of crops to write (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Augmentation seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-augment", description = "Plain center/scale crops (evaluation mode).")
    boolean noAugment;

    @Override
    public Integer call() throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        KeypointSchema schema = data.schema();
        TopDownRecipe recipe = TopDownRecipe.defaults(schema);
        LoadedSamples loaded = data.samples(recipe.aspectRatio());
        if (loaded.size() == 0) {
            throw new IllegalArgumentException("no samples in " + data.annotations + ": " + loaded.summary());
        }
        AtomicFiles.checkWritableFolder(out);
        TopDownSampleProcessor proc = new TopDownSampleProcessor(recipe, !noAugment);
        PrintWriter o = spec.commandLine().getOut();
        o.println(loaded.summary());
        for (int i = 0; i < samples; i++) {
            int idx = i % loaded.size();
            long epoch = i / loaded.size();
            ProcessedSample p = proc.process(loaded.samples().get(idx), idx, seed, epoch);
            Path file = out.resolve(String.format(Locale.ROOT, "%s_%03d_img%d_ann%d.png", schema.name(), i,
                    p.meta().imageId(), p.meta().annotationId()));
            write(p, recipe, file);
            o.printf(Locale.ROOT, "%s  rot %.1f  flip %s  scale %.3f  joints %d/%d%n", file.getFileName(),
                    p.meta().rotationDeg(), p.meta().flipped(), p.meta().scaleW(),
                    (int) sum(p.weights()), p.weights().length);
        }
        o.flush();
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
