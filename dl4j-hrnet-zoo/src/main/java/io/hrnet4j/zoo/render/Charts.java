package io.hrnet4j.zoo.render;

import io.hrnet4j.data.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The project's line and scatter charts (training curves, search score against learning rate), drawn with XChart:
 * titled axes with ticks, a legend, log scales where the quantity spans decades, written as PNG through
 * {@link AtomicFiles}. One place for the chart style, so every plot of the project looks the same.
 */
public final class Charts {
    /** Matplotlib's default colour cycle (blue, orange, green, red), for series that must be told apart. */
    public static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189)};

    private Charts() {
    }

    /**
     * @param width image width, pixels
     * @param height image height, pixels
     * @param title the chart title
     * @param xTitle the x axis title with its unit
     * @param yTitle the (left) y axis title with its unit
     * @return an empty XY chart in the project's style (white background, legend in one row below the plot)
     */
    public static XYChart xy(int width, int height, String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler st = c.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setLegendBorderColor(new Color(200, 200, 200));
        st.setSeriesColors(COLORS);
        st.setAntiAlias(true);
        return c;
    }

    /**
     * Keeps an axis readable when every value is equal (XChart would otherwise draw a zero-height range): the range
     * becomes {@code [v - pad, v + pad]} with {@code pad} 5% of {@code |v|} (or 0.05 for 0).
     *
     * @param c the chart
     * @param min the smallest plotted y value
     * @param max the largest plotted y value
     */
    public static void padFlatYAxis(XYChart c, double min, double max) {
        if (Double.isFinite(min) && min == max) {
            double pad = min == 0 ? 0.05 : Math.abs(min) * 0.05;
            c.getStyler().setYAxisMin(min - pad);
            c.getStyler().setYAxisMax(max + pad);
        }
    }

    /**
     * Writes a chart as PNG, atomically.
     *
     * @param c the chart
     * @param file the PNG file
     * @throws IOException if the file cannot be written (the previous file, if any, is kept)
     */
    public static void writePng(XYChart c, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.writeBytes(file, png);
    }
}
