package io.hrnet4j.zoo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Which reduced-precision convolution kernels this ND4J build can run, and how fast: the question that decides
 * whether a bf16 or int8 inference path can beat the fp32 one ({@code hrnet bench --kernels}). One 3x3, 64 to 64
 * channel, stride-1, padding-1 convolution on {@code [8, 64, 64, 48]} (NCHW; HRNet's stem output at 256x192, the
 * same case as {@link ModelBenchmark#baselineConvGflops}), run through the libnd4j ops a Java caller can reach:
 * <ol>
 *   <li>{@code conv2d} fp32, weights {@code [kH, kW, iC, oC]}: oneDNN's direct convolution (the fp32 path);</li>
 *   <li>{@code conv2d} with bf16 input, weights and output: libnd4j 1.0.0-M2.1's oneDNN {@code conv2d} platform
 *       check ({@code ops/declarable/platform/mkldnn/conv2d.cpp}, {@code PLATFORM_CHECK(conv2d)}) accepts FLOAT32
 *       only, so this runs libnd4j's generic im2col + gemm;</li>
 *   <li>{@code deconv2d_bp} in bf16: the one oneDNN convolution primitive whose M2.1 platform check accepts
 *       BFLOAT16 ({@code platform/mkldnn/deconv2d.cpp}); the input gradient of a transposed convolution, with the
 *       convolution's input as output gradient and its {@code [kH, kW, iC, oC]} weights unchanged, is the
 *       convolution (any stride), but the op always computes the weight gradient too (twice the work);</li>
 *   <li>{@code deconv2d} with uint8 input, int8 weights and float32 output: oneDNN's int8 (VNNI) transposed
 *       convolution, accepted by the M2.1 platform check; with stride 1 it equals the convolution with spatially
 *       flipped, in/out-swapped weights and padding {@code k - 1 - p} (strided convolutions have no such form);</li>
 *   <li>the quantisation such an int8 layer adds per call: {@code x / scale} cast to uint8 (one pass over the
 *       input).</li>
 * </ol>
 * Each row reports the median seconds, the convolution's useful GFLOP/s (2 x multiply-adds / s; the same FLOPs for
 * every row), the speed relative to fp32 {@code conv2d} and the largest absolute difference from the fp32 output
 * relative to the largest fp32 output value. A benchmark command, not a test: never assert on its timings.
 */
public final class PrecisionKernels {
    private static final int N = 8;
    private static final int C = 64;
    private static final int H = 64;
    private static final int W = 48;
    private static final int K = 3;
    /** Multiply-adds of the measured convolution. */
    static final double MACS = (double) N * C * H * W * C * K * K;
    /** A row slower than this many times the fp32 convolution is timed once (no warm-up, no repetition). */
    private static final double SLOW_FACTOR = 20;

    private PrecisionKernels() {
    }

    /**
     * One kernel measured.
     *
     * @param kernel what ran, e.g. {@code conv2d bf16 (generic im2col + gemm)}
     * @param seconds median seconds per call; NaN when the kernel failed
     * @param gflops useful convolution GFLOP/s
     * @param speedup fp32 {@code conv2d} seconds / these seconds (above 1: faster)
     * @param relativeError max |out - fp32 out| / max |fp32 out|; NaN when not comparable
     * @param note how it ran (e.g. the failure message, or that a slow kernel was timed once)
     */
    public record Row(String kernel, double seconds, double gflops, double speedup, double relativeError,
                      String note) {
    }

    /**
     * @param rows the measured kernels, fp32 first
     * @param threads ND4J's OpenMP thread count
     * @param natives the JavaCPP platform extension in effect ({@code ""}: generic build)
     */
    public record Result(List<Row> rows, int threads, String natives) {
        /** @return a Markdown table with the conditions above it */
        public String markdown() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "3x3 conv, 64 to 64 channels, [%d, %d, %d, %d] NCHW, stride 1; %d ND4J threads, %s natives.%n%n",
                    N, C, H, W, threads, natives.isEmpty() ? "generic" : natives));
            sb.append("| kernel | s/call | GFLOP/s | vs fp32 conv2d | max rel. error | note |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r.kernel(),
                        fmt(r.seconds(), "%.4f"), fmt(r.gflops(), "%.1f"), fmt(r.speedup(), "%.2fx"),
                        fmt(r.relativeError(), "%.1e"), r.note()));
            }
            return sb.toString();
        }

        /** @return {@code {"threads", "natives", "rows": [{kernel, seconds, gflops, speedup, relative_error, note}]}} */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threads", threads);
            m.put("natives", natives.isEmpty() ? "generic" : natives);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("kernel", r.kernel());
                x.put("seconds", Double.isNaN(r.seconds()) ? null : r.seconds());
                x.put("gflops", Double.isNaN(r.gflops()) ? null : r.gflops());
                x.put("speedup", Double.isNaN(r.speedup()) ? null : r.speedup());
                x.put("relative_error", Double.isNaN(r.relativeError()) ? null : r.relativeError());
                x.put("note", r.note());
                out.add(x);
            }
            m.put("rows", out);
            return m;
        }

        private static String fmt(double v, String f) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, f, v);
        }
    }

    /**
     * Measures the kernels of the class comment.
     *
     * @param warmup untimed calls per kernel (&gt;= 0)
     * @param iterations timed calls per kernel (&gt;= 1; median)
     * @return the rows, fp32 {@code conv2d} first
     */
    public static Result run(int warmup, int iterations) {
        Nd4j.getRandom().setSeed(0);
        INDArray x = Nd4j.rand(DataType.FLOAT, N, C, H, W);
        INDArray w = Nd4j.rand(DataType.FLOAT, K, K, C, C).subi(0.5);
        INDArray ref = conv2d(x, w, DataType.FLOAT);
        double refMax = ref.amaxNumber().doubleValue();
        List<Row> rows = new ArrayList<>();
        double fp32 = ModelBenchmark.median(ModelBenchmark.time(() -> conv2d(x, w, DataType.FLOAT), warmup,
                iterations));
        rows.add(new Row("conv2d fp32 (oneDNN direct)", fp32, 2 * MACS / fp32 / 1e9, 1.0, 0.0, ""));

        INDArray xb = x.castTo(DataType.BFLOAT16);
        INDArray wb = w.castTo(DataType.BFLOAT16);
        rows.add(measure("conv2d bf16 (oneDNN refuses bf16: generic im2col + gemm)", fp32, warmup, iterations,
                () -> conv2d(xb, wb, DataType.BFLOAT16), ref, refMax));

        // the transposed convolution's input gradient with gradO = x and the conv weights read as [kH, kW, oC', iC']
        // is the convolution (stride s included); its "input" only feeds the weight gradient, so zeros
        INDArray deconvInput = Nd4j.zeros(DataType.BFLOAT16, N, C, H, W);
        INDArray gradI = Nd4j.create(DataType.BFLOAT16, N, C, H, W);
        INDArray gradW = Nd4j.create(DataType.BFLOAT16, K, K, C, C);
        rows.add(measure("deconv2d_bp bf16 (oneDNN; computes the conv and a weight gradient)", fp32, warmup,
                iterations, () -> {
                    Nd4j.exec(DynamicCustomOp.builder("deconv2d_bp").addInputs(deconvInput, wb, xb)
                            .addOutputs(gradI, gradW).addIntegerArguments(convArgs()).build());
                    return gradI;
                }, ref, refMax));

        INDArray wt = transposedWeights(w);

        double xScale = x.amaxNumber().doubleValue() / 255.0;
        double wScale = w.amaxNumber().doubleValue() / 127.0;
        INDArray xq = Transforms.round(x.div(xScale), false).castTo(DataType.UINT8);
        INDArray wq = Transforms.round(wt.div(wScale), false).castTo(DataType.INT8);
        INDArray acc = Nd4j.create(DataType.FLOAT, N, C, H, W);
        rows.add(measure("deconv2d u8 x s8 -> f32 (oneDNN int8)", fp32, warmup, iterations, () -> {
            Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(xq, wq).addOutputs(acc)
                    .addIntegerArguments(convArgs()).build());
            return acc.mul(xScale * wScale);
        }, ref, refMax));
        double q = ModelBenchmark.median(ModelBenchmark.time(
                () -> Transforms.round(x.div(xScale), false).castTo(DataType.UINT8), warmup, iterations));
        rows.add(new Row("quantise the input to uint8 (per int8 layer)", q, Double.NaN, Double.NaN, Double.NaN,
                "one pass over [8, 64, 64, 48]"));
        return new Result(rows, Nd4j.getEnvironment().maxThreads(),
                System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
    }

    private static Row measure(String name, double fp32, int warmup, int iterations, Supplier<INDArray> kernel,
                               INDArray ref, double refMax) {
        INDArray out;
        long t0 = System.nanoTime();
        try {
            out = kernel.get();
        } catch (RuntimeException e) {
            return new Row(name, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    "failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        double first = (System.nanoTime() - t0) / 1e9;
        double err = out.castTo(DataType.FLOAT).sub(ref).amaxNumber().doubleValue() / refMax;
        if (first > SLOW_FACTOR * fp32) {
            return new Row(name, first, 2 * MACS / first / 1e9, fp32 / first, err, "slow: timed once");
        }
        double s = ModelBenchmark.median(ModelBenchmark.time(kernel::get, warmup, iterations));
        return new Row(name, s, 2 * MACS / s / 1e9, fp32 / s, err, "");
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, VALID, NCHW, weights format 0 ({@code [kH, kW, a, b]}). */
    private static int[] convArgs() {
        return new int[] {K, K, 1, 1, 1, 1, 1, 1, 0, 0, 0};
    }

    private static INDArray conv2d(INDArray x, INDArray w, DataType out) {
        INDArray z = Nd4j.create(out, x.size(0), w.size(3), x.size(2), x.size(3));
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(z).addIntegerArguments(convArgs())
                .build());
        return z;
    }

    /**
     * @param yxio conv weights {@code [kH, kW, iC, oC]}
     * @return the weights of the stride-1 transposed convolution computing the same function, {@code [kH, kW, oC', iC']}
     *     in {@code deconv2d}'s format 0 (its output channels first): spatially flipped, the channel axes swapped
     */
    static INDArray transposedWeights(INDArray yxio) {
        long kh = yxio.size(0);
        long kw = yxio.size(1);
        INDArray t = Nd4j.create(yxio.dataType(), kh, kw, yxio.size(3), yxio.size(2));
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                t.get(NDArrayIndex.point(i), NDArrayIndex.point(j)).assign(
                        yxio.get(NDArrayIndex.point(kh - 1 - i), NDArrayIndex.point(kw - 1 - j)).transpose());
            }
        }
        return t;
    }
}
