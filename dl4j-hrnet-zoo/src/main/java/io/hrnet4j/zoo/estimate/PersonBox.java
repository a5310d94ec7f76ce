package io.hrnet4j.zoo.estimate;

import io.hrnet4j.data.geometry.CenterScale;

/**
 * One person box in image pixels, as the COCO detection-results format writes it ({@code bbox [x, y, w, h]}: top-left
 * corner, width and height; 0-based pixels, x right, y down) with the detector's confidence.
 *
 * @param x left edge, pixels
 * @param y top edge, pixels
 * @param w width, pixels (&gt; 0)
 * @param h height, pixels (&gt; 0)
 * @param score the detector's confidence in [0, 1] (1 for a whole-image box)
 */
public record PersonBox(double x, double y, double w, double h, double score) {
    /**
     * @throws IllegalArgumentException if a value is not finite or the size is not positive
     */
    public PersonBox {
        if (!(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(score)) || !(w > 0 && h > 0)
                || Double.isInfinite(w) || Double.isInfinite(h)) {
            throw new IllegalArgumentException("person box needs finite x, y, score and a positive size, got [" + x
                    + ", " + y + ", " + w + ", " + h + "] score " + score);
        }
    }

    /** @return {@code [x, y, w, h]} (the COCO {@code bbox} field) */
    public double[] xywh() {
        return new double[] {x, y, w, h};
    }

    /** @return the area {@code w * h}, pixels² */
    public double area() {
        return w * h;
    }

    /**
     * The top-down crop of this box: the official {@code _xywh2cs} ({@link CenterScale#fromBox}: aspect fix, /200,
     * x1.25 padding).
     *
     * @param aspectRatio network input width / height, e.g. 192 / 256
     * @return the crop center and scale
     */
    public CenterScale centerScale(double aspectRatio) {
        return CenterScale.fromBox(x, y, w, h, aspectRatio);
    }
}
