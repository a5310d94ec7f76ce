package io.hrnet4j.data.mpii;

import static io.hrnet4j.testing.BadFiles.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the real sample shared/data/mpii-sample (5 images, test_mpii.json). */
class MpiiAnnotationsTest {
    private static Path dir() {
        return SharedData.data("mpii-sample");
    }

    @Test
    void loadsFiveRecordsWithTheOfficialCenterScaleAdjustment() throws Exception {
        LoadedSamples s = MpiiAnnotations.load(dir().resolve("test_mpii.json"), dir());
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.summary().totalSkipped()).isZero();
        assertThat(s.samples()).extracting(p -> p.imagePath().getFileName().toString()).containsExactly(
                "005808361.jpg", "052475643.jpg", "051423444.jpg", "004645041.jpg", "060754485.jpg");
        PoseSample p = s.samples().get(0);
        // center (966, 340), scale 4.718488: c[1] += 15 s; s *= 1.25; c -= 1
        assertThat(p.box().cx()).isEqualTo(965.0);
        assertThat(p.box().cy()).isCloseTo(409.77732000000003, within(1e-9));
        assertThat(p.box().sw()).isCloseTo(5.89811, within(1e-12));
        assertThat(p.box().sh()).isEqualTo(p.box().sw());
        assertThat(p.joints()[0]).containsExactly(803.0, 710.0, 1.0);
        assertThat(p.numJoints()).isEqualTo(16);
        assertThat(p.annotationId()).isZero();
    }

    @Test
    void badRecordsAreRefusedNamingTheRecordAndField(@TempDir Path tmp) throws Exception {
        String[][] cases = {
            // wrong joint count
            {"[{\"image\": \"005808361.jpg\", \"center\": [966, 340], \"scale\": 4.7, \"joints\": [[1, 2], [3, 4]],"
                    + " \"joints_vis\": [1, 1]}]",
                "mpii.json: record #0 (005808361.jpg), field 'joints': expected 16 [x, y] pairs, got 2 entries"},
            // non-positive scale
            {"[{\"image\": \"005808361.jpg\", \"center\": [966, 340], \"scale\": 0}]",
                "field 'scale': must be positive, got 0.0"},
            // NaN center
            {"[{\"image\": \"005808361.jpg\", \"center\": [NaN, 340], \"scale\": 1}]",
                "record #0 (005808361.jpg), field 'center[0]': not a finite number: NaN"},
            // missing image
            {"[{\"image\": \"missing.jpg\", \"center\": [966, 340], \"scale\": 4.7}]",
                "record #0 (missing.jpg), field 'image': image file not found"}};
        Path f = tmp.resolve("mpii.json");
        for (String[] c : cases) {
            assertRefused(f, c[0], () -> MpiiAnnotations.load(f, dir()), c[1]);
        }
    }
}
