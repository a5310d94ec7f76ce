package io.hrnet4j.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.iterator.ProcessedSample;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.data.transform.TopDownWarp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hrnet inspect}: writes what the network is fed. For each sample, one PNG with two panels of the input size
 * (e.g. 192x256): left, the augmented crop (de-normalised) with the visible keypoints and the skeleton; right, the
 * crop under a JET colour overlay of the target heatmaps (maximum over joints, upsampled to the crop).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Write augmented training crops with keypoints, skeleton and target heatmaps as PNG.")
public final class InspectCommand implements Callable<Integer> {

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
        Files.createDirectories(out);
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
     * Renders one processed sample.
     *
     * @param p the sample
     * @param recipe its recipe (sizes, skeleton)
     * @param file the PNG to write
     * @throws IOException if the PNG cannot be written
     */
    static void write(ProcessedSample p, TopDownRecipe recipe, Path file) throws IOException {
        int w = recipe.inputWidth();
        int h = recipe.inputHeight();
        int hw = recipe.heatmapWidth();
        int hh = recipe.heatmapHeight();
        int k = p.weights().length;
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
            Mat heat = new Mat(hh, hw, CV_8UC1);
            ByteBuffer hb = heat.createBuffer();
            float[] hm = p.heatmaps();
            for (int i = 0; i < hh * hw; i++) {
                float m = 0;
                for (int j = 0; j < k; j++) {
                    m = Math.max(m, hm[j * hh * hw + i]);
                }
                hb.put(i, (byte) Math.round(m * 255));
            }
            Mat heatUp = new Mat();
            opencv_imgproc.resize(heat, heatUp, new Size(w, h), 0, 0, opencv_imgproc.INTER_LINEAR);
            Mat colour = new Mat();
            opencv_imgproc.applyColorMap(heatUp, colour, opencv_imgproc.COLORMAP_JET);
            Mat overlay = new Mat();
            opencv_core.addWeighted(crop, 0.5, colour, 0.5, 0, overlay);
            Mat left = crop.clone();
            double[][] j = p.jointsInCrop();
            for (int[] limb : recipe.schema().skeleton()) {
                double[] a = j[limb[0]];
                double[] b = j[limb[1]];
                if (a[2] > 0 && b[2] > 0) {
                    opencv_imgproc.line(left, pt(a), pt(b), new Scalar(255, 200, 0, 0), 2, opencv_imgproc.LINE_AA, 0);
                }
            }
            for (int i = 0; i < j.length; i++) {
                if (j[i][2] > 0) {
                    boolean upper = recipe.schema().isUpperBody(i);
                    Scalar col = upper ? new Scalar(0, 255, 0, 0) : new Scalar(0, 0, 255, 0);
                    opencv_imgproc.circle(left, pt(j[i]), 3, col, -1, opencv_imgproc.LINE_AA, 0);
                }
            }
            Mat both = new Mat();
            opencv_core.hconcat(new MatVector(left, overlay), both);
            if (!opencv_imgcodecs.imwrite(file.toString(), both)) {
                throw new IOException("could not write " + file);
            }
        }
    }

    private static Point pt(double[] xy) {
        return new Point((int) Math.round(xy[0]), (int) Math.round(xy[1]));
    }
}
