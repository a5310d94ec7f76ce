package io.hrnet4j.zoo.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.geometry.AffineTransforms;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.keypoints.KeypointSchema;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Drawing of skeletons: limb colours, joints hidden under the threshold, bad input. */
class PoseRendererTest {

    private static Mat black() {
        return new Mat(100, 100, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
    }

    private static int[] px(Mat m, int x, int y) {
        UByteIndexer i = m.createIndexer();
        return new int[] {i.get(y, x, 0), i.get(y, x, 1), i.get(y, x, 2)};
    }

    /** COCO pose with only the left shoulder (5) and left elbow (7) shown: limb index 8 is (5, 7). */
    private static double[] armPose(double elbowScore) {
        double[] kp = new double[51];
        kp[15] = 20;
        kp[16] = 50;
        kp[17] = 0.9;
        kp[21] = 80;
        kp[22] = 50;
        kp[23] = elbowScore;
        return kp;
    }

    @Test
    void limbIsDrawnInItsColourBetweenShownJoints() {
        PoseRenderer r = PoseRenderer.of(KeypointSchema.COCO);
        assertThat(KeypointSchema.COCO.skeleton()[8]).containsExactly(5, 7);
        Mat m = black();
        r.draw(m, armPose(0.8));
        double[] c = r.limbColour(8);
        assertThat(px(m, 50, 50)).containsExactly((int) c[0], (int) c[1], (int) c[2]);
        // joints of the left side in orange-yellow (B, G, R) = (0, 200, 255)
        assertThat(px(m, 20, 50)).containsExactly(0, 200, 255);
        assertThat(px(m, 50, 20)).containsExactly(0, 0, 0);
    }

    @Test
    void jointBelowTheThresholdHidesItsLimbs() {
        PoseRenderer r = new PoseRenderer(KeypointSchema.COCO, 0.5, 2, 3);
        Mat m = black();
        r.draw(m, armPose(0.49));
        assertThat(px(m, 50, 50)).containsExactly(0, 0, 0);
        assertThat(px(m, 80, 50)).containsExactly(0, 0, 0);
        assertThat(px(m, 20, 50)).containsExactly(0, 200, 255);
        assertThat(r.isShown(armPose(0.49), 7)).isFalse();
        assertThat(r.isShown(armPose(0.5), 7)).isTrue();
    }

    @Test
    void limbColoursAreDistinct() {
        PoseRenderer r = PoseRenderer.of(KeypointSchema.MPII);
        int n = KeypointSchema.MPII.skeleton().length;
        java.util.Set<String> colours = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            colours.add(java.util.Arrays.toString(r.limbColour(i)));
        }
        assertThat(colours).hasSize(n);
        assertThat(PoseRenderer.hsvToBgr(0, 1, 1)).containsExactly(0, 0, 255);
        assertThat(PoseRenderer.hsvToBgr(120, 1, 1)).containsExactly(0, 255, 0);
    }

    @Test
    void badInputIsReported(@TempDir Path tmp) {
        PoseRenderer r = PoseRenderer.of(KeypointSchema.COCO);
        assertThatThrownBy(() -> r.draw(black(), new double[48])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 51 keypoint values (17 joints of coco), got 48");
        assertThatThrownBy(() -> r.draw(new Mat(), armPose(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8-bit BGR");
        Path missing = tmp.resolve("missing.jpg");
        assertThatThrownBy(() -> r.render(missing, List.of(), tmp.resolve("o.png")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("image file not found");
    }

    @Test
    void renderWritesAPng(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("in.png");
        PoseRenderer.write(black(), src);
        Path out = tmp.resolve("sub/out.png");
        PoseRenderer.of(KeypointSchema.COCO).render(src, List.of(armPose(1)), out);
        Mat m = opencv_imgcodecs.imread(out.toString());
        assertThat(m.cols()).isEqualTo(100);
        assertThat(px(m, 80, 50)).containsExactly(0, 200, 255);
    }

    @Test
    void styleSetsRadiusAndThickness() {
        PoseRenderer thick = new PoseRenderer(KeypointSchema.COCO, new PoseRenderer.Style(0.3, 9, 12, 0));
        Mat m = black();
        thick.draw(m, armPose(0.8));
        // radius 12 around the shoulder at (20, 50): (20, 61) is inside; with the default radius 3 it is not
        assertThat(px(m, 20, 61)).containsExactly(0, 200, 255);
        // the 9-pixel limb covers (50, 54); a 2-pixel one does not
        double[] c = thick.limbColour(8);
        assertThat(px(m, 50, 54)).containsExactly((int) c[0], (int) c[1], (int) c[2]);
        Mat thin = black();
        PoseRenderer.of(KeypointSchema.COCO).draw(thin, armPose(0.8));
        assertThat(px(thin, 20, 61)).containsExactly(0, 0, 0);
        assertThat(px(thin, 50, 54)).containsExactly(0, 0, 0);
        assertThatThrownBy(() -> new PoseRenderer.Style(0.3, 2, 3, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heatmap alpha in [0, 1]");
    }

    @Test
    void heatmapOverlayLandsWhereTheCropMapsTheHeatmapCell() {
        // crop of center (50, 50), scale 0.5 (100 pixels wide) onto a 25 x 25 heatmap: 4 image pixels per cell,
        // cell (x, y) -> image (4x + 2 - 0.5 + 0.5 ...) : cell 10 covers image pixels around 4 * 10 + 0 = 40
        CenterScale crop = new CenterScale(50, 50, 0.5, 0.5);
        double[][] m = AffineTransforms.getAffineTransform(50, 50, 0.5, 0, 25, 25, false);
        double[] cell = AffineTransforms.apply(m, 42, 62);
        assertThat(cell[0]).isCloseTo(10.5, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(cell[1]).isCloseTo(15.5, org.assertj.core.api.Assertions.within(1e-6));
        float[] hm = new float[2 * 25 * 25];
        // joint 1 peaks (value 1) on cells (10, 15), (11, 15), (10, 16), (11, 16): image pixel (42, 62) is their centre
        for (int y = 15; y <= 16; y++) {
            for (int x = 10; x <= 11; x++) {
                hm[25 * 25 + y * 25 + x] = 1f;
            }
        }
        INDArray h = Nd4j.create(hm, new long[] {2, 25, 25}, 'c');
        Mat img = black();
        new PoseRenderer(KeypointSchema.COCO, new PoseRenderer.Style(0.3, 2, 3, 1.0)).drawHeatmaps(img, h, crop);
        // full opacity at value 1: JET of 255 is dark red (B, G, R) = (0, 0, 128)
        assertThat(px(img, 42, 62)).containsExactly(0, 0, 128);
        assertThat(px(img, 10, 10)).containsExactly(0, 0, 0);
        assertThat(px(img, 42, 80)).containsExactly(0, 0, 0);
        Mat none = black();
        PoseRenderer.of(KeypointSchema.COCO).drawHeatmaps(none, h, crop);
        assertThat(px(none, 42, 62)).containsExactly(0, 0, 0);
    }

    @Test
    void writeIsAtomicAndRejectsUnknownFormats(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pose.xyz");
        java.nio.file.Files.writeString(out, "old");
        assertThatThrownBy(() -> PoseRenderer.write(black(), out)).isInstanceOf(java.io.IOException.class)
                .hasMessage(out + ": OpenCV cannot write images of type '.xyz'");
        assertThat(java.nio.file.Files.readString(out)).isEqualTo("old");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(tmp)) {
            assertThat(files).hasSize(1);
        }
    }
}
