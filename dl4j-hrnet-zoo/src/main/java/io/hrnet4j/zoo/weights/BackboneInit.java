package io.hrnet4j.zoo.weights;

import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.samediff.SameDiffHRNet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Initialises a pose network's backbone from a pretrained checkpoint as the official recipe does with ImageNet
 * classification weights (official {@code lib/models/pose_hrnet.py}, {@code PoseHighResolutionNet.init_weights}):
 * a key of the file is taken when its first component ({@code stage2} in {@code stage2.0.branches.1.0.conv1.weight})
 * is in {@code PRETRAINED_LAYERS}, or for every key when the list is {@code ['*']}; unlike the official
 * {@code load_state_dict(strict=False)}, which fails on a shape difference, a key whose shape differs from the
 * network's is skipped and counted. Typical source: the HRNet-ImageNet checkpoints ({@code hrnet_w32-36af842e.pth},
 * {@code hrnet_w48-8ef0771d.pth}, official {@code HRNet-Image-Classification}, {@code cls_hrnet.py}), whose stem,
 * {@code layer1}, transitions and stages carry the pose network's names and shapes, and which also hold
 * {@code incre_modules}, {@code downsamp_modules}, a {@code final_layer} of another shape ({@code [2048, 256, 1, 1]})
 * and a {@code classifier}.
 * <p>
 * Every other network parameter keeps its initialisation. BN batch counters ({@code num_batches_tracked}) are not
 * network parameters and are skipped. Works for both realisations ({@link #apply(HRNetConfig, ComputationGraph,
 * StateDict, List)}, {@link #apply(SameDiffHRNet, StateDict, List)}) and for the trainer's initial weights
 * ({@link #initialWeights(HRNetConfig, Path, List, long, PrintStream)}).
 */
public final class BackboneInit {
    /** {@code PRETRAINED_LAYERS: ['*']}: every key whose shape matches. */
    public static final List<String> ALL_LAYERS = List.of("*");

    private BackboneInit() {
    }

    /** Why a key of the file was not loaded. */
    public enum SkipReason {
        /** Its first component is not in {@code PRETRAINED_LAYERS}. */
        NOT_LISTED("not in PRETRAINED_LAYERS"),
        /** Listed, but the network has no such key. */
        NOT_IN_NETWORK("not in the network"),
        /** In the network with another shape. */
        SHAPE_DIFFERS("shape differs"),
        /** A BN {@code num_batches_tracked} counter (no network parameter). */
        BATCH_COUNTER("BN batch counter");

        private final String text;

        SkipReason(String text) {
            this.text = text;
        }

        /** @return e.g. {@code not in PRETRAINED_LAYERS} */
        public String text() {
            return text;
        }
    }

    /**
     * What {@link #select} takes from a file.
     *
     * @param loaded key to array of the keys to load, file order
     * @param skipped reason to skipped keys, file order
     * @param networkKeys the number of network parameters and BN statistics
     * @param skippedComponents per reason, the distinct first key components skipped (e.g. {@code incre_modules})
     */
    public record Selection(Map<String, INDArray> loaded, Map<SkipReason, List<String>> skipped, int networkKeys,
                            Map<SkipReason, Set<String>> skippedComponents) {
        /** @return the number of keys skipped for the reason */
        public int skippedCount(SkipReason r) {
            return skipped.getOrDefault(r, List.of()).size();
        }

        /**
         * @param source the file, for the line
         * @return one line, e.g. {@code backbone hrnet_w32-36af842e.pth: loaded 1,730 keys (of the network's 1,746;
         *     16 keep their initialisation); skipped 363: 360 not in PRETRAINED_LAYERS (incre_modules,
         *     downsamp_modules, final_layer, classifier), 0 not in the network, 2 shape differs (final_layer), 49
         *     BN batch counter}
         */
        public String summary(String source) {
            int skippedAll = skipped.values().stream().mapToInt(List::size).sum();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "backbone %s: loaded %,d keys (of the network's %,d; %,d keep their initialisation); skipped %,d:",
                    source, loaded.size(), networkKeys, networkKeys - loaded.size(), skippedAll));
            String sep = " ";
            for (SkipReason r : SkipReason.values()) {
                Set<String> c = skippedComponents.getOrDefault(r, Set.of());
                sb.append(sep).append(String.format(Locale.ROOT, "%,d", skippedCount(r))).append(' ').append(r.text())
                        .append(c.isEmpty() || r == SkipReason.BATCH_COUNTER ? ""
                                : " (" + String.join(", ", c.stream().limit(6).toList())
                                + (c.size() > 6 ? ", ..." : "") + ")");
                sep = ", ";
            }
            return sb.toString();
        }
    }

    /**
     * Chooses the keys to load, without touching any network.
     *
     * @param pretrained the file's state dict (official names; any {@code module.} prefix already removed)
     * @param network the network's key to shape ({@link Complexity#stateDictShapes()}, counters and buffers
     *                excluded by the caller or not)
     * @param layers {@code PRETRAINED_LAYERS}: first key components, or {@link #ALL_LAYERS}
     * @return the keys to load and the skipped keys by reason
     * @throws IllegalArgumentException if {@code layers} is empty
     */
    public static Selection select(StateDict pretrained, Map<String, long[]> network, List<String> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("PRETRAINED_LAYERS is empty: list layer names or '*'");
        }
        boolean all = "*".equals(layers.get(0));
        Set<String> listed = new LinkedHashSet<>(layers);
        Map<String, INDArray> loaded = new LinkedHashMap<>();
        Map<SkipReason, List<String>> skipped = new LinkedHashMap<>();
        Map<SkipReason, Set<String>> components = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : pretrained) {
            String k = e.getKey();
            String first = k.contains(".") ? k.substring(0, k.indexOf('.')) : k;
            SkipReason reason;
            long[] want = network.get(k);
            if (k.equals(StateDict.BATCH_COUNTER_SUFFIX) || k.endsWith("." + StateDict.BATCH_COUNTER_SUFFIX)) {
                reason = SkipReason.BATCH_COUNTER;
            } else if (!all && !listed.contains(first)) {
                reason = SkipReason.NOT_LISTED;
            } else if (want == null) {
                reason = SkipReason.NOT_IN_NETWORK;
            } else if (!Arrays.equals(want, e.getValue().shape())) {
                reason = SkipReason.SHAPE_DIFFERS;
            } else {
                loaded.put(k, e.getValue());
                continue;
            }
            skipped.computeIfAbsent(reason, r -> new ArrayList<>()).add(k);
            components.computeIfAbsent(reason, r -> new LinkedHashSet<>()).add(first);
        }
        int networkKeys = (int) network.keySet().stream()
                .filter(k -> !k.endsWith("." + StateDict.BATCH_COUNTER_SUFFIX)).count();
        return new Selection(loaded, skipped, networkKeys, components);
    }

    /**
     * Loads the selected keys into a {@link ComputationGraph} built from {@code cfg}; every other parameter keeps
     * its value.
     *
     * @param cfg the architecture the graph was built from
     * @param graph the graph
     * @param pretrained the file's state dict
     * @param layers {@code PRETRAINED_LAYERS}
     * @return what was loaded and skipped
     */
    public static Selection apply(HRNetConfig cfg, ComputationGraph graph, StateDict pretrained, List<String> layers) {
        Selection s = select(pretrained, Complexity.of(cfg).stateDictShapes(), layers);
        Map<String, INDArray> merged = GraphWeights.stateDict(cfg, graph);
        merged.putAll(s.loaded());
        GraphWeights.load(cfg, graph, merged);
        return s;
    }

    /**
     * Loads the selected keys into the SameDiff realisation; every other parameter keeps its value.
     *
     * @param model the SameDiff model
     * @param pretrained the file's state dict
     * @param layers {@code PRETRAINED_LAYERS}
     * @return what was loaded and skipped
     */
    public static Selection apply(SameDiffHRNet model, StateDict pretrained, List<String> layers) {
        Selection s = select(pretrained, Complexity.of(model.config()).stateDictShapes(), layers);
        Map<String, INDArray> merged = model.stateDict();
        merged.putAll(s.loaded());
        model.loadStateDict(merged);
        return s;
    }

    /**
     * The complete initial state dict of a training run whose backbone comes from a file: the official random
     * initialisation of {@code cfg} with {@code seed} (as {@link HRNet#init()}), overlaid with the selected keys.
     * Prints the {@link Selection#summary} line.
     *
     * @param cfg the architecture
     * @param file the pretrained checkpoint ({@code .pth} or {@code .npz})
     * @param layers {@code PRETRAINED_LAYERS}
     * @param seed the initialisation seed of the other parameters
     * @param out where the summary line goes
     * @return official key to array, every key of {@code cfg}
     * @throws NoSuchFileException if the file does not exist
     * @throws CheckpointFormatException if it is not a readable checkpoint, or no key at all is loaded (the file is
     *                                   not a backbone of this architecture: the message gives the summary)
     * @throws IOException if it cannot be read
     */
    public static Map<String, INDArray> initialWeights(HRNetConfig cfg, Path file, List<String> layers, long seed,
                                                       PrintStream out) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "pretrained backbone file not found");
        }
        StateDict pretrained = StateDict.load(file);
        Selection s = select(pretrained, Complexity.of(cfg).stateDictShapes(), layers);
        if (s.loaded().isEmpty()) {
            throw new CheckpointFormatException(file + ": no key of the file fits the network: "
                    + s.summary(file.getFileName().toString()));
        }
        ComputationGraph g = new HRNet.Builder().config(cfg).seed(seed).updater(new Adam(1e-3)).build().init();
        Map<String, INDArray> merged = GraphWeights.stateDict(cfg, g);
        merged.putAll(s.loaded());
        out.println(s.summary(file.toString()));
        return merged;
    }

    /**
     * The trainer's initial weights from the command line and the experiment file: {@code --pretrained-backbone
     * FILE} wins over {@code MODEL.PRETRAINED}; the layers are {@code MODEL.EXTRA.PRETRAINED_LAYERS} of the
     * experiment file, {@code ['*']} without one. As the official {@code init_weights}, an experiment file with
     * {@code MODEL.INIT_WEIGHTS: true} whose {@code MODEL.PRETRAINED} file does not exist is an error.
     *
     * @param cfg the architecture
     * @param backbone {@code --pretrained-backbone}, or null
     * @param experiment the experiment YAML ({@code --config}), or null
     * @param seed the initialisation seed of the other parameters
     * @param out where the summary line goes
     * @return the complete initial state dict, or empty when no backbone is requested
     * @throws NoSuchFileException if the backbone file does not exist (names the option or YAML key)
     * @throws IOException as {@link #initialWeights(HRNetConfig, Path, List, long, PrintStream)}
     */
    public static Optional<Map<String, INDArray>> forTraining(HRNetConfig cfg, Path backbone, Path experiment,
                                                              long seed, PrintStream out) throws IOException {
        ExperimentConfig.Pretrained p = null;
        if (experiment != null) {
            Path dir = experiment.toAbsolutePath().getParent();
            p = ExperimentConfig.pretrained(ExperimentConfig.readTree(experiment), dir);
        }
        List<String> layers = p != null ? p.layers() : ALL_LAYERS;
        if (backbone != null) {
            return Optional.of(initialWeights(cfg, backbone, layers, seed, out));
        }
        if (p == null || !p.enabled()) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(p.file())) {
            throw new NoSuchFileException(p.file().toString(), null, experiment + ": MODEL.INIT_WEIGHTS is true but"
                    + " MODEL.PRETRAINED does not exist (download it, give the backbone file explicitly, or set"
                    + " MODEL.INIT_WEIGHTS: false)");
        }
        return Optional.of(initialWeights(cfg, p.file(), layers, seed, out));
    }
}
