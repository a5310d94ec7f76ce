package io.hrnet4j.zoo.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.zoo.train.TrainingReport;
import io.hrnet4j.zoo.train.TrainingState;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/** The XChart plots: real pictures (sizes, colours of the series), a flat axis padded, atomic writes. */
class ChartsTest {
    @TempDir
    Path tmp;

    private static Set<Integer> colours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                c.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return c;
    }

    @Test
    void trainingCurvesShowLossAndMetricSeries() throws Exception {
        List<Double> losses = List.of(0.01, 0.008, 0.006, 0.005, 0.0045, 0.004);
        List<TrainingState.EpochRecord> epochs = List.of(
                new TrainingState.EpochRecord(1, 3, 3, 0.008, 1e-3, 1.0, "AP", 0.25),
                new TrainingState.EpochRecord(2, 6, 3, 0.0045, 1e-3, 1.0, "AP", 0.5));
        Path png = tmp.resolve("training-curves.png");
        TrainingReport.writePlot(png, losses, epochs);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        assertThat(img.getHeight()).isEqualTo(500);
        Set<Integer> c = colours(img);
        // the epoch-mean series (blue) and the metric series (orange) are drawn
        assertThat(c).contains(Charts.COLORS[0].getRGB() & 0xffffff, Charts.COLORS[1].getRGB() & 0xffffff);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("training-curves.png");
        }
    }

    @Test
    void aZeroMetricDrawsOnALinearAxis() throws Exception {
        Path png = tmp.resolve("zero.png");
        TrainingReport.writePlot(png, List.of(0.01, 0.009), List.of(
                new TrainingState.EpochRecord(1, 2, 2, 0.0095, 1e-3, 1.0, "AP", 0.0)));
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(900);
    }

    @Test
    void aFlatSeriesGetsAPaddedAxisAndAnEmptyHistoryStillDraws() throws Exception {
        XYChart c = Charts.xy(400, 300, "flat", "x", "y");
        c.addSeries("same", new double[] {1, 2, 3}, new double[] {0.5, 0.5, 0.5});
        Charts.padFlatYAxis(c, 0.5, 0.5);
        assertThat(c.getStyler().getYAxisMin()).isEqualTo(0.475);
        assertThat(c.getStyler().getYAxisMax()).isEqualTo(0.525);
        Charts.writePng(c, tmp.resolve("flat.png"));
        assertThat(ImageIO.read(tmp.resolve("flat.png").toFile()).getWidth()).isEqualTo(400);
        Path empty = tmp.resolve("empty.png");
        TrainingReport.writePlot(empty, List.of(), List.of());
        assertThat(ImageIO.read(empty.toFile()).getHeight()).isEqualTo(500);
    }
}
