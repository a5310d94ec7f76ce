package io.hrnet4j.zoo;

import io.hrnet4j.data.io.EnumNames;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.FoldedInference;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import io.hrnet4j.zoo.weights.CheckpointFormatException;
import io.hrnet4j.zoo.weights.StateDict;
import io.hrnet4j.zoo.weights.WeightMismatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns "an architecture + a weights file + a backend" into a {@link PoseNetwork} ready for
 * inference; shared by evaluation, prediction, benchmarking and training resumption.
 *
 * <p>Weights files, recognised by content (not by extension):
 * <ul>
 *   <li>an official PyTorch checkpoint ({@code .pth}, zip or legacy format, plain, wrapped in
 *       {@code {'state_dict': ...}} or prefixed {@code module.}) or a NumPy {@code .npz} whose entry names are the
 *       official keys: read with {@link StateDict#load}, checked strictly against
 *       {@link Complexity#stateDictShapes()} of the configuration ({@code num_batches_tracked} entries optional),
 *       then copied with {@link GraphWeights#load} or {@link SameDiffHRNet#loadStateDict};</li>
 *   <li>a DL4J {@link ModelSerializer} zip ({@code configuration.json} + {@code coefficients.bin}, e.g. a
 *       checkpoint written by training): restored, its parameters checked against the configuration's state-dict
 *       key list (same layer names, same element counts) and either used as is ({@link Backend#GRAPH}) or copied
 *       into a SameDiff realisation.</li>
 * </ul>
 * Nothing is loaded partially: every key and shape is checked before the network is touched.
 */
public final class PoseNetworks {
    private static final Logger LOG = LoggerFactory.getLogger(PoseNetworks.class);

    private PoseNetworks() {
    }

    /** The realisation that runs the network. */
    public enum Backend {
        /** DL4J {@link ComputationGraph} ({@link HRNet#init()}). */
        GRAPH,
        /** Pure SameDiff graph ({@link HRNet#initSameDiff()}). */
        SAMEDIFF,
        /** SameDiff inference graph with BN folded into the convs ({@link FoldedInference}); inference only. */
        SAMEDIFF_FOLDED;

        /**
         * @param name {@code graph}, {@code samediff} or {@code samediff_folded} (any case, blanks around it
         *     ignored)
         * @return the backend
         * @throws IllegalArgumentException for another name, listing the accepted ones ({@link EnumNames#parse})
         */
        public static Backend byName(String name) {
            return EnumNames.parse(Backend.class, name, "backend");
        }
    }

    /** The kind of a weights file, from its content. */
    public enum WeightsFormat {
        /** A PyTorch checkpoint (zip or legacy pickle) or a NumPy {@code .npz} state dict. */
        STATE_DICT,
        /** A DL4J {@link ModelSerializer} zip. */
        DL4J_MODEL
    }

    /**
     * @param file a weights file
     * @return its format: {@link WeightsFormat#DL4J_MODEL} for a zip holding {@code configuration.json} and
     *     {@code coefficients.bin}, otherwise {@link WeightsFormat#STATE_DICT}
     * @throws NoSuchFileException if the file does not exist
     * @throws CheckpointFormatException if it starts like a zip archive but is truncated or corrupt (names the file)
     * @throws IOException if it cannot be read
     */
    public static WeightsFormat detectFormat(Path file) throws IOException {
        requireFile(file);
        byte[] head = new byte[4];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K') {
            try (ZipFile zip = new ZipFile(file.toFile())) {
                if (zip.getEntry("configuration.json") != null && zip.getEntry("coefficients.bin") != null) {
                    return WeightsFormat.DL4J_MODEL;
                }
            } catch (java.util.zip.ZipException e) {
                throw new CheckpointFormatException(file + ": truncated or corrupt zip archive (" + e.getMessage()
                        + "): not a readable .pth, .npz or DL4J model", e);
            }
        }
        return WeightsFormat.STATE_DICT;
    }

    /**
     * Builds the network and loads its weights.
     *
     * @param cfg the architecture (HRNet or DE-HRNet)
     * @param weights the weights file (see the class comment)
     * @param backend the realisation
     * @return the network in inference mode
     * @throws NoSuchFileException if the weights file does not exist
     * @throws WeightMismatchException listing every missing, unexpected and mis-shaped key when the weights are for
     *     another architecture
     * @throws CheckpointFormatException if the file is neither a checkpoint, an {@code .npz} nor a DL4J model
     * @throws IOException if the file cannot be read
     */
    public static PoseNetwork load(HRNetConfig cfg, Path weights, Backend backend) throws IOException {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(backend, "backend");
        long t0 = System.nanoTime();
        PoseNetwork net;
        if (detectFormat(weights) == WeightsFormat.DL4J_MODEL) {
            net = fromDl4jModel(cfg, weights, backend);
        } else {
            StateDict sd = loadStateDict(cfg, weights);
            net = build(cfg, sd.asMap(), backend, 0);
        }
        LOG.info("loaded {} ({} backend, {} parameters) from {} in {} ms", describe(cfg), backend.name().toLowerCase(
                Locale.ROOT), Complexity.of(cfg).params(), weights, (System.nanoTime() - t0) / 1_000_000);
        return net;
    }

    /**
     * Reads a state-dict file and checks it strictly against the architecture (nothing is built).
     *
     * @param cfg the architecture
     * @param weights a {@code .pth} or {@code .npz} file
     * @return the state dict without {@code num_batches_tracked} entries, every key and shape verified
     * @throws NoSuchFileException if the file does not exist
     * @throws WeightMismatchException listing every missing, unexpected and mis-shaped key
     * @throws IOException if the file cannot be read or parsed
     */
    public static StateDict loadStateDict(HRNetConfig cfg, Path weights) throws IOException {
        requireFile(weights);
        StateDict sd = StateDict.load(weights).withoutBatchCounters();
        try {
            return sd.checkAgainst(expectedShapes(cfg, sd));
        } catch (WeightMismatchException e) {
            throw new WeightMismatchException(weights + ": the weights are not those of " + describe(cfg) + ": "
                    + e.getMessage(), e.missingKeys(), e.unexpectedKeys(), e.shapeMismatches());
        }
    }

    /**
     * A network with the official random initialisation (conv weights N(0, 0.001)), for tests, benchmarks and the
     * start of training.
     *
     * @param cfg the architecture
     * @param backend the realisation
     * @param seed the initialisation seed
     * @return the network
     */
    public static PoseNetwork random(HRNetConfig cfg, Backend backend, long seed) {
        return build(cfg, null, backend, seed);
    }

    /**
     * @param cfg the architecture
     * @return e.g. {@code HRNet-W32 (17 joints, input 256x192)}
     */
    public static String describe(HRNetConfig cfg) {
        return (cfg.isDeHrnet() ? "DE-HRNet-W" : "HRNet-W") + cfg.width() + " (" + cfg.numJoints() + " joints, input "
                + cfg.inputHeight() + "x" + cfg.inputWidth() + ")";
    }

    private static PoseNetwork build(HRNetConfig cfg, Map<String, INDArray> stateDict, Backend backend, long seed) {
        HRNet model = new HRNet.Builder().config(cfg).seed(seed).updater(new Adam(1e-3)).build();
        if (backend == Backend.SAMEDIFF_FOLDED) {
            return FoldedInference.of(cfg, stateDict != null ? stateDict : model.initSameDiff().stateDict());
        }
        if (backend == Backend.SAMEDIFF) {
            SameDiffHRNet sd = model.initSameDiff();
            if (stateDict != null) {
                sd.loadStateDict(stateDict);
            }
            return sd;
        }
        ComputationGraph g = model.init();
        if (stateDict != null) {
            GraphWeights.load(cfg, g, stateDict);
        }
        return PoseNetwork.of(g, cfg);
    }

    private static PoseNetwork fromDl4jModel(HRNetConfig cfg, Path file, Backend backend) throws IOException {
        ComputationGraph g;
        try {
            g = ModelSerializer.restoreComputationGraph(file.toFile(), false);
        } catch (RuntimeException e) {
            throw new CheckpointFormatException(file + ": not a DL4J ComputationGraph model: " + e.getMessage(), e);
        }
        checkGraph(cfg, g, file);
        StateDict.of(GraphWeights.stateDict(cfg, g)).requireFinite(file.toString());
        if (backend == Backend.GRAPH) {
            io.hrnet4j.zoo.graph.layers.NativeConvolution.linkFolding(g);
            return PoseNetwork.of(g, cfg);
        }
        return build(cfg, GraphWeights.stateDict(cfg, g), backend, 0);
    }

    private static void checkGraph(HRNetConfig cfg, ComputationGraph g, Path file) throws WeightMismatchException {
        Map<String, long[]> shapes = Complexity.of(cfg).stateDictShapes();
        List<String> missing = new ArrayList<>();
        List<WeightMismatchException.ShapeMismatch> mismatched = new ArrayList<>();
        StringBuilder detail = new StringBuilder();
        for (Map.Entry<String, String[]> m : GraphWeights.mapping(cfg).entrySet()) {
            long[] expected = shapes.get(m.getKey());
            Layer layer = g.getLayer(m.getValue()[0]);
            INDArray p = layer == null || !layer.paramTable().containsKey(m.getValue()[1]) ? null
                    : GraphWeights.torchView(layer, m.getValue()[1]);
            if (p == null) {
                missing.add(m.getKey());
                detail.append("\n  missing: ").append(m.getKey()).append(' ').append(Arrays.toString(expected));
            } else if (p.length() != Arrays.stream(expected).reduce(1, (a, b) -> a * b)) {
                var sm = new WeightMismatchException.ShapeMismatch(m.getKey(), expected, p.shape());
                mismatched.add(sm);
                detail.append("\n  shape mismatch: ").append(sm);
            }
        }
        long expectedParams = Complexity.of(cfg).params() + Complexity.of(cfg).bnStatistics();
        List<String> unexpected = new ArrayList<>();
        if (missing.isEmpty() && mismatched.isEmpty() && g.numParams() != expectedParams) {
            unexpected.add("(" + (g.numParams() - expectedParams) + " parameters beyond the architecture)");
            detail.append("\n  the model holds ").append(g.numParams()).append(" parameters, the architecture ")
                    .append(expectedParams);
        }
        if (!missing.isEmpty() || !mismatched.isEmpty() || !unexpected.isEmpty()) {
            throw new WeightMismatchException(file + ": the DL4J model is not " + describe(cfg) + ": " + missing.size()
                    + " missing, " + mismatched.size() + " mis-shaped" + detail, missing, unexpected, mismatched);
        }
    }

    /** Every state-dict key of the architecture except {@code num_batches_tracked}; fixed buffers only if present. */
    private static Map<String, long[]> expectedShapes(HRNetConfig cfg, StateDict present) {
        Complexity cx = Complexity.of(cfg);
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : cx.stateDictShapes().entrySet()) {
            Complexity.Kind kind = cx.owners().get(e.getKey()).kind();
            if (kind == Complexity.Kind.COUNTER || kind == Complexity.Kind.BUFFER && !present.contains(e.getKey())) {
                continue;
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void requireFile(Path file) throws NoSuchFileException {
        Objects.requireNonNull(file, "weights file");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "weights file not found");
        }
    }
}
