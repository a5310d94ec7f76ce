package io.hrnet4j.zoo.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.PoseNetworks.Backend;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Measures a network's inference throughput and training-step time for each realisation, and, in the same
 * process, a baseline: the raw {@code conv2d} throughput of this machine and ND4J build (a 3x3, 64 to 64 channel
 * convolution on {@code [8, 64, 64, 48]}, the size of HRNet's stem output at 256x192). Results are reported as
 * absolute figures and as ratios against that baseline (network GFLOP/s / raw conv GFLOP/s), so figures from
 * different machines and native builds compare. One multiply-add counts as 2 FLOPs; network FLOPs come from
 * {@link Complexity#macs()} (convolutions only).
 *
 * <p>Timing: each measurement runs {@code warmup} untimed repetitions, then {@code iterations} timed ones, and
 * reports the median. This is a benchmark command, not a test: never assert on its timings.
 */
public final class ModelBenchmark {
    private static final ObjectMapper ROWS = new ObjectMapper();

    /**
     * One measurement.
     *
     * @param realisation what ran
     * @param kind {@code inference} or {@code train-step}
     * @param batch batch size
     * @param seconds median seconds per call (one forward, or one training iteration)
     * @param imagesPerSecond batch / seconds
     * @param gflops network conv GFLOP/s reached (forward FLOPs; x3 for a training step)
     * @param ratioToBaseline gflops / baseline conv2d GFLOP/s
     */
    @JsonPropertyOrder({"realisation", "kind", "batch", "secondsPerCall", "imagesPerSecond", "gflops",
            "ratioToBaseline"})
    public record Measurement(@JsonIgnore Backend realisation, String kind, int batch,
                              @JsonProperty("secondsPerCall") double seconds, double imagesPerSecond, double gflops,
                              double ratioToBaseline) {
        /** @return the realisation's name in the table and the JSON results: {@code graph}, {@code samediff}, ... */
        @JsonProperty("realisation")
        public String realisationName() {
            return realisation.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Results of one run.
     *
     * @param config the architecture
     * @param nativeVariant the JavaCPP platform extension in effect (empty = generic build)
     * @param baselineGflops raw conv2d GFLOP/s measured in this run
     * @param measurements the measurements
     */
    public record Result(HRNetConfig config, String nativeVariant, double baselineGflops,
                         List<Measurement> measurements) {

        /** @return a fixed-width table, one line per measurement */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "natives: %s; baseline conv2d: %.2f GFLOP/s%n",
                    nativeVariant.isEmpty() ? "generic" : nativeVariant, baselineGflops));
            sb.append(String.format(Locale.ROOT, "%-16s %-10s %5s %10s %10s %9s %9s%n", "realisation", "kind",
                    "batch", "s/call", "img/s", "GFLOP/s", "x base"));
            for (Measurement m : measurements) {
                sb.append(String.format(Locale.ROOT, "%-16s %-10s %5d %10.3f %10.2f %9.2f %9.3f%n",
                        m.realisationName(), m.kind(), m.batch(), m.seconds(),
                        m.imagesPerSecond(), m.gflops(), m.ratioToBaseline()));
            }
            return sb.toString();
        }

        /**
         * @return the results as a JSON-friendly map: {@code natives}, {@code baselineConv2dGflops}, {@code macs} and
         *     {@code measurements}, one object per {@link Measurement} with the keys {@code realisation},
         *     {@code kind}, {@code batch}, {@code secondsPerCall}, {@code imagesPerSecond}, {@code gflops},
         *     {@code ratioToBaseline}
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("natives", nativeVariant.isEmpty() ? "generic" : nativeVariant);
            m.put("baselineConv2dGflops", baselineGflops);
            m.put("macs", Complexity.of(config).macs());
            m.put("measurements", ROWS.convertValue(measurements, new TypeReference<List<Map<String, Object>>>() { }));
            return m;
        }
    }

    private ModelBenchmark() {
    }

    /**
     * Runs the benchmark: builds the networks ({@link Workload}), runs {@code warmup} untimed rounds, then
     * {@code iterations} timed rounds (each round times every measurement once, so load drift spreads over all of
     * them), and reports the median of each.
     *
     * @param cfg the architecture (e.g. {@code HRNetConfig.standard(32, 17, 256, 192)})
     * @param realisations what to measure
     * @param batches batch sizes (inference, and training when {@code train})
     * @param train whether to time training steps too (GRAPH and SAMEDIFF; SAMEDIFF_FOLDED is inference only)
     * @param warmup untimed rounds
     * @param iterations timed rounds (median reported)
     * @param progress receives one line per finished measurement (may be null)
     * @return the results
     */
    public static Result run(HRNetConfig cfg, List<Backend> realisations, int[] batches, boolean train,
                             int warmup, int iterations, Consumer<String> progress) {
        double baseline = baselineConvGflops(warmup, Math.max(3, iterations));
        double fwdGflop = 2.0 * Complexity.of(cfg).macs() / 1e9;
        Workload w = new Workload(cfg, realisations, batches, train ? batches : new int[0], 0);
        for (int i = 0; i < warmup; i++) {
            w.round();
        }
        List<Map<Backend, Map<String, Double>>> rounds = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            rounds.add(w.round());
        }
        List<Measurement> out = new ArrayList<>();
        for (Backend r : realisations) {
            for (int b : batches) {
                for (String kind : List.of("inference", "train-step")) {
                    String key = kind.equals("inference") ? inferKey(b) : trainKey(b);
                    if (!rounds.get(0).get(r).containsKey(key)) {
                        continue;
                    }
                    double s = median(rounds.stream().mapToDouble(x -> x.get(r).get(key)).toArray());
                    double flop = (kind.equals("inference") ? 1 : 3) * fwdGflop * b;
                    Measurement m = new Measurement(r, kind, b, s, b / s, flop / s, flop / s / baseline);
                    out.add(m);
                    report(progress, m);
                }
            }
        }
        String ext = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        return new Result(cfg, ext, baseline, out);
    }

    /** @param batch a batch size @return the measurement key of inference at that batch, {@code infer_b<batch>} */
    public static String inferKey(int batch) {
        return "infer_b" + batch;
    }

    /** @param batch a batch size @return the measurement key of a training step, {@code train_b<batch>} */
    public static String trainKey(int batch) {
        return "train_b" + batch;
    }

    /**
     * The networks and inputs of one benchmark, built once; {@link #round()} times every measurement once.
     * Networks are built only through the public API: {@code new HRNet.Builder().config(cfg).build().init()}
     * (GRAPH), {@link HRNet#initSameDiff()} (SAMEDIFF) and {@link PoseNetworks#random} (SAMEDIFF_FOLDED), all with
     * the official random initialisation and Adam(1e-3).
     *
     * <p>Inference: {@code PoseNetwork.output} of a {@code [N, 3, H, W]} uniform-random float32 batch. Training
     * step: one {@code fit} of one batch with labels {@code [N, K, H/4, W/4]} (uniform random) and target weights 1
     * (labels mask of the labels' shape): forward with batch statistics, JointsMSELoss, backward, Adam update.
     */
    public static final class Workload {
        private final List<Backend> realisations;
        private final Map<Backend, PoseNetwork> nets = new EnumMap<>(Backend.class);
        private final Map<Backend, ComputationGraph> graphs = new EnumMap<>(Backend.class);
        private final Map<Backend, SameDiffHRNet> samediffs = new EnumMap<>(Backend.class);
        private final Map<Integer, INDArray> inputs = new LinkedHashMap<>();
        private final Map<Integer, DataSet> trainSets = new LinkedHashMap<>();

        /**
         * @param cfg the architecture
         * @param realisations the realisations, each built once
         * @param inferBatches batch sizes of the inference measurements (may be empty)
         * @param trainBatches batch sizes of the training-step measurements (may be empty; skipped for
         *     SAMEDIFF_FOLDED)
         * @param seed initialisation seed of the networks and of the random inputs
         */
        public Workload(HRNetConfig cfg, List<Backend> realisations, int[] inferBatches, int[] trainBatches,
                        long seed) {
            this.realisations = List.copyOf(realisations);
            Nd4j.getRandom().setSeed(seed);
            for (int b : inferBatches) {
                inputs.put(b, Nd4j.rand(DataType.FLOAT, b, 3, cfg.inputHeight(), cfg.inputWidth()));
            }
            for (int b : trainBatches) {
                INDArray x = Nd4j.rand(DataType.FLOAT, b, 3, cfg.inputHeight(), cfg.inputWidth());
                INDArray y = Nd4j.rand(DataType.FLOAT, b, cfg.numJoints(), cfg.heatmapHeight(), cfg.heatmapWidth());
                trainSets.put(b, new DataSet(x, y, null, Nd4j.onesLike(y)));
            }
            for (Backend r : this.realisations) {
                switch (r) {
                    case GRAPH -> {
                        ComputationGraph g = new HRNet.Builder().config(cfg).seed(seed).updater(new Adam(1e-3)).build()
                                .init();
                        nets.put(r, PoseNetwork.of(g, cfg));
                        graphs.put(r, g);
                    }
                    case SAMEDIFF -> {
                        SameDiffHRNet sd = new HRNet.Builder().config(cfg).seed(seed).updater(new Adam(1e-3)).build()
                                .initSameDiff();
                        if (!trainSets.isEmpty()) {
                            sd.prepareTraining();
                        }
                        nets.put(r, sd);
                        samediffs.put(r, sd);
                    }
                    default -> nets.put(r, PoseNetworks.random(cfg, r, seed));
                }
            }
        }

        /**
         * Times every measurement once: for each realisation, inference at each batch, then a training step at
         * each training batch.
         *
         * @return realisation to measurement key ({@link #inferKey}, {@link #trainKey}) to wall-clock seconds
         */
        public Map<Backend, Map<String, Double>> round() {
            Map<Backend, Map<String, Double>> out = new EnumMap<>(Backend.class);
            for (Backend r : realisations) {
                Map<String, Double> m = new LinkedHashMap<>();
                for (int b : inputs.keySet()) {
                    m.put(inferKey(b), infer(r, b));
                }
                if (r != Backend.SAMEDIFF_FOLDED) {
                    for (int b : trainSets.keySet()) {
                        m.put(trainKey(b), train(r, b));
                    }
                }
                out.put(r, m);
            }
            return out;
        }

        /**
         * Times one inference call.
         *
         * @param r a realisation of this workload
         * @param batch one of the inference batch sizes
         * @return wall-clock seconds
         * @throws IllegalArgumentException if the realisation or batch is not part of this workload
         */
        public double infer(Backend r, int batch) {
            PoseNetwork net = nets.get(r);
            INDArray x = inputs.get(batch);
            if (net == null || x == null) {
                throw new IllegalArgumentException("no " + r + " inference at batch " + batch + " in this workload");
            }
            return seconds(() -> net.output(x));
        }

        /**
         * Times one training step.
         *
         * @param r GRAPH or SAMEDIFF, part of this workload
         * @param batch one of the training batch sizes
         * @return wall-clock seconds
         * @throws IllegalArgumentException if the realisation cannot train or is not part of this workload, or the
         *     batch is not
         */
        public double train(Backend r, int batch) {
            DataSet ds = trainSets.get(batch);
            if (ds == null || !nets.containsKey(r) || r == Backend.SAMEDIFF_FOLDED) {
                throw new IllegalArgumentException("no " + r + " training step at batch " + batch
                        + " in this workload");
            }
            return seconds(r == Backend.GRAPH ? () -> graphs.get(r).fit(ds)
                    : () -> samediffs.get(r).fit(new SingletonDataSetIterator(ds), 1));
        }

        private static double seconds(Runnable r) {
            long t0 = System.nanoTime();
            r.run();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * Time ratios of two runs over the measurements they share (same realisation, kind and batch), e.g. the
     * training-step cost of a DE-HRNet relative to the HRNet of the same width.
     *
     * @param a the measured network
     * @param base the reference network
     * @return "{realisation} {kind} batch {n}" to {@code a.seconds / base.seconds}
     */
    public static Map<String, Double> timeRatios(Result a, Result base) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Measurement x : a.measurements()) {
            for (Measurement y : base.measurements()) {
                if (x.realisation() == y.realisation() && x.kind().equals(y.kind()) && x.batch() == y.batch()) {
                    out.put(x.realisation().name().toLowerCase(Locale.ROOT) + " " + x.kind() + " batch " + x.batch(),
                            x.seconds() / y.seconds());
                }
            }
        }
        return out;
    }

    private static void report(Consumer<String> progress, Measurement m) {
        if (progress != null) {
            progress.accept(String.format(Locale.ROOT, "%s %s batch %d: %.3f s/call, %.2f img/s, %.3f x baseline",
                    m.realisation().name().toLowerCase(Locale.ROOT), m.kind(), m.batch(), m.seconds(),
                    m.imagesPerSecond(), m.ratioToBaseline()));
        }
    }

    /**
     * The raw {@code conv2d} op on {@code [8, 64, 64, 48]} with a 3x3, 64 to 64 kernel, stride 1, padding 1,
     * through SameDiff (the op both realisations' fast path use).
     *
     * @param warmup untimed repetitions
     * @param iterations timed repetitions
     * @return GFLOP/s (2 x multiply-adds / median seconds)
     */
    public static double baselineConvGflops(int warmup, int iterations) {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.FLOAT, 8, 64, 64, 48);
        SDVariable w = sd.constant("w", Nd4j.rand(DataType.FLOAT, 3, 3, 64, 64));
        sd.cnn().conv2d("y", in, w, Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                .dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build());
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 64, 64, 48);
        Map<String, INDArray> ph = Map.of("x", x);
        double s = median(time(() -> sd.outputSingle(ph, "y"), Math.max(1, warmup), iterations));
        double macs = 8.0 * 64 * 48 * 64 * 64 * 9;
        return 2 * macs / s / 1e9;
    }

    /**
     * @param r the work
     * @param warmup untimed runs
     * @param iterations timed runs
     * @return wall-clock seconds of each timed run
     */
    static double[] time(Runnable r, int warmup, int iterations) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        double[] t = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return t;
    }

    /** @param v values (not empty) @return their median (mean of the two middle values for an even count) */
    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }
}
