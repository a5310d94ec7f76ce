package io.hrnet4j.data.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.testing.SharedData;
import java.nio.ByteBuffer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Against shared/oracle affine_warp_case{1,2}.npy (official __getitem__ crops, HWC RGB uint8) and the joints_in_crop
 * of affine_cases.json. Case 2 is mirrored before the warp.
 */
class TopDownWarpTest {
    private static JsonNode cases;

    @BeforeAll
    static void load() throws Exception {
        cases = new ObjectMapper().readTree(SharedData.oracle("affine_cases.json").toFile()).get("cases");
    }

    private static CropState caseState(JsonNode c, boolean beforeFlip) {
        JsonNode kp = c.get("keypoints");
        double[][] joints = new double[17][3];
        for (int i = 0; i < 17; i++) {
            joints[i][0] = kp.get("joints_in_image").get(i).get(0).asDouble();
            joints[i][1] = kp.get("joints_in_image").get(i).get(1).asDouble();
            joints[i][2] = kp.get("joints_vis").get(i).asDouble();
        }
        JsonNode center = beforeFlip ? c.get("rng").get("center_before_flip") : c.get("center");
        CenterScale box = new CenterScale(center.get(0).asDouble(), center.get(1).asDouble(),
                c.get("scale").get(0).asDouble(), c.get("scale").get(1).asDouble());
        return new CropState(joints, box, c.get("rot_deg").asDouble(), false, 640, 427);
    }

    private static void assertCrop(Mat cropBgr, String npy, long expectedSum) throws Exception {
        INDArray ref = NumpyFiles.readNpy(SharedData.oracle(npy));
        assertThat(ref.shape()).containsExactly(256, 192, 3);
        Mat rgb = new Mat();
        opencv_imgproc.cvtColor(cropBgr, rgb, opencv_imgproc.COLOR_BGR2RGB);
        assertThat(rgb.rows()).isEqualTo(256);
        assertThat(rgb.cols()).isEqualTo(192);
        ByteBuffer buf = rgb.createBuffer();
        long sum = 0;
        int maxDiff = 0;
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 192; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = buf.get((y * 192 + x) * 3 + c) & 0xFF;
                    sum += v;
                    maxDiff = Math.max(maxDiff, Math.abs(v - ref.getInt(y, x, c)));
                }
            }
        }
        assertThat(maxDiff).as("max grey-level difference").isLessThanOrEqualTo(4);
        assertThat((double) sum).isCloseTo(expectedSum, within(expectedSum * 1e-3));
    }

    @Test
    void case1CropMatchesTheOfficialWarp() throws Exception {
        Mat image = ImageDecoder.decodeBgr(SharedData.oracle("affine_image.png"), "oracle");
        assertThat(image.cols()).isEqualTo(640);
        assertThat(image.rows()).isEqualTo(427);
        CropState s = caseState(cases.get(0), false);
        assertCrop(TopDownWarp.warp(image, s, 192, 256), "affine_warp_case1.npy", 18637344L);
    }

    @Test
    void case2FlipsTheImageFirstThenWarps() throws Exception {
        Mat image = ImageDecoder.decodeBgr(SharedData.oracle("affine_image.png"), "oracle");
        JsonNode c = cases.get(1);
        CropState s = KeypointTransforms.flip(caseState(c, true), KeypointSchema.COCO);
        assertThat(s.flipped()).isTrue();
        assertThat(s.box().cx()).isEqualTo(63.875);
        assertCrop(TopDownWarp.warp(image, s, 192, 256), "affine_warp_case2.npy", 11134318L);
    }

    @Test
    void jointsInCropMatchTheOfficialGetItem() {
        for (int ci = 0; ci < 2; ci++) {
            JsonNode c = cases.get(ci);
            CropState s = ci == 0 ? caseState(c, false) : KeypointTransforms.flip(caseState(c, true),
                    KeypointSchema.COCO);
            double[][] j = KeypointTransforms.jointsInCrop(s, 192, 256);
            JsonNode ref = c.get("keypoints").get("joints_in_crop");
            for (int i = 0; i < 17; i++) {
                for (int d = 0; d < 2; d++) {
                    assertThat(j[i][d]).as("case %d joint %d coord %d", ci + 1, i, d)
                            .isCloseTo(ref.get(i).get(d).asDouble(), within(1e-4));
                }
            }
        }
    }

    @Test
    void normalisationIsToTensorThenImageNetMeanStd() {
        Mat px = new Mat(1, 1, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                new org.bytedeco.opencv.opencv_core.Scalar(10, 128, 250, 0)); // B, G, R
        float[] out = new float[3];
        TopDownWarp.normalize(px, true, out);
        assertThat(out[0]).isCloseTo((250 / 255f - 0.485f) / 0.229f, within(1e-6f));
        assertThat(out[1]).isCloseTo((128 / 255f - 0.456f) / 0.224f, within(1e-6f));
        assertThat(out[2]).isCloseTo((10 / 255f - 0.406f) / 0.225f, within(1e-6f));
    }
}
