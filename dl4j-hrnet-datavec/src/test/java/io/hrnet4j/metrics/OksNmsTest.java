package io.hrnet4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values were computed with the official {@code lib/nms/nms.py} ({@code oks_iou}, {@code oks_nms}) of
 * deep-high-resolution-net.pytorch on these six persons (two groups of near-duplicates; persons 3 and 4 have equal
 * scores; person 3 has five joints scored 0.1).
 */
class OksNmsTest {
    static final double[][] KP = {
            {140.0,66.0,0.9,143.2,62.0,0.9,136.8,62.0,0.9,146.4,66.0,0.9,133.6,66.0,0.9,152.0,94.0,0.9,128.0,94.0,0.9,157.6,126.0,0.9,122.4,126.0,0.9,160.0,154.0,0.9,120.0,154.0,0.9,148.0,160.0,0.9,132.0,160.0,0.9,148.0,200.0,0.9,132.0,200.0,0.9,148.0,240.0,0.9,132.0,240.0,0.9},
            {141.0,67.0,0.8,145.2,63.5,0.8,139.8,63.0,0.8,147.4,67.5,0.8,135.6,67.0,0.8,155.0,95.5,0.8,129.0,95.0,0.8,159.6,127.5,0.8,125.4,127.0,0.8,161.0,155.5,0.8,122.0,155.0,0.8,151.0,161.5,0.8,133.0,161.0,0.8,150.0,201.5,0.8,135.0,201.0,0.8,149.0,241.5,0.8,134.0,241.0,0.8},
            {148.0,72.0,0.7,151.2,68.0,0.7,144.8,68.0,0.7,154.4,72.0,0.7,141.6,72.0,0.7,160.0,100.0,0.7,136.0,100.0,0.7,165.6,132.0,0.7,130.4,132.0,0.7,168.0,160.0,0.7,128.0,160.0,0.7,156.0,166.0,0.7,140.0,166.0,0.7,156.0,206.0,0.7,140.0,206.0,0.7,156.0,246.0,0.7,140.0,246.0,0.7},
            {330.0,72.0,0.1,332.4,69.0,0.5,327.6,69.0,0.5,334.8,72.0,0.5,325.2,72.0,0.1,339.0,93.0,0.5,321.0,93.0,0.5,343.2,117.0,0.5,316.8,117.0,0.1,345.0,138.0,0.5,315.0,138.0,0.5,336.0,142.5,0.5,324.0,142.5,0.1,336.0,172.5,0.5,324.0,172.5,0.5,336.0,202.5,0.5,324.0,202.5,0.1},
            {333.0,70.0,0.95,337.4,69.0,0.95,331.6,67.0,0.95,337.8,72.0,0.95,330.2,70.0,0.95,343.0,93.0,0.95,324.0,91.0,0.95,348.2,117.0,0.95,320.8,115.0,0.95,348.0,138.0,0.95,320.0,136.0,0.95,340.0,142.5,0.95,327.0,140.5,0.95,341.0,172.5,0.95,328.0,170.5,0.95,339.0,202.5,0.95,329.0,200.5,0.95},
            {140.0,66.0,0.6,145.7,63.5,0.6,138.8,62.0,0.6,147.9,67.5,0.6,134.6,66.0,0.6,152.5,95.5,0.6,128.0,94.0,0.6,160.1,127.5,0.6,124.4,126.0,0.6,161.5,155.5,0.6,121.0,154.0,0.6,148.5,161.5,0.6,132.0,160.0,0.6,150.5,201.5,0.6,134.0,200.0,0.6,149.5,241.5,0.6,133.0,240.0,0.6}};
    static final double[] SCORES = {0.9, 0.95, 0.8, 0.7, 0.7, 0.85};
    static final double[] AREAS = {80 * 200 * 1.3, 82 * 205 * 1.3, 79 * 199 * 1.3, 60 * 150 * 1.3, 61 * 150 * 1.3,
        80 * 200 * 1.3};

