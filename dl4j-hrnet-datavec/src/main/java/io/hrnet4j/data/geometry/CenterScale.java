package io.hrnet4j.data.geometry;

/**
 * A person box in the top-down convention of the reference: {@code center} (x, y) in image pixels and
 * {@code scale} (w, h) = box size in pixels / {@link AffineTransforms#PIXEL_STD}, already padded.
 *
 * @param cx center x, image pixels
 * @param cy center y, image pixels
 * @param sw scale width (pixels / 200)
 * @param sh scale height (pixels / 200)
 */
public record CenterScale(double cx, double cy, double sw, double sh) {

    /** The reference's padding of a detector or ground-truth box: scale x 1.25 ({@code coco.py _xywh2cs}). */
    public static final double BOX_PADDING = 1.25;

    /**
     * The official {@code _xywh2cs}: the center is the box centre; the short side grows so that w / h equals the
     * input's aspect ratio; scale = size / 200 x 1.25. Values are rounded to float32 as the reference stores them.
     *
     * @param x box left, pixels
     * @param y box top, pixels
     * @param w box width, pixels
     * @param h box height, pixels
     * @param aspectRatio input width / input height (e.g. 192 / 256)
     * @return the center and scale
     */
    public static CenterScale fromBox(double x, double y, double w, double h, double aspectRatio) {
        float cx = (float) (x + w * 0.5);
        float cy = (float) (y + h * 0.5);
        if (w > aspectRatio * h) {
            h = w * 1.0 / aspectRatio;
        } else if (w < aspectRatio * h) {
            w = h * aspectRatio;
        }
        float sw = (float) (w * 1.0 / AffineTransforms.PIXEL_STD);
        float sh = (float) (h * 1.0 / AffineTransforms.PIXEL_STD);
        if (cx != -1) {
            sw = sw * (float) BOX_PADDING;
            sh = sh * (float) BOX_PADDING;
        }
        return new CenterScale(cx, cy, sw, sh);
    }
}
