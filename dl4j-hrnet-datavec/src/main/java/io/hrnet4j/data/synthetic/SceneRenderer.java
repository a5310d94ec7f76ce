package io.hrnet4j.data.synthetic;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws one synthetic scene: a textured background, 1..n articulated frontal figures with the 17 COCO joints and
 * optional occluding objects, and derives each figure's COCO annotation (visibility, silhouette area, box).
 *
 * <p>Figure model (proportions of the figure height {@code H}, before random variation): torso (pelvis to neck)
 * 0.29, neck 0.105, head radius 0.078, shoulder half-width 0.12, hip half-width 0.075, upper arm 0.165, forearm
 * 0.15, thigh 0.235, shin 0.225; arm width 0.062, leg width 0.085, both times a thickness factor in [0.85, 1.25]. Every figure faces the viewer, so its left side is on the image right (the COCO
 * convention for a frontal person); a mirror image is again a valid frontal figure. Left limbs carry a band on the
 * side {@code +n} of their direction, right limbs on {@code -n} (see {@link SyntheticPerson.Limb}): a chiral cue
 * that is consistent under flip augmentation, unlike a fixed colour per side, which the flip would contradict.
 *
 * <p>Everything is drawn in double precision from one {@link SplittableRandom}, so a scene is a pure function
 * of the random stream and the parameters.
 */
final class SceneRenderer {
    static final int K = 17;
    static final int NOSE = 0;
    static final int L_EYE = 1;
    static final int R_EYE = 2;
    static final int L_EAR = 3;
    static final int R_EAR = 4;
    static final int L_SHOULDER = 5;
    static final int R_SHOULDER = 6;
    static final int L_ELBOW = 7;
    static final int R_ELBOW = 8;
    static final int L_WRIST = 9;
    static final int R_WRIST = 10;
    static final int L_HIP = 11;
    static final int R_HIP = 12;
    static final int L_KNEE = 13;
    static final int R_KNEE = 14;
    static final int L_ANKLE = 15;
    static final int R_ANKLE = 16;

    private static final int[] SKIN = {0xF1C27D, 0xE0AC69, 0xC68642, 0x8D5524, 0xFFDBAC, 0x6B4423, 0xD4A373};
    private static final int[] HAIR = {0x1C1C1C, 0x3B2A1A, 0x6B4E2E, 0xA0522D, 0xD8C078, 0x808080};

    private final SyntheticPoseDataset.Parameters p;
    private final int w;
    private final int h;

    /** A rendered scene: the image, its background before any figure was drawn, and the figures. */
    record Scene(BufferedImage image, int[] background, List<SyntheticPerson> people) {
    }

    /** Geometry and colours of one figure before it is placed in the image. */
    private static final class Figure {
        final double[] jx = new double[K];
        final double[] jy = new double[K];
        double headX;
        double headY;
        double headR;
        double headAngle;
        double neckX;
        double neckY;
        double armW;
        double legW;
        double hipHalfW;
        int top;
        int trousers;
        int skin;
        int hair;
        boolean shortSleeves;
        double[] handDir = new double[4];
        double[] footDir = new double[4];
        boolean leftArmFirst;
    }

    SceneRenderer(SyntheticPoseDataset.Parameters p) {
        this.p = p;
        this.w = p.imageWidth();
        this.h = p.imageHeight();
    }

    /**
     * Renders one scene.
     *
     * @param rnd the random stream of this image (consumed)
     * @return the scene; the image is {@link BufferedImage#TYPE_3BYTE_BGR}, {@code width x height}
     */
    Scene render(SplittableRandom rnd) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        int[] bg = background(rnd);
        img.setRGB(0, 0, w, h, bg, 0, w);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.translate(0.5, 0.5);
        distractors(g, rnd);
        img.getRGB(0, 0, w, h, bg, 0, w);
        int meanBg = meanColour(bg);

