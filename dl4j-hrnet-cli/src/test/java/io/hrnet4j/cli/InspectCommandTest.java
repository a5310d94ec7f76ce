package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    private final CliRun cli = new CliRun();

    @Test
    void writesOnePngPerSampleWithCropAndHeatmapPanels(@TempDir Path tmp) throws Exception {
        Path dir = SharedData.data("mpii-sample");
        int rc = cli.run("inspect", "--dataset", "mpii", "--images", dir.toString(),
                "--annotations", dir.resolve("test_mpii.json").toString(), "--samples", "3", "--out", tmp.toString());
        assertThat(rc).isZero();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "mpii_000_img0_ann0.png", "mpii_001_img1_ann1.png", "mpii_002_img2_ann2.png");
        }
        Mat png = opencv_imgcodecs.imread(tmp.resolve("mpii_000_img0_ann0.png").toString());
        assertThat(png.cols()).isEqualTo(512); // two 256x256 panels
        assertThat(png.rows()).isEqualTo(256);
    }

    @Test
    void badAnnotationFileIsAnErrorNamingTheFile(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[{\"image\": 3}]");
        int rc = cli.run("inspect", "--dataset", "mpii", "--images", tmp.toString(), "--annotations",
                bad.toString(), "--out", tmp.resolve("out").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).contains("bad.json: record #0, field 'image': expected a file name, got 3");
    }
}