    @Test
    void oksIouEqualsReference() {
        double[] got = OksNms.oksIou(KP[1], KP, AREAS[1], AREAS, CocoKeypointEval.COCO_SIGMAS, null);
        double[] want = {0.9840401153004822, 1.0, 0.8553271804454261, 1.2172450593216988e-11, 5.460673540417188e-12,
            0.9958733559479654};
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-14 * Math.abs(want[i]) + 1e-25));
        }
    }

    @Test
    void visibilityThresholdMasksByTheOtherPersonsScoresOnlyAsTheReference() {
        double[] got = OksNms.oksIou(KP[4], KP, AREAS[4], AREAS, CocoKeypointEval.COCO_SIGMAS, 0.2);
        double[] want = {1.3999538926608608e-12, 5.460673540417188e-12, 6.858117870603337e-12, 0.9169720650884057,
            1.0, 1.4932191338776796e-12};
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-14 * Math.abs(want[i]) + 1e-25));
        }
        // without the threshold all 17 joints count
        double all = OksNms.oksIou(KP[4], new double[][] {KP[3]}, AREAS[4], new double[] {AREAS[3]},
                CocoKeypointEval.COCO_SIGMAS, null)[0];
        assertThat(all).isCloseTo(0.9122009598830887, within(1e-14));
    }

    @Test
    void nmsKeepsWhatTheReferenceKeeps() {
        double[] s = CocoKeypointEval.COCO_SIGMAS;
        // 3 and 4 tie at 0.7: the reference visits the later one (4) first and drops 3 (OKS > 0.9)
        assertThat(OksNms.nms(KP, SCORES, AREAS, 0.9, s, null)).containsExactly(1, 2, 4);
        assertThat(OksNms.nms(KP, SCORES, AREAS, 0.9, s, 0.2)).containsExactly(1, 2, 4);
        assertThat(OksNms.nms(KP, SCORES, AREAS, 0.5, s, null)).containsExactly(1, 4);
        assertThat(OksNms.nms(new double[0][], new double[0], new double[0], 0.9, s, null)).isEmpty();
        assertThatThrownBy(() -> OksNms.nms(KP, new double[2], AREAS, 0.9, s, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in length: 6, 2, 6");
    }

    @Test
    void rescoringIsBoxScoreTimesMeanOfScoresAbovePointTwo() {
        assertThat(OksNms.rescore(0.7, KP[3], 0.2)).isEqualTo(0.5 * 0.7);
        assertThat(OksNms.rescore(0.5, KP[4], 0.2)).isCloseTo(0.95 * 0.5, within(1e-15));
        double[] low = KP[3].clone();
        for (int j = 2; j < low.length; j += 3) {
            low[j] = 0.2; // not strictly above
        }
        assertThat(OksNms.rescore(0.9, low, 0.2)).isEqualTo(0.0);
    }

    @Test
    void rescoreAndSuppressGroupsByImageAndWritesPersonResults() {
        List<OksNms.PosePrediction> preds = new ArrayList<>();
        for (int i = 0; i < KP.length; i++) {
            // scale chosen so that area() = AREAS[i]: (sw*200)*(sh*200)
            preds.add(new OksNms.PosePrediction(7, KP[i], 0, 0, Math.sqrt(AREAS[i]) / 200, Math.sqrt(AREAS[i]) / 200,
                    SCORES[i]));
        }
        preds.add(new OksNms.PosePrediction(3, KP[0], 0, 0, 1, 1, 0.5));
        List<KeypointResult> out = OksNms.rescoreAndSuppress(preds, CocoKeypointEval.COCO_SIGMAS, 0.2, 0.9);
        // rescored: 0.81, 0.76, 0.56, 0.35, 0.665, 0.51 -> order 0, 1, 4, 2, 5, 3
        assertThat(out).extracting(KeypointResult::imageId).containsExactly(7L, 7L, 7L, 3L);
        assertThat(out.get(0).score()).isCloseTo(0.9 * 0.9, within(1e-15));
        assertThat(out.get(0).keypoints()).containsExactly(KP[0]);
        assertThat(out.get(1).keypoints()).containsExactly(KP[4]);
        assertThat(out.get(2).keypoints()).containsExactly(KP[2]);
        assertThat(out.get(3).score()).isCloseTo(0.45, within(1e-15));
        assertThat(out).allSatisfy(r -> assertThat(r.categoryId()).isEqualTo(1));
    }
}
