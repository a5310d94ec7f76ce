package io.hrnet4j.data.transform;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import io.hrnet4j.data.io.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes images with OpenCV ({@code cv2.imread(path, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION)}, as the official
 * {@code JointsDataset}) into an 8-bit 3-channel <b>BGR</b> {@link Mat} of {@code rows = height, cols = width}.
 *
 * <p>OpenCV decodes a damaged JPEG without an error: it fills what it cannot decode with grey and only prints
 * libjpeg's warning ("Premature end of JPEG file", "Corrupt JPEG data: premature end of data segment", "Corrupt JPEG
 * data: bad Huffman code") to stderr, without the file name. This decoder treats those warnings as errors: it checks
 * first that a JPEG's entropy-coded data ends with the end-of-image marker ({@code FF D9}) and that a PNG ends with its
 * {@code IEND} chunk, then decodes a JPEG's coefficients once with the JDK's libjpeg ({@code javax.imageio}, raster
 * only, no colour conversion) with a warning listener; any libjpeg warning becomes a {@link DataFormatException}
 * naming the file, the record and the warning. The check runs once per file (path, size and modification time) in
 * a JVM, so epochs after the first pay nothing for it. The pixels still come from OpenCV, as in the reference. A
 * JPEG whose damage libjpeg cannot see (a flipped bit that still decodes to valid Huffman codes) is not detectable
 * by any decoder and is decoded as it is. To skip and count bad images instead of failing, filter the loaded samples
 * with {@link io.hrnet4j.data.keypoints.LoadedSamples#withoutBadImages()}.
 */
public final class ImageDecoder {
    /** Files found sound, by path, size and modification time (bounded: about 20 MB for 200,000 files). */
    private static final Set<String> SOUND = ConcurrentHashMap.newKeySet();
    private static final int MAX_REMEMBERED = 200_000;

    private ImageDecoder() {
    }

    /**
     * @param image the image file (JPEG, PNG or any format OpenCV reads)
     * @param record the record that refers to the image, for the error message (e.g. {@code annotation id=42})
     * @return the BGR image; the caller owns (and should close) it
     * @throws DataFormatException if the file is missing, a directory, empty, truncated, reported corrupt by libjpeg
     *         or cannot be decoded (names the file, the record and the field {@code image})
     * @throws IOException if the file cannot be read
     */
    public static Mat decodeBgr(Path image, String record) throws IOException {
        if (Files.isDirectory(image)) {
            throw new DataFormatException(image, record, "image", "is a directory, expected an image file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(image, record, "image", "image file not found", e);
        }
        String problem = checkOnce(image, bytes);
        if (problem != null) {
            throw new DataFormatException(image, record, "image", problem);
        }
        Mat decoded;
        try (BytePointer data = new BytePointer(bytes); Mat buf = new Mat(1, bytes.length,
                org.bytedeco.opencv.global.opencv_core.CV_8UC1, data)) {
            decoded = imdecode(buf, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION);
        }
        if (decoded == null || decoded.empty()) {
            throw new DataFormatException(image, record, "image", "unreadable image: OpenCV could not decode "
                    + bytes.length + " bytes");
        }
        return decoded;
    }

    /**
     * Checks an image file without decoding it into pixels with OpenCV: present, complete, and (JPEG) decodable by
     * libjpeg without a warning.
     *
     * @param image the image file
     * @return null when the image is sound, else what is wrong (one line, without the file name)
     * @throws IOException if the file cannot be read
     */
    public static String problem(Path image) throws IOException {
        if (Files.isDirectory(image)) {
            return "is a directory, expected an image file";
        }
        if (!Files.isRegularFile(image)) {
            return "image file not found";
        }
        return check(Files.readAllBytes(image));
    }

    /** {@link #checkComplete}, then the libjpeg warning check of a JPEG; null when sound. */
    static String check(byte[] bytes) {
        String problem = checkComplete(bytes);
        if (problem == null && isJpeg(bytes)) {
            problem = jpegWarning(bytes);
        }
        return problem;
    }

    /**
     * {@link #check} once per file content: training decodes each image every epoch, and the libjpeg check costs about
     * one more decode, so a file already found sound (same path, size and modification time) is not checked again.
     */
    private static String checkOnce(Path image, byte[] bytes) throws IOException {
        String key = image.toAbsolutePath() + "|" + bytes.length + "|" + Files.getLastModifiedTime(image).toMillis();
        if (SOUND.contains(key)) {
            return null;
        }
        String problem = check(bytes);
        if (problem == null && SOUND.size() < MAX_REMEMBERED) {
            SOUND.add(key);
        }
        return problem;
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    }

    /**
     * Decodes the JPEG's DCT coefficients with the JDK's libjpeg and returns its first warning (libjpeg's {@code
     * emit_message(-1)}: corrupt or missing entropy-coded data, extraneous bytes before a marker, premature end of
     * file), or its error. A file the JDK reader does not support (e.g. an exotic colour space or 12-bit samples) but
     * that raised no warning is left to OpenCV.
     *
     * @param bytes a JPEG byte stream
     * @return null when libjpeg reported nothing, else {@code "corrupt JPEG: <libjpeg message>"}
     */
    static String jpegWarning(byte[] bytes) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            return null;
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>(1);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            reader.readRaster(0, null);
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (warnings.isEmpty() && (m.startsWith("Corrupt JPEG") || m.startsWith("Premature end")
                    || m.startsWith("Bogus") || m.startsWith("Invalid JPEG") || m.startsWith("Huffman"))) {
                return "corrupt JPEG: " + m;
            }
        } finally {
            reader.dispose();
        }
        return warnings.isEmpty() ? null : "corrupt JPEG: " + warnings.get(0)
                + (warnings.size() > 1 ? " (and " + (warnings.size() - 1) + " more warnings)" : "");
    }

    /**
     * Checks that a JPEG or PNG byte stream is complete. Other formats are left to the decoder.
     *
     * @param b the file's bytes
     * @return null when complete, else what is wrong
     */
    static String checkComplete(byte[] b) {
        if (b.length == 0) {
            return "empty file";
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            return jpegComplete(b) ? null : "truncated JPEG: no end-of-image marker (FF D9) after the image data ("
                    + b.length + " bytes)";
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            int n = b.length;
            boolean iend = n >= 12 && b[n - 8] == 'I' && b[n - 7] == 'E' && b[n - 6] == 'N' && b[n - 5] == 'D';
            return iend ? null : "truncated PNG: no IEND chunk at the end (" + n + " bytes)";
        }
        return null;
    }

    /** Walks the marker segments up to the first SOS, then looks for EOI in the rest. */
    private static boolean jpegComplete(byte[] b) {
        int i = 2;
        int n = b.length;
        while (i + 4 <= n) {
            if ((b[i] & 0xFF) != 0xFF) {
                return false;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xD9) {
                return false;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker == 0xDA) {
                for (int k = i + 2 + len; k + 1 < n; k++) {
                    if ((b[k] & 0xFF) == 0xFF && (b[k + 1] & 0xFF) == 0xD9) {
                        return true;
                    }
                }
                return false;
            }
            i += 2 + len;
        }
        return false;
    }
}
