package io.hrnet4j.cli;

import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Video reading and writing for the CLI through JavaCV's FFmpeg bindings ({@link FFmpegFrameGrabber},
 * {@link FFmpegFrameRecorder}; FFmpeg 5.0 of JavaCPP 1.5.7). Frames are 8-bit BGR {@link Mat}s. The bytedeco OpenCV
 * build is not linked with FFmpeg (its {@code VideoCapture} has no file back-end), hence FFmpeg directly.
 *
 * <p>Written formats, by the output's extension: {@code .mp4} (MPEG-4 Part 2 video, the encoder every FFmpeg build
 * has; the LGPL build carries no H.264 encoder) and {@code .avi} (Motion JPEG).
 */
final class VideoFrames {
    /** Video extensions the CLI writes. */
    static final String[] WRITABLE = {".mp4", ".avi"};

    private VideoFrames() {
    }

    /** Receives the decoded frames of a video, in order. */
    @FunctionalInterface
    interface FrameSink {
        /**
         * @param index the frame number, 0-based
         * @param bgr the frame, 8-bit BGR; valid only during the call
         * @throws IOException to stop reading
         */
        void accept(int index, Mat bgr) throws IOException;
    }

    /** What a video holds. */
    record Info(int width, int height, double fps, int lengthInFrames) {
    }

    /**
     * Opens a video and reports its size, frame rate and (container's) frame count without decoding frames.
     *
     * @param video the file
     * @return its properties
     * @throws DataFormatException if the file is missing or FFmpeg cannot open it as a video (names the file)
     */
    static Info probe(Path video) throws IOException {
        if (!Files.isRegularFile(video)) {
            throw new DataFormatException(video, "-", "video", "video file not found");
        }
        FFmpegLogCallback.setLevel(avutil.AV_LOG_QUIET);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
            g.start();
            if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
                throw new DataFormatException(video, "-", "video", "no video stream");
            }
            Info info = new Info(g.getImageWidth(), g.getImageHeight(), g.getFrameRate(), g.getLengthInFrames());
            g.stop();
            return info;
        } catch (DataFormatException e) {
            throw e;
        } catch (Exception e) {
            throw new DataFormatException(video, "-", "video", "unreadable video: FFmpeg cannot open it ("
                    + oneLine(e) + ")", e);
        }
    }

    /**
     * Decodes the frames of a video.
     *
     * @param video the file
     * @param maxFrames stop after this many frames (&lt;= 0: all)
     * @param sink receives each frame
     * @return the number of frames read
     * @throws DataFormatException if the video cannot be opened or decoded (names the file and the frame)
     * @throws IOException from the sink
     */
    static int read(Path video, int maxFrames, FrameSink sink) throws IOException {
        probe(video);
        int n = 0;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            g.start();
            while (maxFrames <= 0 || n < maxFrames) {
                Frame f;
                try {
                    f = g.grabImage();
                } catch (Exception e) {
                    throw new DataFormatException(video, "frame " + n, "video", "cannot decode the frame ("
                            + oneLine(e) + ")", e);
                }
                if (f == null) {
                    break;
                }
                Mat m = conv.convert(f);
                if (m == null || m.empty() || m.channels() != 3) {
                    throw new DataFormatException(video, "frame " + n, "video", "frame is not a 3-channel image");
                }
                sink.accept(n, m);
                n++;
            }
            g.stop();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new DataFormatException(video, "frame " + n, "video", oneLine(e), e);
        }
        return n;
    }

    /**
     * Whether a path names a video the CLI can write (by extension).
     *
     * @param out a path
     * @return true for {@code .mp4} and {@code .avi}
     */
    static boolean isWritableVideo(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : WRITABLE) {
            if (n.endsWith(e)) {
                return true;
            }
        }
        return false;
    }

    /** Writes frames to a video through a temporary file; {@link #close()} validates and renames it. */
    static final class Writer {
        private final Path target;
        private final int width;
        private final int height;
        private final double fps;
        private FFmpegFrameRecorder recorder;
        private OpenCVFrameConverter.ToMat conv;
        private int frames;

        /**
         * @param target the {@code .mp4} or {@code .avi} file
         * @param width frame width, pixels
         * @param height frame height, pixels
         * @param fps frames per second (&gt; 0)
         */
        Writer(Path target, int width, int height, double fps) {
            this.target = target;
            this.width = width;
            this.height = height;
            this.fps = fps > 0 && Double.isFinite(fps) ? fps : 25;
        }

        /**
         * Writes every frame produced by {@code body} into {@code target} atomically ({@link AtomicFiles}): the
         * video is encoded into a temporary file, re-opened to check it holds as many frames as were written, then
         * renamed over the target.
         *
         * @param body calls {@link #write(Mat)} for each frame
         * @return the number of frames written
         * @throws IOException if encoding fails or the check fails (the target is unchanged)
         */
        int writeAll(IoBody body) throws IOException {
            boolean avi = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".avi");
            AtomicFiles.write(target, tmp -> {
                recorder = new FFmpegFrameRecorder(tmp.toFile(), width, height);
                recorder.setFormat(avi ? "avi" : "mp4");
                recorder.setVideoCodec(avi ? avcodec.AV_CODEC_ID_MJPEG : avcodec.AV_CODEC_ID_MPEG4);
                recorder.setPixelFormat(avi ? avutil.AV_PIX_FMT_YUVJ420P : avutil.AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(fps);
                recorder.setVideoQuality(avi ? 2 : 3);
                conv = new OpenCVFrameConverter.ToMat();
                try {
                    recorder.start();
                    body.run(this);
                    recorder.stop();
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(target + ": FFmpeg cannot encode the video (" + oneLine(e) + ")", e);
                } finally {
                    try {
                        recorder.release();
                    } catch (Exception ignored) {
                        // already reported or stopped
                    }
                    conv.close();
                }
            }, tmp -> {
                int[] n = {0};
                read(tmp, 0, (i, m) -> n[0]++);
                if (n[0] != frames) {
                    throw new IOException(target + ": the encoded video holds " + n[0] + " frames, " + frames
                            + " were written");
                }
            });
            return frames;
        }

        /**
         * @param bgr a frame of the writer's size, 8-bit BGR
         * @throws IOException if FFmpeg fails, or the frame has another size
         */
        void write(Mat bgr) throws IOException {
            if (bgr.cols() != width || bgr.rows() != height) {
                throw new IOException(target + ": frame " + frames + " is " + bgr.cols() + "x" + bgr.rows()
                        + ", the video " + width + "x" + height);
            }
            try {
                recorder.record(conv.convert(bgr), avutil.AV_PIX_FMT_BGR24);
            } catch (Exception e) {
                throw new IOException(target + ": FFmpeg cannot encode frame " + frames + " (" + oneLine(e) + ")", e);
            }
            frames++;
        }
    }

    /** The frame-producing body of {@link Writer#writeAll}. */
    @FunctionalInterface
    interface IoBody {
        /**
         * @param w the writer
         * @throws IOException on failure
         */
        void run(Writer w) throws IOException;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m).replace('\n', ' ');
    }
}
