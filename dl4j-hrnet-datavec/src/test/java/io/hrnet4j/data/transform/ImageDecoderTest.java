package io.hrnet4j.data.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.keypoints.LoadSummary;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged JPEGs that OpenCV decodes silently (grey fill, a libjpeg line on stderr without the file name) are refused
 * with a {@link DataFormatException} naming the file, the record and libjpeg's warning.
 */
class ImageDecoderTest {
    private static final Path JPEG = SharedData.data("coco-sample/000000000785.jpg");

    @Test
    void soundSamplesDecode() throws Exception {
        for (String f : new String[] {"coco-sample/000000000785.jpg", "coco-sample/000000040083.jpg",
            "coco-sample/000000196141.jpg", "coco-sample/000000197388.jpg", "mpii-sample/004645041.jpg"}) {
            assertThat(ImageDecoder.problem(SharedData.data(f))).as(f).isNull();
            try (Mat m = ImageDecoder.decodeBgr(SharedData.data(f), "test")) {
                assertThat(m.channels()).isEqualTo(3);
            }
        }
        assertThat(ImageDecoder.problem(SharedData.oracle("affine_image.png"))).isNull();
    }

    /** Truncated at 30%, 60% and 90% of the file, then given back its end-of-image marker: the case. */
    @Test
    void truncatedJpegEndingInEoiIsRefusedWithTheFileName(@TempDir Path tmp) throws Exception {
        byte[] good = Files.readAllBytes(JPEG);
        for (double frac : new double[] {0.3, 0.6, 0.9}) {
            byte[] cut = Arrays.copyOf(good, (int) (good.length * frac) + 2);
            cut[cut.length - 2] = (byte) 0xFF;
            cut[cut.length - 1] = (byte) 0xD9;
            Path bad = Files.write(tmp.resolve("cut" + (int) (frac * 100) + ".jpg"), cut);
            assertThatThrownBy(() -> ImageDecoder.decodeBgr(bad, "image id=785")).as("cut at %s", frac)
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(bad + ": record image id=785, field 'image': corrupt JPEG: ")
                    .hasMessageContaining("Corrupt JPEG data");
            assertThat(ImageDecoder.problem(bad)).startsWith("corrupt JPEG: ");
        }
    }

    /** A block of the entropy-coded data overwritten with garbage (file length and end marker unchanged). */
    @Test
    void corruptedEntropyDataIsRefused(@TempDir Path tmp) throws Exception {
        byte[] bytes = Files.readAllBytes(JPEG);
        int from = bytes.length / 2;
        for (int i = from; i < from + 4096; i++) {
            bytes[i] = (byte) 0xFF; // runs of FF: invalid marker sequences inside the scan
        }
        Path bad = Files.write(tmp.resolve("garbled.jpg"), bytes);
        assertThatThrownBy(() -> ImageDecoder.decodeBgr(bad, "r")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("garbled.jpg").hasMessageContaining("corrupt JPEG");
    }

    @Test
    void directoryMissingEmptyAndTruncatedFilesAreNamed(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> ImageDecoder.decodeBgr(tmp, "--image")).isInstanceOf(DataFormatException.class)
                .hasMessage(tmp + ": record --image, field 'image': is a directory, expected an image file");
        assertThatThrownBy(() -> ImageDecoder.decodeBgr(tmp.resolve("no.jpg"), "r"))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("image file not found");
        Path empty = Files.write(tmp.resolve("empty.jpg"), new byte[0]);
        assertThatThrownBy(() -> ImageDecoder.decodeBgr(empty, "r")).hasMessageContaining("empty file");
        byte[] good = Files.readAllBytes(JPEG);
        Path cut = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> ImageDecoder.decodeBgr(cut, "r")).hasMessageContaining("truncated JPEG");
    }

    /** The skip option: the bad image's samples are dropped and counted, the others kept in order. */
    @Test
    void badImagesCanBeSkippedAndCounted(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("images"));
        for (String f : new String[] {"000000000785.jpg", "000000040083.jpg", "000000196141.jpg", "000000197388.jpg"}) {
            Files.copy(SharedData.data("coco-sample/" + f), dir.resolve(f));
        }
        LoadedSamples all = CocoKeypoints.groundTruth(SharedData.data("coco-sample/test_coco.json"), dir, 0.75);
        assertThat(all.withoutBadImages()).isSameAs(all);
        byte[] good = Files.readAllBytes(dir.resolve("000000040083.jpg"));
        byte[] cut = Arrays.copyOf(good, good.length / 2 + 2);
        cut[cut.length - 2] = (byte) 0xFF;
        cut[cut.length - 1] = (byte) 0xD9;
        Files.write(dir.resolve("000000040083.jpg"), cut);
        long onBad = all.samples().stream().filter(s -> s.imageId() == 40083).count();
        assertThat(onBad).isPositive();
        LoadedSamples kept = all.withoutBadImages();
        assertThat(kept.samples()).containsExactlyElementsOf(all.samples().stream()
                .filter(s -> s.imageId() != 40083).toList());
        assertThat(kept.summary().skipped(LoadSummary.SkipReason.BAD_IMAGE)).isEqualTo((int) onBad);
        assertThat(kept.summary().kept()).isEqualTo(all.size() - (int) onBad);
        assertThat(kept.summary().toString()).contains("unreadable or corrupt image " + onBad);
    }
}
