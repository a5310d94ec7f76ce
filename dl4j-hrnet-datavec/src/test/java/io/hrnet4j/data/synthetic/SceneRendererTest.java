package io.hrnet4j.data.synthetic;

import static io.hrnet4j.data.synthetic.SceneRenderer.L_EYE;
import static io.hrnet4j.data.synthetic.SceneRenderer.L_HIP;
import static io.hrnet4j.data.synthetic.SceneRenderer.L_SHOULDER;
import static io.hrnet4j.data.synthetic.SceneRenderer.R_EYE;
import static io.hrnet4j.data.synthetic.SceneRenderer.R_HIP;
import static io.hrnet4j.data.synthetic.SceneRenderer.R_SHOULDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SceneRendererTest {
    private static final SyntheticPoseDataset.Parameters P = SyntheticPoseDataset.builder().parameters();
    private static final int SCENES = 60;
    /** COCO flip pairs (0-based), DESIGN.md section 3. */
    private static final int[][] FLIP_PAIRS = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}, {13, 14}, {15, 16}};

    private static List<SceneRenderer.Scene> scenes() {
        List<SceneRenderer.Scene> out = new ArrayList<>();
        for (int i = 0; i < SCENES; i++) {
            out.add(SyntheticPoseDataset.renderScene(P, i % 2 == 0, i));
        }
        return out;
    }

    @Test
    void everyVisibleJointIsOnItsFigureNotOnTheBackground() {
        int visible = 0;
        int occluded = 0;
        for (SceneRenderer.Scene s : scenes()) {
            for (SyntheticPerson p : s.people()) {
                for (int j = 0; j < 17; j++) {
                    if (p.v()[j] == 0) {
                        continue;
                    }
                    int px = (int) Math.round(p.x()[j]);
                    int py = (int) Math.round(p.y()[j]);
                    assertThat(p.mask()[py * P.imageWidth() + px]).as("joint %d inside its silhouette", j).isTrue();
                    if (p.v()[j] == 2) {
                        visible++;
                        int rendered = s.image().getRGB(px, py) & 0xFFFFFF;
                        int background = s.background()[py * P.imageWidth() + px];
                        assertThat(rendered).as("joint %d at (%d, %d) differs from the background", j, px, py)
                                .isNotEqualTo(background);
                    } else {
                        occluded++;
                    }
                }
            }
        }
        assertThat(visible).isGreaterThan(SCENES * 17);
        // occlusion happens (objects, other figures, own head/arms), but most joints stay visible
        assertThat(occluded).isBetween(visible / 30, visible / 3);
    }

    @Test
    void visibleJointsStayOnTheFigureAfterJpeg() throws IOException {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < 10; i++) {
            SceneRenderer.Scene s = SyntheticPoseDataset.renderScene(P, false, i);
            BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(SyntheticPoseDataset.jpeg(s.image(), 0.9f)));
            for (SyntheticPerson p : s.people()) {
                for (int j = 0; j < 17; j++) {
                    if (p.v()[j] == 2) {
                        int px = (int) Math.round(p.x()[j]);
                        int py = (int) Math.round(p.y()[j]);
                        sum += SceneRenderer.distance(jpeg.getRGB(px, py) & 0xFFFFFF,
                                s.background()[py * P.imageWidth() + px]);
                        n++;
                    }
                }
            }
        }
        // mean RGB distance between the figure at its joints and the background there
        assertThat(sum / n).isGreaterThan(60);
    }

    @Test
    void figuresFaceTheViewerSoLeftIsOnTheImageRight() {
        int checked = 0;
        for (SceneRenderer.Scene s : scenes()) {
            for (SyntheticPerson p : s.people()) {
                for (int[] pair : new int[][] {{L_SHOULDER, R_SHOULDER}, {L_HIP, R_HIP}, {L_EYE, R_EYE}}) {
                    if (p.v()[pair[0]] > 0 && p.v()[pair[1]] > 0) {
                        assertThat(p.x()[pair[0]]).isGreaterThan(p.x()[pair[1]]);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(SCENES * 3);
    }

    /**
     * The left/right cue: a left limb has its band on the side +n of its direction, a right limb on -n. The same
     * rule must hold after a horizontal flip with swapped flip pairs (what the augmentation does), so that a
     * network can learn it.
     */
    @Test
    void leftAndRightLimbsAreDistinguishableAlsoAfterAFlip() {
        int[] original = countBandSides(false);
        int[] flipped = countBandSides(true);
        for (int[] c : new int[][] {original, flipped}) {
            int total = c[0] + c[1];
            assertThat(total).isGreaterThan(SCENES * 4);
            assertThat(c[0]).as("limbs following the rule").isGreaterThan((int) (0.9 * total));
            assertThat(c[1]).as("limbs following the opposite rule").isLessThan((int) (0.03 * total) + 1);
        }
    }

    /** @return {rule holds, opposite rule holds} over the unobstructed limbs of all scenes */
    private static int[] countBandSides(boolean flip) {
        int w = P.imageWidth();
        int[] counts = new int[2];
        for (SceneRenderer.Scene s : scenes()) {
            for (SyntheticPerson p : s.people()) {
                for (SyntheticPerson.Limb limb : p.limbs()) {
                    int from = limb.from();
                    int to = limb.to();
                    int side = limb.side();
                    if (flip) {
                        // after the flip this limb is labelled with the partner joints: its side changes
                        from = partner(from);
                        to = partner(to);
                        side = -side;
                    }
                    int a = flip ? partner(from) : from;
                    int b = flip ? partner(to) : to;
                    if (p.v()[a] != 2 || p.v()[b] != 2) {
                        continue;
                    }
                    double x0 = flip ? w - 1 - p.x()[a] : p.x()[a];
                    double x1 = flip ? w - 1 - p.x()[b] : p.x()[b];
                    double y0 = p.y()[a];
                    double y1 = p.y()[b];
                    double len = Math.hypot(x1 - x0, y1 - y0);
                    if (len < 2 * limb.width() || limb.width() < 5) {
                        continue;
                    }
                    double nx = -(y1 - y0) / len;
                    double ny = (x1 - x0) / len;
                    double mx = (x0 + x1) / 2;
                    double my = (y0 + y1) / 2;
                    int plus = sample(s, mx + side * nx * limb.width() * 0.25, my + side * ny * limb.width() * 0.25,
                            flip);
                    int minus = sample(s, mx - side * nx * limb.width() * 0.25, my - side * ny * limb.width() * 0.25,
                            flip);
                    if (plus < 0 || minus < 0) {
                        continue;
                    }
                    boolean rule = SceneRenderer.distance(plus, limb.bandRgb()) < 20
                            && SceneRenderer.distance(minus, limb.baseRgb()) < 20;
                    boolean opposite = SceneRenderer.distance(minus, limb.bandRgb()) < 20
                            && SceneRenderer.distance(plus, limb.baseRgb()) < 20;
                    if (rule || opposite) {
                        counts[rule ? 0 : 1]++;
                    }
                }
            }
        }
        return counts;
    }

    private static int sample(SceneRenderer.Scene s, double x, double y, boolean flip) {
        int w = P.imageWidth();
        int px = (int) Math.round(x);
        int py = (int) Math.round(y);
        if (px < 0 || py < 0 || px >= w || py >= P.imageHeight()) {
            return -1;
        }
        int sx = flip ? w - 1 - px : px;
        return s.image().getRGB(sx, py) & 0xFFFFFF;
    }

    private static int partner(int joint) {
        for (int[] pair : FLIP_PAIRS) {
            if (pair[0] == joint) {
                return pair[1];
            }
            if (pair[1] == joint) {
                return pair[0];
            }
        }
        return joint;
    }

    @Test
    void sceneIsAPureFunctionOfItsStream() {
        SceneRenderer.Scene a = SyntheticPoseDataset.renderScene(P, false, 5);
        SceneRenderer.Scene b = SyntheticPoseDataset.renderScene(P, false, 5);
        SceneRenderer.Scene c = SyntheticPoseDataset.renderScene(P, false, 6);
        int[] pa = a.image().getRGB(0, 0, P.imageWidth(), P.imageHeight(), null, 0, P.imageWidth());
        int[] pb = b.image().getRGB(0, 0, P.imageWidth(), P.imageHeight(), null, 0, P.imageWidth());
        int[] pc = c.image().getRGB(0, 0, P.imageWidth(), P.imageHeight(), null, 0, P.imageWidth());
        assertThat(pb).isEqualTo(pa);
        assertThat(pc).isNotEqualTo(pa);
        assertThat(b.people().get(0).x()).isEqualTo(a.people().get(0).x());
    }
}
