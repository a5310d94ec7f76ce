package io.hrnet4j.zoo.eval;

import io.hrnet4j.data.iterator.ProcessedSample;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A "perfect" pose network for tests: for each crop it was prepared with (recognised by its exact pixel content),
 * it returns unnormalised Gaussians (sigma 2, peak 1) centred exactly at the ground-truth joints in heatmap
 * coordinates ({@code joint in crop / 4}, unquantised), and zero heatmaps for unlabelled joints. For the mirrored
 * crop it returns what a perfect network sees there: the joints at {@code W - 1 - x}, left and right swapped.
 */
final class PerfectNetwork implements PoseNetwork {
    private final HRNetConfig cfg;
    private final Map<FloatBuffer, float[]> answers = new HashMap<>();

    PerfectNetwork(HRNetConfig cfg, KeypointSchema schema, List<PoseSample> samples) throws IOException {
        this(cfg, schema, samples, true);
    }

    /**
     * @param swapOnMirror false gives a network that mirrors the positions but forgets to swap left and right on
     *     the mirrored crop (what a flip test without the pair swap would assume)
     */
    PerfectNetwork(HRNetConfig cfg, KeypointSchema schema, List<PoseSample> samples, boolean swapOnMirror)
            throws IOException {
        this.cfg = cfg;
        TopDownRecipe recipe = TopDownRecipe.defaults(schema).withInputSize(cfg.inputWidth(), cfg.inputHeight())
                .withoutAugmentation();
        TopDownSampleProcessor proc = new TopDownSampleProcessor(recipe, false);
        int w = cfg.inputWidth();
        int[] flip = schema.flipIndex();
        if (!swapOnMirror) {
            flip = new int[flip.length];
            for (int c = 0; c < flip.length; c++) {
                flip[c] = c;
            }
        }
        for (int i = 0; i < samples.size(); i++) {
            ProcessedSample p = proc.process(samples.get(i), i, 0, 0);
            double[][] j = p.jointsInCrop();
            answers.put(FloatBuffer.wrap(p.input()), render(j, null, w));
            answers.put(FloatBuffer.wrap(mirror(p.input(), w)), render(j, flip, w));
        }
    }

    private float[] render(double[][] joints, int[] flip, int w) {
        int k = joints.length;
        int hh = cfg.heatmapHeight();
        int hw = cfg.heatmapWidth();
        float[] out = new float[k * hh * hw];
        for (int c = 0; c < k; c++) {
            double[] jt = joints[flip == null ? c : flip[c]];
            if (jt[2] <= 0) {
                continue;
            }
            double x = (flip == null ? jt[0] : w - 1 - jt[0]) / 4.0; // mirrored crop: x -> W - 1 - x
            double y = jt[1] / 4.0;
            for (int r = 0; r < hh; r++) {
                for (int q = 0; q < hw; q++) {
                    double d2 = (q - x) * (q - x) + (r - y) * (r - y);
                    out[(c * hh + r) * hw + q] = (float) Math.exp(-d2 / 8.0);
                }
            }
        }
        return out;
    }

    static float[] mirror(float[] chw, int w) {
        float[] out = new float[chw.length];
        for (int r = 0; r < chw.length; r += w) {
            for (int x = 0; x < w; x++) {
                out[r + x] = chw[r + w - 1 - x];
            }
        }
        return out;
    }

    @Override
    public HRNetConfig config() {
        return cfg;
    }

    @Override
    public INDArray output(INDArray input) {
        PoseNetwork.checkInput(cfg, input);
        int n = (int) input.size(0);
        int len = 3 * cfg.inputHeight() * cfg.inputWidth();
        float[] all = input.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int hmLen = cfg.numJoints() * cfg.heatmapHeight() * cfg.heatmapWidth();
        float[] out = new float[n * hmLen];
        for (int i = 0; i < n; i++) {
            float[] one = java.util.Arrays.copyOfRange(all, i * len, (i + 1) * len);
            float[] hm = answers.get(FloatBuffer.wrap(one));
            if (hm == null) {
                throw new IllegalStateException("the perfect network was not prepared for crop " + i);
            }
            System.arraycopy(hm, 0, out, i * hmLen, hmLen);
        }
        return Nd4j.create(out, new long[] {n, cfg.numJoints(), cfg.heatmapHeight(), cfg.heatmapWidth()}, 'c');
    }
}
