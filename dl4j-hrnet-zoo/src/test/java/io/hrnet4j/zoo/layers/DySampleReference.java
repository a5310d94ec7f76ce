package io.hrnet4j.zoo.layers;

/**
 * Independent loop-based re-statement of the official {@code dysample.py} forward pass (offset generation for
 * lp/pl and static/dynamic scope, then {@code grid_sample} bilinear, align_corners false, border padding, written
 * with floor-based bilinear interpolation as PyTorch does). Arrays are flat C-order NCHW doubles.
 */
final class DySampleReference {
    private DySampleReference() {
    }

    /** 1x1 conv: x [n, cin, h, w], weight [cout, cin], bias [cout] or null. */
    static double[] conv1x1(double[] x, int n, int cin, int h, int w, double[] weight, double[] bias, int cout) {
        double[] y = new double[n * cout * h * w];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cout; o++) {
                for (int p = 0; p < h * w; p++) {
                    double acc = bias == null ? 0 : bias[o];
                    for (int c = 0; c < cin; c++) {
                        acc += weight[o * cin + c] * x[(b * cin + c) * h * w + p];
                    }
                    y[(b * cout + o) * h * w + p] = acc;
                }
            }
        }
        return y;
    }

    /** pixel_shuffle [n, c*s*s, h, w] -> [n, c, h*s, w*s]. */
    static double[] shuffle(double[] x, int n, int c, int h, int w, int s) {
        return shuffle(x, n, c, h, w, s, false);
    }

    /** pixel_unshuffle [n, c, h*s, w*s] -> [n, c*s*s, h, w]. */
    static double[] unshuffle(double[] x, int n, int c, int h, int w, int s) {
        return shuffle(x, n, c, h, w, s, true);
    }

    /**
     * The one index map of both directions: element {@code [b, k*s*s + i*s + j, yy, xx]} of the low-resolution
     * layout is element {@code [b, k, yy*s + i, xx*s + j]} of the high-resolution one.
     */
    private static double[] shuffle(double[] x, int n, int c, int h, int w, int s, boolean inverse) {
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < c; k++) {
                for (int i = 0; i < s; i++) {
                    for (int j = 0; j < s; j++) {
                        for (int yy = 0; yy < h; yy++) {
                            for (int xx = 0; xx < w; xx++) {
                                int low = ((b * c * s * s + k * s * s + i * s + j) * h + yy) * w + xx;
                                int high = ((b * c + k) * h * s + yy * s + i) * w * s + xx * s + j;
                                if (inverse) {
                                    y[low] = x[high];
                                } else {
                                    y[high] = x[low];
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    static double[] forward(double[] x, int n, int c, int h, int w, int s, int g, boolean pl, double[] offW,
                            double[] offB, double[] scopeW) {
        int o = 2 * g * s * s;
        double[] offset;
        if (!pl) {
            double[] raw = conv1x1(x, n, c, h, w, offW, offB, o);
            if (scopeW != null) {
                double[] sc = conv1x1(x, n, c, h, w, scopeW, null, o);
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = raw[i] / (1 + Math.exp(-sc[i])) * 0.5;
                }
            } else {
                for (int i = 0; i < raw.length; i++) {
                    raw[i] *= 0.25;
                }
            }
            offset = raw;
        } else {
            int cs = c / (s * s);
            double[] xs = shuffle(x, n, cs, h, w, s);
            double[] raw = conv1x1(xs, n, cs, h * s, w * s, offW, offB, 2 * g);
            if (scopeW != null) {
                double[] sc = conv1x1(xs, n, cs, h * s, w * s, scopeW, null, 2 * g);
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = raw[i] / (1 + Math.exp(-sc[i]));
                }
            }
            offset = unshuffle(raw, n, 2 * g, h, w, s);
            for (int i = 0; i < offset.length; i++) {
                offset[i] *= scopeW != null ? 0.5 : 0.25;
            }
        }
        float[] init = DySample.initPos(s, g).data().asFloat();
        int cg = c / g;
        double[] out = new double[n * c * h * s * w * s];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int grp = ch / cg;
                for (int oy = 0; oy < h * s; oy++) {
                    for (int ox = 0; ox < w * s; ox++) {
                        int hh = oy / s;
                        int i = oy % s;
                        int ww = ox / s;
                        int j = ox % s;
                        int k = grp * s * s + i * s + j;
                        double dx = offset[((b * o + k) * h + hh) * w + ww] + init[k];
                        double dy = offset[((b * o + g * s * s + k) * h + hh) * w + ww] + init[g * s * s + k];
                        double gx = 2 * (ww + 0.5 + dx) / w - 1;
                        double gy = 2 * (hh + 0.5 + dy) / h - 1;
                        double ix = Math.min(w - 1, Math.max(0, ((gx + 1) * w - 1) / 2));
                        double iy = Math.min(h - 1, Math.max(0, ((gy + 1) * h - 1) / 2));
                        int x0 = (int) Math.floor(ix);
                        int y0 = (int) Math.floor(iy);
                        double fx = ix - x0;
                        double fy = iy - y0;
                        double v = 0;
                        for (int yy = 0; yy < 2; yy++) {
                            for (int xx = 0; xx < 2; xx++) {
                                int py = y0 + yy;
                                int px = x0 + xx;
                                double wt = (yy == 0 ? 1 - fy : fy) * (xx == 0 ? 1 - fx : fx);
                                if (py < h && px < w && wt != 0) {
                                    v += wt * x[((b * c + ch) * h + py) * w + px];
                                }
                            }
                        }
                        out[((b * c + ch) * h * s + oy) * w * s + ox] = v;
                    }
                }
            }
        }
        return out;
    }
}
