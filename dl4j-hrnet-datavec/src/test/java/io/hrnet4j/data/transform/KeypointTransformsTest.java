package io.hrnet4j.data.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.keypoints.KeypointSchema;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeypointTransformsTest {

    private static CropState person() {
        double[][] j = new double[17][3];
        for (int i = 0; i < 17; i++) {
            j[i] = new double[] {100 + 3 * i, 50 + 10 * i, 1};
        }
        j[3][2] = 0;
        j[3][0] = 0;
        j[3][1] = 0;
        return new CropState(j, new CenterScale(120, 130, 1.0, 1.3333), 0, false, 640, 480);
    }

    @Test
    void flipMirrorsJointsAndCenterAndSwapsPairs() {
        CropState s = person();
        CropState f = KeypointTransforms.flip(s, KeypointSchema.COCO);
        double[][] j = f.joints();
        // joint 1 (left eye) receives joint 2 mirrored: x = 640 - 106 - 1
        assertThat(j[1]).containsExactly(533, 70, 1);
        assertThat(j[2]).containsExactly(536, 60, 1);
        assertThat(j[0]).containsExactly(539, 50, 1);
        // joint 4 receives invisible joint 3: zeroed as joints * joints_vis
        assertThat(j[4]).containsExactly(0, 0, 0);
        assertThat(f.box().cx()).isEqualTo(519);
        assertThat(KeypointTransforms.flip(f, KeypointSchema.COCO).joints()[1]).containsExactly(103, 60, 1);
    }

    @Test
    void halfBodyBoxIsMeanAndAspectFixedExtentTimesOnePointFive() {
        double[][] j = person().joints();
        // upper body (randn < 0.5): visible joints 0,1,2,4..10: x 100..130, y 50..150
        CenterScale up = KeypointTransforms.halfBodyBox(j, KeypointSchema.COCO, 0.75, 1.5, 0.0);
        double mx = (100 + 103 + 106 + 112 + 115 + 118 + 121 + 124 + 127 + 130) / 10.0;
        double my = (50 + 60 + 70 + 90 + 100 + 110 + 120 + 130 + 140 + 150) / 10.0;
        assertThat(up.cx()).isCloseTo(mx, within(1e-4));
        assertThat(up.cy()).isCloseTo(my, within(1e-4));
        // w = 30 < 0.75 * 100 -> w = 75; scale = (75, 100) / 200 * 1.5
        assertThat(up.sw()).isCloseTo(0.5625, within(1e-6));
        assertThat(up.sh()).isCloseTo(0.75, within(1e-6));
        // lower body (randn >= 0.5): joints 11..16, x 133..148, y 160..210
        CenterScale low = KeypointTransforms.halfBodyBox(j, KeypointSchema.COCO, 0.75, 1.5, 0.9);
        assertThat(low.cx()).isCloseTo(140.5, within(1e-4));
        assertThat(low.sh()).isCloseTo(50 / 200.0 * 1.5, within(1e-6));
    }

    @Test
    void augmentationIsReproducibleForASeedAndWithinTheRecipeRanges() {
        TopDownRecipe r = TopDownRecipe.coco256x192();
        int flips = 0;
        int rotated = 0;
        for (int i = 0; i < 400; i++) {
            CropState a = KeypointTransforms.augment(person(), r, new Random(i));
            CropState b = KeypointTransforms.augment(person(), r, new Random(i));
            assertThat(a.box()).isEqualTo(b.box());
            assertThat(a.rotationDeg()).isEqualTo(b.rotationDeg());
            assertThat(Math.abs(a.rotationDeg())).isLessThanOrEqualTo(90);
            flips += a.flipped() ? 1 : 0;
            rotated += a.rotationDeg() != 0 ? 1 : 0;
        }
        assertThat(flips).isBetween(160, 240);
        assertThat(rotated).isBetween(200, 280);
        CropState noAug = KeypointTransforms.augment(person(), r.withoutAugmentation(), new Random(3));
        assertThat(noAug.box()).isEqualTo(person().box());
        assertThat(noAug.rotationDeg()).isZero();
        assertThat(noAug.flipped()).isFalse();
    }

    @Test
    void scaleIsClippedToOnePlusMinusFactor() {
        for (int i = 0; i < 200; i++) {
            CropState s = KeypointTransforms.randomScale(person(), 0.35, new Random(i));
            assertThat(s.box().sw() / person().box().sw()).isBetween(0.65 - 1e-12, 1.35 + 1e-12);
        }
    }
}
