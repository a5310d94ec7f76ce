package io.hrnet4j.search;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A scatter plot (PNG, Java2D) of the validation score against the base learning rate on a log10 axis, one point
 * per completed candidate, coloured by optimizer (Adam blue, AdamW green, SGD orange); failed candidates are drawn
 * as red crosses on the bottom axis.
 */
public final class ScoreLrPlot {
    private static final int W = 720;
    private static final int H = 480;
    private static final int L = 80;
    private static final int R = 30;
    private static final int T = 40;
    private static final int B = 60;

    private ScoreLrPlot() {
    }

    /**
     * @param records the candidates (any order)
     * @param score the metric (axis label)
     * @param file the PNG to write
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if there is no record
     */
    public static void write(List<CandidateRecord> records, PoseScore score, Path file) throws IOException {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no candidate");
        }
        System.setProperty("java.awt.headless", "true");
        double lrMin = Double.MAX_VALUE;
        double lrMax = -Double.MAX_VALUE;
        double sMin = Double.MAX_VALUE;
        double sMax = -Double.MAX_VALUE;
        for (CandidateRecord r : records) {
            double lr = Math.log10(r.candidate().baseLearningRate());
            lrMin = Math.min(lrMin, lr);
            lrMax = Math.max(lrMax, lr);
            if (r.completed()) {
                sMin = Math.min(sMin, r.result().score());
                sMax = Math.max(sMax, r.result().score());
            }
        }
        if (sMin > sMax) {
            sMin = 0;
            sMax = 1;
        }
        double padLr = Math.max(0.1, (lrMax - lrMin) * 0.05);
        double padS = Math.max(1e-6, (sMax - sMin) * 0.1);
        final double x0 = lrMin - padLr;
        final double x1 = lrMax + padLr;
        final double y0 = sMin - padS;
        final double y1 = sMax + padS;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawRect(L, T, W - L - R, H - T - B);
            for (int e = (int) Math.ceil(x0); e <= Math.floor(x1); e++) {
                int px = px(e, x0, x1);
                g.drawLine(px, H - B, px, H - B + 5);
                g.drawString("1e" + e, px - 12, H - B + 20);
            }
            for (int i = 0; i <= 4; i++) {
                double v = y0 + (y1 - y0) * i / 4;
                int py = py(v, y0, y1);
                g.drawLine(L - 5, py, L, py);
                g.drawString(score.format(v), 5, py + 4);
            }
            g.drawString("base learning rate (log scale)", W / 2 - 80, H - 15);
            g.drawString(score.kind().id() + " vs learning rate (" + records.size() + " candidates)", L, T - 15);
            g.setStroke(new BasicStroke(2f));
            for (CandidateRecord r : records) {
                int px = px(Math.log10(r.candidate().baseLearningRate()), x0, x1);
                if (r.completed()) {
                    int py = py(r.result().score(), y0, y1);
                    g.setColor(switch (r.candidate().optimizer()) {
                        case ADAM -> new Color(31, 119, 180);
                        case ADAMW -> new Color(44, 160, 44);
                        case SGD -> new Color(255, 127, 14);
                    });
                    g.fillOval(px - 5, py - 5, 10, 10);
                } else {
                    g.setColor(Color.RED);
                    int py = H - B - 8;
                    g.drawLine(px - 5, py - 5, px + 5, py + 5);
                    g.drawLine(px - 5, py + 5, px + 5, py - 5);
                }
            }
            int ly = T + 15;
            for (String[] item : new String[][] {{"adam", "31,119,180"}, {"adamw", "44,160,44"},
                    {"sgd", "255,127,14"}, {"failed", "255,0,0"}}) {
                String[] c = item[1].split(",");
                g.setColor(new Color(Integer.parseInt(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2])));
                g.fillOval(W - R - 80, ly - 8, 8, 8);
                g.setColor(Color.BLACK);
                g.drawString(item[0].toLowerCase(Locale.ROOT), W - R - 65, ly);
                ly += 16;
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private static int px(double v, double x0, double x1) {
        return L + (int) Math.round((v - x0) / (x1 - x0) * (W - L - R));
    }

    private static int py(double v, double y0, double y1) {
        return H - B - (int) Math.round((v - y0) / (y1 - y0) * (H - T - B));
    }
}