        int n = p.minPeople() + rnd.nextInt(p.maxPeople() - p.minPeople() + 1);
        List<Figure> figures = new ArrayList<>();
        List<boolean[]> selfHidden = new ArrayList<>();
        List<boolean[]> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Figure f = placeFigure(rnd, meanBg, figures);
            List<Part> parts = parts(f);
            figures.add(f);
            paint(g, parts);
            layers.add(silhouette(parts));
            selfHidden.add(selfOccluded(f, parts));
        }
        for (Figure f : figures) {
            if (rnd.nextDouble() < p.occlusionRate()) {
                Shape s = occluder(rnd, f);
                List<Shape> shapes = new ArrayList<>(List.of(s));
                g.setColor(new Color(randomColour(rnd, 0.0, 0.9, 0.2, 0.95)));
                g.fill(s);
                if (rnd.nextBoolean()) {
                    Shape outline = new BasicStroke((float) (1 + rnd.nextDouble() * 2)).createStrokedShape(s);
                    g.setColor(new Color(randomColour(rnd, 0.0, 0.9, 0.1, 0.95)));
                    g.fill(outline);
                    shapes.add(outline);
                }
                layers.add(maskOf(shapes));
            }
        }
        g.dispose();

        List<SyntheticPerson> people = new ArrayList<>();
        for (int i = 0; i < figures.size(); i++) {
            people.add(annotate(figures.get(i), layers, i, selfHidden.get(i)));
        }
        return new Scene(img, bg, people);
    }

    // ---------------------------------------------------------------------------------------------- background

    private int[] background(SplittableRandom rnd) {
        int[] out = new int[w * h];
        int c0 = randomColour(rnd, 0.0, 0.45, 0.15, 0.9);
        int c1 = randomColour(rnd, 0.0, 0.45, 0.15, 0.9);
        int kind = rnd.nextInt(4);
        double[] noise = valueNoise(rnd, 6 + rnd.nextInt(30));
        double[] fine = valueNoise(rnd, 2 + rnd.nextInt(4));
        double angle = rnd.nextDouble() * Math.PI;
        double ca = Math.cos(angle);
        double sa = Math.sin(angle);
        double period = 6 + rnd.nextDouble() * 26;
        double grain = rnd.nextDouble() * 14;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double t = switch (kind) {
                    case 0 -> (x * ca + y * sa) / Math.hypot(w, h) + 0.5 + 0.4 * (noise[i] - 0.5);
                    case 1 -> ((Math.floor((x * ca + y * sa) / period) % 2 + 2) % 2) * 0.8 + 0.2 * noise[i];
                    case 2 -> ((((int) Math.floor(x / period) + (int) Math.floor(y / period)) % 2 + 2) % 2) * 0.7
                            + 0.3 * noise[i];
                    default -> noise[i];
                };
                t = Math.max(0, Math.min(1, t));
                double d = (fine[i] - 0.5) * grain * 2;
                out[i] = mix(c0, c1, t, d);
            }
        }
        return out;
    }

    private double[] valueNoise(SplittableRandom rnd, int cell) {
        int gw = w / cell + 2;
        int gh = h / cell + 2;
        double[] grid = new double[gw * gh];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = rnd.nextDouble();
        }
        double[] out = new double[w * h];
        for (int y = 0; y < h; y++) {
            double fy = (double) y / cell;
            int y0 = (int) fy;
            double ty = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = (double) x / cell;
                int x0 = (int) fx;
                double tx = fx - x0;
                double a = grid[y0 * gw + x0] * (1 - tx) + grid[y0 * gw + x0 + 1] * tx;
                double b = grid[(y0 + 1) * gw + x0] * (1 - tx) + grid[(y0 + 1) * gw + x0 + 1] * tx;
                out[y * w + x] = a * (1 - ty) + b * ty;
            }
        }
        return out;
    }

    private void distractors(Graphics2D g, SplittableRandom rnd) {
        int count = rnd.nextInt(5);
        for (int i = 0; i < count; i++) {
            double cx = rnd.nextDouble() * w;
            double cy = rnd.nextDouble() * h;
            double s = (0.08 + rnd.nextDouble() * 0.3) * h;
            g.setColor(new Color(randomColour(rnd, 0.0, 0.6, 0.15, 0.9)));
            switch (rnd.nextInt(3)) {
                case 0 -> g.fill(new Rectangle2D.Double(cx - s / 2, cy - s / 3, s, s * 0.66));
                case 1 -> g.fill(new Ellipse2D.Double(cx - s / 2, cy - s / 2, s, s * (0.4 + rnd.nextDouble())));
                default -> {
                    g.setStroke(new BasicStroke((float) (1 + rnd.nextDouble() * 3)));
                    double a = rnd.nextDouble() * Math.PI;
                    g.draw(new Line2D.Double(cx - Math.cos(a) * s, cy - Math.sin(a) * s,
                            cx + Math.cos(a) * s, cy + Math.sin(a) * s));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- figures

    /** Largest IoU of the joint boxes of two figures of a scene: overlap happens, a full stack does not. */
    static final double MAX_OVERLAP_IOU = 0.3;

    /**
     * Poses and places a figure, retrying (at most 20 times, then the best try) until at least 8 joints lie in
     * the image and its joint box overlaps no earlier figure's by more than {@link #MAX_OVERLAP_IOU}.
     */
    private Figure placeFigure(SplittableRandom rnd, int meanBg, List<Figure> earlier) {
        Figure best = null;
        double bestScore = -Double.MAX_VALUE;
        for (int attempt = 0; attempt < 20; attempt++) {
            Figure f = poseFigure(rnd, meanBg);
            int inside = 0;
            for (int j = 0; j < K; j++) {
                if (inImage(f.jx[j], f.jy[j])) {
                    inside++;
                }
            }
            double overlap = 0;
            for (Figure e : earlier) {
                overlap = Math.max(overlap, iou(jointBox(f), jointBox(e)));
            }
            if (inside >= 8 && overlap <= MAX_OVERLAP_IOU) {
                return f;
            }
            double score = Math.min(inside, 8) - 10 * Math.max(0, overlap - MAX_OVERLAP_IOU);
            if (score > bestScore) {
                best = f;
                bestScore = score;
            }
        }
        return best;
    }

    private static double[] jointBox(Figure f) {
        double[] b = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int j = 0; j < K; j++) {
            b[0] = Math.min(b[0], f.jx[j]);
            b[1] = Math.min(b[1], f.jy[j]);
            b[2] = Math.max(b[2], f.jx[j]);
            b[3] = Math.max(b[3], f.jy[j]);
        }
        return b;
    }

    private static double iou(double[] a, double[] b) {
        double iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = iw * ih;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    private boolean inImage(double x, double y) {
        return x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1;
    }

    /** Builds a figure of unit height, then scales and places it (possibly across a border). */
    private Figure poseFigure(SplittableRandom rnd, int meanBg) {
        Figure f = new Figure();
        double thick = uniform(rnd, 0.85, 1.25);
        double torso = 0.29 * uniform(rnd, 0.92, 1.08);
        double neck = 0.105 * uniform(rnd, 0.9, 1.1);
        f.headR = 0.078 * uniform(rnd, 0.9, 1.12);
        double shw = 0.12 * uniform(rnd, 0.85, 1.15);
        f.hipHalfW = 0.075 * uniform(rnd, 0.85, 1.15);
        f.armW = 0.062 * thick;
        f.legW = 0.085 * thick;
        double lean = clip(rnd.nextGaussian() * p.maxLeanDegrees() / 2.5, -p.maxLeanDegrees(), p.maxLeanDegrees());
        double bend = uniform(rnd, -15, 15);
        double tilt = uniform(rnd, -20, 20);
        double yaw = uniform(rnd, -0.3, 0.3);

        // body frame: pelvis at the origin, y down; "up" of the upper body is u = rot((0,-1), bend)
        double[] u = rot(0, -1, bend);
        double[] r = {-u[1], u[0]};
        double nx = u[0] * torso;
        double ny = u[1] * torso;
        f.neckX = nx;
        f.neckY = ny;
        set(f, L_HIP, f.hipHalfW, 0);
        set(f, R_HIP, -f.hipHalfW, 0);
        set(f, L_SHOULDER, nx + r[0] * shw - u[0] * 0.02, ny + r[1] * shw - u[1] * 0.02);
        set(f, R_SHOULDER, nx - r[0] * shw - u[0] * 0.02, ny - r[1] * shw - u[1] * 0.02);
        f.headAngle = Math.toRadians(bend + tilt);
        double[] hu = rot(0, -1, bend + tilt);
        double[] hr = {-hu[1], hu[0]};
        f.headX = nx + hu[0] * neck;
        f.headY = ny + hu[1] * neck;
        double hr0 = f.headR;
        face(f, NOSE, hr, hu, yaw * 0.5 * hr0, -0.18 * hr0);
        face(f, L_EYE, hr, hu, (0.38 + yaw * 0.45) * hr0, 0.2 * hr0);
        face(f, R_EYE, hr, hu, (-0.38 + yaw * 0.45) * hr0, 0.2 * hr0);
        face(f, L_EAR, hr, hu, (0.95 + yaw * 0.15) * hr0, 0.02 * hr0);
        face(f, R_EAR, hr, hu, (-0.95 + yaw * 0.15) * hr0, 0.02 * hr0);

        for (int s = 1; s >= -1; s -= 2) {
            int shoulder = s > 0 ? L_SHOULDER : R_SHOULDER;
            double theta = armAbduction(rnd);
            double phi = rnd.nextDouble() * 140 * (rnd.nextDouble() < 0.7 ? 1 : -0.5);
            double[] d1 = rot(-u[0], -u[1], -s * theta);
            double[] d2 = rot(d1[0], d1[1], -s * phi);
            // upper arm, then forearm: the segment lengths draw from rnd in this order
            limb(f, shoulder, d1, segment(rnd, 0.165), d2, segment(rnd, 0.15));
            f.handDir[s > 0 ? 0 : 2] = d2[0];
            f.handDir[s > 0 ? 1 : 3] = d2[1];

            int hip = s > 0 ? L_HIP : R_HIP;
            double psi = rnd.nextDouble() < 0.8 ? uniform(rnd, -5, 22) : uniform(rnd, 22, 45);
            double kappa = (rnd.nextDouble() < 0.65 ? uniform(rnd, 0, 20) : uniform(rnd, 20, 90))
                    * (rnd.nextBoolean() ? 1 : -1);
            double[] e1 = rot(0, 1, -s * psi);
            double[] e2 = rot(e1[0], e1[1], -s * kappa);
            // thigh, then shin
            limb(f, hip, e1, segment(rnd, 0.235), e2, segment(rnd, 0.225));
            double[] foot = rot(e2[0], e2[1], -s * uniform(rnd, 60, 100));
            f.footDir[s > 0 ? 0 : 2] = foot[0];
            f.footDir[s > 0 ? 1 : 3] = foot[1];
        }
        f.leftArmFirst = rnd.nextBoolean();

        // extent of the unit figure, then scale, rotate (lean) and translate
        double leanRad = Math.toRadians(lean);
        double cos = Math.cos(leanRad);
        double sin = Math.sin(leanRad);
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        double[][] pts = new double[K + 1][];
        for (int j = 0; j < K; j++) {
            pts[j] = new double[] {f.jx[j], f.jy[j]};
        }
        pts[K] = new double[] {f.headX + hu[0] * f.headR, f.headY + hu[1] * f.headR};
        for (double[] q : pts) {
            double x = q[0] * cos - q[1] * sin;
            double y = q[0] * sin + q[1] * cos;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        double pad = 0.05;
        minX -= pad;
        maxX += pad;
        minY -= pad;
        maxY += pad;
        double height = uniform(rnd, p.minPersonHeight(), p.maxPersonHeight()) * h;
        double scale = Math.min(height / (maxY - minY), 0.98 * w / (maxX - minX));
        boolean truncate = rnd.nextDouble() < p.truncationRate();
        double spanX = (maxX - minX) * scale;
        double spanY = (maxY - minY) * scale;
        double slackX = truncate ? 0.45 * spanX : 0;
        double slackY = truncate ? 0.35 * spanY : 0;
        double tx = uniform(rnd, -minX * scale - slackX, w - 1 - maxX * scale + slackX);
        double ty = uniform(rnd, -minY * scale - slackY, h - 1 - maxY * scale + slackY);
        for (int j = 0; j < K; j++) {
            double x = f.jx[j] * cos - f.jy[j] * sin;
            double y = f.jx[j] * sin + f.jy[j] * cos;
            f.jx[j] = round2(x * scale + tx);
            f.jy[j] = round2(y * scale + ty);
        }
        double hx = f.headX * cos - f.headY * sin;
        double hy = f.headX * sin + f.headY * cos;
        f.headX = hx * scale + tx;
        f.headY = hy * scale + ty;
        double nx2 = f.neckX * cos - f.neckY * sin;
        double ny2 = f.neckX * sin + f.neckY * cos;
        f.neckX = nx2 * scale + tx;
        f.neckY = ny2 * scale + ty;
        f.headAngle += leanRad;
        f.headR *= scale;
        f.armW *= scale;
        f.legW *= scale;
        f.hipHalfW *= scale;
        for (int k = 0; k < 4; k += 2) {
            double[] hd = rot(f.handDir[k], f.handDir[k + 1], lean);
            f.handDir[k] = hd[0];
            f.handDir[k + 1] = hd[1];
            double[] fd = rot(f.footDir[k], f.footDir[k + 1], lean);
            f.footDir[k] = fd[0];
            f.footDir[k + 1] = fd[1];
        }

        // colours: clothing saturated and away from the scene's mean background colour
        f.top = contrasting(rnd, meanBg);
        f.trousers = contrasting(rnd, meanBg);
        f.skin = SKIN[rnd.nextInt(SKIN.length)];
        f.hair = HAIR[rnd.nextInt(HAIR.length)];
        f.shortSleeves = rnd.nextDouble() < 0.3;
        return f;
    }

    private static double armAbduction(SplittableRandom rnd) {
        double a = rnd.nextDouble();
        if (a < 0.55) {
            return uniform(rnd, -10, 35);
        }
        return a < 0.85 ? uniform(rnd, 35, 100) : uniform(rnd, 100, 170);
    }

    private static double foreshortening(SplittableRandom rnd) {
        return rnd.nextDouble() < 0.3 ? uniform(rnd, 0.6, 1.0) : uniform(rnd, 0.92, 1.0);
    }

    /** @return a limb segment of {@code base} figure heights, +-5% and sometimes foreshortened */
    private static double segment(SplittableRandom rnd, double base) {
        return base * uniform(rnd, 0.95, 1.05) * foreshortening(rnd);
    }

    /**
     * Places the two joints below {@code root} in the COCO order (shoulder, elbow + 2, wrist + 4; hip, knee, ankle):
     * the middle joint {@code l1} along {@code d1} from the root, the end joint {@code l2} along {@code d2} from it.
     */
    private static void limb(Figure f, int root, double[] d1, double l1, double[] d2, double l2) {
        int mid = root + 2;
        int end = root + 4;
        set(f, mid, f.jx[root] + d1[0] * l1, f.jy[root] + d1[1] * l1);
        set(f, end, f.jx[mid] + d2[0] * l2, f.jy[mid] + d2[1] * l2);
    }

    private static void face(Figure f, int j, double[] hr, double[] hu, double right, double up) {
        set(f, j, f.headX + hr[0] * right + hu[0] * up, f.headY + hr[1] * right + hu[1] * up);
    }

    private static void set(Figure f, int j, double x, double y) {
        f.jx[j] = x;
        f.jy[j] = y;
    }

    /**
     * One filled shape of a figure, in drawing order. {@code joints} lists the joints that lie on this part (the
     * ones it cannot hide); a decorative part (limb band, hair, eye, nose) never hides a joint and is not part of
     * the silhouette unless it lies inside another part anyway.
     */
    private record Part(Shape shape, int colour, int[] joints, boolean decorative) {
    }

    /** The figure's parts in drawing order: legs, torso, neck, arms, head, ears, hair, eyes, nose. */
    private List<Part> parts(Figure f) {
        List<Part> out = new ArrayList<>();
        for (int s : new int[] {1, -1}) {
            int hip = s > 0 ? L_HIP : R_HIP;
            limb(out, f, hip, hip + 2, f.legW, s, f.trousers);
            limb(out, f, hip + 2, hip + 4, f.legW * 0.9, s, f.trousers);
            int k = s > 0 ? 0 : 2;
            int a = hip + 4;
            double len = f.legW * 1.3;
            out.add(new Part(capsule(f.jx[a], f.jy[a], f.jx[a] + f.footDir[k] * len,
                    f.jy[a] + f.footDir[k + 1] * len, f.legW * 0.75), 0x2B2B2B, new int[] {a}, false));
        }
        // torso: quad from the shoulders to the hips, widened to the outer edge of the legs, rounded by a stroke
        Path2D.Double t = new Path2D.Double();
        double ux = (f.jx[L_HIP] - f.jx[R_HIP]) / (2 * f.hipHalfW) * f.legW * 0.5;
        double uy = (f.jy[L_HIP] - f.jy[R_HIP]) / (2 * f.hipHalfW) * f.legW * 0.5;
        t.moveTo(f.jx[L_SHOULDER], f.jy[L_SHOULDER]);
        t.lineTo(f.jx[L_HIP] + ux, f.jy[L_HIP] + uy);
        t.lineTo(f.jx[R_HIP] - ux, f.jy[R_HIP] - uy);
        t.lineTo(f.jx[R_SHOULDER], f.jy[R_SHOULDER]);
        t.closePath();
        int[] torsoJoints = {L_SHOULDER, R_SHOULDER, L_HIP, R_HIP};
        out.add(new Part(t, f.top, torsoJoints, false));
        out.add(new Part(new BasicStroke((float) f.armW, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                .createStrokedShape(t), f.top, torsoJoints, false));
        out.add(new Part(capsule(f.neckX, f.neckY, f.headX, f.headY, f.headR * 0.7), f.skin, new int[0], false));
        int first = f.leftArmFirst ? 1 : -1;
        for (int s : new int[] {first, -first}) {
            int sh = s > 0 ? L_SHOULDER : R_SHOULDER;
            limb(out, f, sh, sh + 2, f.armW, s, f.top);
            limb(out, f, sh + 2, sh + 4, f.armW * 0.9, s, f.shortSleeves ? f.skin : f.top);
            int k = s > 0 ? 0 : 2;
            double hr = f.armW * 0.6;
            double hx = f.jx[sh + 4] + f.handDir[k] * hr;
            double hy = f.jy[sh + 4] + f.handDir[k + 1] * hr;
            out.add(new Part(disc(hx, hy, hr), f.skin, new int[] {sh + 4}, false));
        }
        double r = f.headR;
        out.add(new Part(disc(f.headX, f.headY, r), f.skin, new int[0], false));
        for (int j : new int[] {L_EAR, R_EAR}) {
            out.add(new Part(disc(f.jx[j], f.jy[j], r * 0.24), f.skin, new int[] {j}, false));
        }
        Shape hair = new Arc2D.Double(-r * 1.04, -r * 1.04, 2.08 * r, 2.08 * r, 12, 156, Arc2D.CHORD);
        AffineTransform at = AffineTransform.getTranslateInstance(f.headX, f.headY);
        at.rotate(f.headAngle);
        out.add(new Part(at.createTransformedShape(hair), f.hair, new int[0], true));
        double eye = r * 0.2;
        for (int j : new int[] {L_EYE, R_EYE}) {
            out.add(new Part(disc(f.jx[j], f.jy[j], eye), 0xFAFAFA, new int[] {j}, true));
            out.add(new Part(disc(f.jx[j], f.jy[j], eye * 0.55), 0x101010, new int[] {j}, true));
        }
        out.add(new Part(disc(f.jx[NOSE], f.jy[NOSE], r * 0.14), 0xA0302A, new int[] {NOSE}, true));
        return out;
    }

    /** A limb capsule plus its band over the half on the side {@code side * n} (see {@link SyntheticPerson.Limb}). */
    private static void limb(List<Part> out, Figure f, int a, int b, double width, int side, int colour) {
        out.add(new Part(capsule(f.jx[a], f.jy[a], f.jx[b], f.jy[b], width), colour, new int[] {a, b}, false));
        double dx = f.jx[b] - f.jx[a];
        double dy = f.jy[b] - f.jy[a];
        double len = Math.hypot(dx, dy);
        if (len < 1e-6) {
            return;
        }
        double nx = -dy / len * side * width / 4;
        double ny = dx / len * side * width / 4;
        Shape band = new BasicStroke((float) (width / 2), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND)
                .createStrokedShape(new Line2D.Double(f.jx[a] + nx, f.jy[a] + ny, f.jx[b] + nx, f.jy[b] + ny));
        out.add(new Part(band, bandColour(colour), new int[] {a, b}, true));
    }

    /** @return near-black for a light limb colour, near-white for a dark one */
    static int bandColour(int colour) {
        return luminance(colour) > 128 ? 0x141414 : 0xF5F5F0;
    }

    private static Shape capsule(double x0, double y0, double x1, double y1, double width) {
        return new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                .createStrokedShape(new Line2D.Double(x0, y0, x1, y1));
    }

    private static Shape disc(double x, double y, double r) {
        return new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
    }

    private static void paint(Graphics2D g, List<Part> parts) {
        for (Part part : parts) {
            g.setColor(new Color(part.colour()));
            g.fill(part.shape());
        }
    }

    private List<SyntheticPerson.Limb> limbs(Figure f) {
        List<SyntheticPerson.Limb> out = new ArrayList<>();
        for (int s : new int[] {1, -1}) {
            int sh = s > 0 ? L_SHOULDER : R_SHOULDER;
            int hip = s > 0 ? L_HIP : R_HIP;
            int lower = f.shortSleeves ? f.skin : f.top;
            out.add(new SyntheticPerson.Limb(sh, sh + 2, f.armW, s, f.top, bandColour(f.top)));
            out.add(new SyntheticPerson.Limb(sh + 2, sh + 4, f.armW * 0.9, s, lower, bandColour(lower)));
            out.add(new SyntheticPerson.Limb(hip, hip + 2, f.legW, s, f.trousers, bandColour(f.trousers)));
            out.add(new SyntheticPerson.Limb(hip + 2, hip + 4, f.legW * 0.9, s, f.trousers, bandColour(f.trousers)));
        }
        return out;
    }

    /** @return the pixels covered by the non-decorative parts (no anti-aliasing: pixel centre inside) */
    private boolean[] silhouette(List<Part> parts) {
        List<Shape> shapes = new ArrayList<>();
        for (Part part : parts) {
            if (!part.decorative()) {
                shapes.add(part.shape());
            }
        }
        return maskOf(shapes);
    }

    /**
     * Joints of this figure hidden by a later part of the same figure (an arm over a hip, the head over a raised
     * wrist, one arm over the other): a joint is hidden when a non-decorative part drawn after the last part it
     * lies on contains its pixel centre.
     */
    private static boolean[] selfOccluded(Figure f, List<Part> parts) {
        boolean[] hidden = new boolean[K];
        for (int j = 0; j < K; j++) {
            int last = -1;
            for (int i = 0; i < parts.size(); i++) {
                for (int own : parts.get(i).joints()) {
                    if (own == j) {
                        last = i;
                    }
                }
            }
            for (int i = last + 1; i < parts.size() && !hidden[j]; i++) {
                Part part = parts.get(i);
                hidden[j] = !part.decorative() && part.shape().contains(f.jx[j], f.jy[j]);
            }
        }
        return hidden;
    }

    private boolean[] maskOf(List<Shape> shapes) {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = m.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.translate(0.5, 0.5);
        g.setColor(Color.WHITE);
        for (Shape s : shapes) {
            g.fill(s);
        }
        g.dispose();
        return toMask(m);
    }

    private static boolean[] toMask(BufferedImage m) {
        byte[] px = ((DataBufferByte) m.getRaster().getDataBuffer()).getData();
        boolean[] out = new boolean[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = px[i] != 0;
        }
        return out;
    }

    private Shape occluder(SplittableRandom rnd, Figure f) {
        int j = rnd.nextInt(K);
        double size = Math.hypot(f.jx[L_SHOULDER] - f.jx[L_ANKLE], f.jy[L_SHOULDER] - f.jy[L_ANKLE]) + 1;
        double sw = size * uniform(rnd, 0.15, 0.4);
        double sh = size * uniform(rnd, 0.15, 0.4);
        double cx = f.jx[j] + uniform(rnd, -0.3, 0.3) * sw;
        double cy = f.jy[j] + uniform(rnd, -0.3, 0.3) * sh;
        Shape s = switch (rnd.nextInt(3)) {
            case 0 -> new Rectangle2D.Double(cx - sw / 2, cy - sh / 2, sw, sh);
            case 1 -> new Ellipse2D.Double(cx - sw / 2, cy - sh / 2, sw, sh);
            default -> new RoundRectangle2D.Double(cx - sw / 2, cy - sh / 2, sw, sh, sw / 3, sh / 3);
        };
        return AffineTransform.getRotateInstance(uniform(rnd, -0.6, 0.6), cx, cy).createTransformedShape(s);
    }

    // ------------------------------------------------------------------------------------------ annotations

    private SyntheticPerson annotate(Figure f, List<boolean[]> layers, int index, boolean[] selfHidden) {
        boolean[] mask = layers.get(index);
        double[] x = new double[K];
        double[] y = new double[K];
        int[] v = new int[K];
        for (int j = 0; j < K; j++) {
            if (!inImage(f.jx[j], f.jy[j])) {
                continue;
            }
            x[j] = f.jx[j];
            y[j] = f.jy[j];
            int pix = (int) Math.round(f.jy[j]) * w + (int) Math.round(f.jx[j]);
            boolean hidden = selfHidden[j];
            for (int l = index + 1; l < layers.size() && !hidden; l++) {
                hidden = layers.get(l)[pix];
            }
            v[j] = hidden ? 1 : 2;
        }
        int area = 0;
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx++) {
                if (mask[yy * w + xx]) {
                    area++;
                    x0 = Math.min(x0, xx);
                    x1 = Math.max(x1, xx);
                    y0 = Math.min(y0, yy);
                    y1 = Math.max(y1, yy);
                }
            }
        }
        int[] bbox = area == 0 ? new int[] {0, 0, 0, 0} : new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
        return new SyntheticPerson(x, y, v, mask, area, bbox, limbs(f));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static double uniform(SplittableRandom rnd, double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }

    private static double clip(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /** Rotates (x, y) by {@code deg} degrees in image coordinates (y down: positive turns +x towards +y). */
    private static double[] rot(double x, double y, double deg) {
        double a = Math.toRadians(deg);
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {x * c - y * s, x * s + y * c};
    }

    private static int randomColour(SplittableRandom rnd, double satLo, double satHi, double valLo, double valHi) {
        float hue = (float) rnd.nextDouble();
        float sat = (float) uniform(rnd, satLo, satHi);
        float val = (float) uniform(rnd, valLo, valHi);
        return Color.HSBtoRGB(hue, sat, val) & 0xFFFFFF;
    }

    private static int contrasting(SplittableRandom rnd, int against) {
        int best = 0;
        double bestD = -1;
        for (int i = 0; i < 12; i++) {
            int c = randomColour(rnd, 0.45, 1.0, 0.3, 0.95);
            double d = distance(c, against);
            if (d > 120) {
                return c;
            }
            if (d > bestD) {
                best = c;
                bestD = d;
            }
        }
        return best;
    }

    static double distance(int a, int b) {
        double dr = ((a >> 16) & 255) - ((b >> 16) & 255);
        double dg = ((a >> 8) & 255) - ((b >> 8) & 255);
        double db = (a & 255) - (b & 255);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    private static int luminance(int c) {
        return (int) (0.299 * ((c >> 16) & 255) + 0.587 * ((c >> 8) & 255) + 0.114 * (c & 255));
    }

    private static int meanColour(int[] px) {
        long r = 0;
        long g = 0;
        long b = 0;
        for (int c : px) {
            r += (c >> 16) & 255;
            g += (c >> 8) & 255;
            b += c & 255;
        }
        int n = Math.max(1, px.length);
        return (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
    }

    private static int mix(int c0, int c1, double t, double delta) {
        int r = channel(((c0 >> 16) & 255) * (1 - t) + ((c1 >> 16) & 255) * t + delta);
        int g = channel(((c0 >> 8) & 255) * (1 - t) + ((c1 >> 8) & 255) * t + delta);
        int b = channel((c0 & 255) * (1 - t) + (c1 & 255) * t + delta);
        return r << 16 | g << 8 | b;
    }

    private static int channel(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
