package io.hrnet4j.zoo.weights;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.ZipException;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.data.io.DataFormatException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered PyTorch {@code state_dict}: official key names (e.g. {@code conv1.weight} {@code [64, 3, 3, 3]} OIHW,
 * {@code bn1.running_var} {@code [64]}, {@code final_layer.bias} {@code [17]}) to arrays in the file's data type
 * (float32 weights and BN statistics; {@code num_batches_tracked} is a rank-0 int64). Keys keep the file's order.
 * Immutable: the map cannot be changed (the arrays themselves are not copied).
 * <p>
 * Loading is two-step so that nothing is ever partly loaded: {@link #checkAgainst(Map)} validates every key and shape
 * against the network first, and only then does the caller assign the arrays.
 * <pre>{@code
 * StateDict sd = StateDict.load(Path.of("pose_hrnet_w32_256x192.pth")).withoutBatchCounters();
 * sd.checkAgainst(expectedShapes);   // throws WeightMismatchException with a short summary
 * INDArray w = sd.get("conv1.weight");
 * }</pre>
 */
public final class StateDict implements Iterable<Map.Entry<String, INDArray>> {
    /** The key prefix added by {@code torch.nn.DataParallel} / {@code DistributedDataParallel}. */
    public static final String DATA_PARALLEL_PREFIX = "module.";
    /** Keys under which training scripts wrap the state dict, tried in this order. */
    private static final List<String> WRAPPER_KEYS = List.of("state_dict", "model");
    /** The suffix of the BN batch counters, which no inference or DL4J graph holds. */
    public static final String BATCH_COUNTER_SUFFIX = "num_batches_tracked";

    /** How many keys of each kind a mismatch report lists before "...". */
    static final int REPORT_KEYS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(StateDict.class);

    private final Map<String, INDArray> entries;
    private final KeyConvention convention;
    private final String container;

    private StateDict(Map<String, INDArray> entries) {
        this(entries, KeyConvention.OFFICIAL, "a plain state dict");
    }

    private StateDict(Map<String, INDArray> entries, KeyConvention convention, String container) {
        this.entries = Collections.unmodifiableMap(entries);
        this.convention = convention;
        this.container = container;
    }

    /**
     * Wraps a map as a state dict, keeping its iteration order. No prefix is stripped.
     *
     * @param entries key to array; neither keys nor arrays may be null
     * @return the state dict (a copy of the map, sharing the arrays)
     * @throws IllegalArgumentException if a key or an array is null
     */
    public static StateDict of(Map<String, INDArray> entries) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : entries.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("state dict entry with a null key or array: " + e.getKey());
            }
            copy.put(e.getKey(), e.getValue());
        }
        return new StateDict(copy);
    }

    /**
     * Loads a state dict from any supported file, recognised by content: a PyTorch checkpoint in the zip or legacy
     * format ({@link TorchCheckpointReader}), or a NumPy {@code .npz} whose entry names are the keys. Wrapped and
     * prefixed checkpoints are normalised as in {@link #fromCheckpointObject(Object, String)}, mmpose key names are
     * renamed to the official ones ({@link KeyConvention}), and every floating-point value is checked to be finite.
     * The detected layout is logged in one line (SLF4J, INFO), e.g. {@code /w/x.pth: mmpose 1.x
     * TopdownPoseEstimator keys (backbone.*, head.final_layer.*) in 'state_dict' (beside 'meta'), 296 tensors}.
     *
     * @param file the weights file
     * @return the state dict, official key names
     * @throws CheckpointFormatException if the file is not a readable checkpoint (truncated or corrupt: one line
     *                                   naming the file) or holds no state dict; reason
     *                                   {@link CheckpointFormatException.Reason#NON_FINITE} if a weight holds NaN or
     *                                   an infinite value (names the key)
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if the file cannot be read
     */
    public static StateDict load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "weights file not found");
        }
        StateDict sd = TorchCheckpointReader.isNpz(file) ? readNpz(file) : TorchCheckpointReader.readStateDict(file);
        sd.requireFinite(file.toString());
        LOG.info("{}: {}", file, sd.layout());
        return sd;
    }

    /** @return the key naming the file used (renamed to the official names on loading) */
    public KeyConvention convention() {
        return convention;
    }

    /**
     * @return one line: the key convention, where in the file the state dict was found and its size, e.g.
     *     {@code mmpose 0.x TopDown keys (backbone.*, keypoint_head.final_layer.*) in 'state_dict' (beside 'meta'),
     *     296 tensors}
     */
    public String layout() {
        return convention.description() + " in " + container + ", " + entries.size() + " tensors";
    }

    /**
     * Checks that every floating-point entry is finite.
     *
     * @param source the file name, for the message
     * @return this state dict
     * @throws CheckpointFormatException reason {@link CheckpointFormatException.Reason#NON_FINITE}, naming the first
     *                                   key (file order) holding NaN or an infinite value, its shape, the NaN and
     *                                   infinite counts, and how many other keys are affected
     */
    public StateDict requireFinite(String source) throws CheckpointFormatException {
        String first = null;
        String detail = null;
        int others = 0;
        for (Map.Entry<String, INDArray> e : entries.entrySet()) {
            INDArray a = e.getValue();
            if (!a.dataType().isFPType() || a.isEmpty()) {
                continue;
            }
            INDArray f = a.rank() == 0 ? a.reshape(1) : a;
            boolean nan = f.isNaN().any();
            boolean inf = f.isInfinite().any();
            if (!nan && !inf) {
                continue;
            }
            if (first == null) {
                first = e.getKey();
                long nNan = nan ? f.isNaN().castTo(DataType.LONG).sumNumber().longValue() : 0;
                long nInf = inf ? f.isInfinite().castTo(DataType.LONG).sumNumber().longValue() : 0;
                detail = Arrays.toString(a.shape()) + " holds " + nNan + " NaN and " + nInf + " infinite values";
            } else {
                others++;
            }
        }
        if (first != null) {
            throw CheckpointFormatException.nonFinite(source + ": weight '" + first + "' " + detail
                    + (others == 0 ? "" : " (" + others + " other key" + (others == 1 ? " is" : "s are")
                    + " also non-finite)"), first);
        }
        return this;
    }

    /**
     * Reads a NumPy {@code .npz} state dict (entry {@code conv1.weight.npy} gives key {@code conv1.weight}) with
     * {@link NumpyFiles#readNpz(Path)}; a {@code module.} prefix on every key is stripped and mmpose names are
     * renamed ({@link KeyConvention}).
     *
     * @param file the archive
     * @return the state dict in archive order
     * @throws CheckpointFormatException if the archive or an entry is truncated or malformed (one line naming the
     *                                   file)
     * @throws IOException if the file cannot be read
     */
    public static StateDict readNpz(Path file) throws IOException {
        Map<String, INDArray> raw;
        try {
            raw = NumpyFiles.readNpz(file);
        } catch (ZipException | EOFException e) {
            throw new CheckpointFormatException(file + ": truncated or corrupt .npz archive (" + e.getMessage()
                    + ")", e);
        } catch (DataFormatException e) {
            String m = String.valueOf(e.getMessage());
            throw new CheckpointFormatException(m.contains(file.toString()) ? m : file + ": " + m, e);
        }
        return normalise(stripPrefix(raw, DATA_PARALLEL_PREFIX), "a NumPy .npz archive", file.toString());
    }

    private static StateDict normalise(Map<String, INDArray> found, String container, String source)
            throws CheckpointFormatException {
        KeyConvention c = KeyConvention.detect(found.keySet());
        try {
            return new StateDict(c.toOfficial(found), c, container);
        } catch (CheckpointFormatException e) {
            throw new CheckpointFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finds the state dict in an unpickled checkpoint and normalises it:
     * <ol>
     *   <li>a dict whose values are all tensors is the state dict;</li>
     *   <li>otherwise the dict under {@code 'state_dict'}, then under {@code 'model'}, is searched the same way
     *   (recursively; e.g. the official HRNet {@code checkpoint.pth}: {@code {'epoch', 'model': 'pose_hrnet',
     *   'state_dict', 'best_state_dict', 'perf', 'optimizer'}});</li>
     *   <li>when every key starts with {@code module.} (a {@code DataParallel} model) the prefix is removed, as
     *   {@code torch.nn.modules.utils.consume_prefix_in_state_dict_if_present} does; repeated for nested wrappers.</li>
     * </ol>
     *
     * @param root the unpickled object, as returned by {@link TorchCheckpointReader#readObject(Path)}
     * @param source the file name, for error messages
     * @return the state dict
     * @throws CheckpointFormatException if no state dict is found, or one holds a non-tensor value or a non-string
     *                                   key (names the key)
     */
    public static StateDict fromCheckpointObject(Object root, String source) throws CheckpointFormatException {
        StringBuilder container = new StringBuilder();
        Map<String, INDArray> found = find(root, source, "checkpoint root", container);
        return normalise(stripPrefix(found, DATA_PARALLEL_PREFIX),
                container.length() == 0 ? "a plain state dict" : container.toString(), source);
    }

    private static Map<String, INDArray> find(Object o, String source, String where, StringBuilder container)
            throws CheckpointFormatException {
        if (!(o instanceof Map)) {
            throw new CheckpointFormatException(source + ": the " + where + " is " + TorchUnpickler.describe(o)
                    + ", expected a dict of tensors");
        }
        Map<?, ?> m = (Map<?, ?>) o;
        for (String w : WRAPPER_KEYS) {
            if (m.get(w) instanceof Map) {
                List<String> beside = new ArrayList<>();
                for (Object k : m.keySet()) {
                    if (!w.equals(k) && beside.size() < 4) {
                        beside.add("'" + k + "'");
                    }
                }
                container.append(container.length() == 0 ? "" : " > ").append("'").append(w).append("'")
                        .append(beside.isEmpty() ? "" : " (beside " + String.join(", ", beside)
                                + (m.size() - 1 > beside.size() ? ", ..." : "") + ")");
                return find(m.get(w), source, "'" + w + "' entry", container);
            }
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getKey() instanceof String && e.getValue() instanceof INDArray) {
                out.put((String) e.getKey(), (INDArray) e.getValue());
            } else {
                Object v = e.getValue();
                bad.add(e.getKey() + " (" + (v == null ? "None" : v instanceof TorchUnpickler.PyObject
                        ? ((TorchUnpickler.PyObject) v).global : v.getClass().getSimpleName()) + ")");
            }
        }
        if (out.isEmpty()) {
            throw new CheckpointFormatException(source + ": no state dict found: the " + where + " has keys "
                    + m.keySet() + " (expected tensors, or a dict of tensors under 'state_dict' or 'model')");
        }
        if (!bad.isEmpty()) {
            throw new CheckpointFormatException(source + ": the state dict in the " + where + " has "
                    + bad.size() + " entries that are not tensors under string keys: " + bad);
        }
        return out;
    }

    private static Map<String, INDArray> stripPrefix(Map<String, INDArray> in, String prefix) {
        Map<String, INDArray> cur = new LinkedHashMap<>(in);
        while (!cur.isEmpty() && cur.keySet().stream().allMatch(k -> k.startsWith(prefix) && k.length() > prefix.length())) {
            Map<String, INDArray> next = new LinkedHashMap<>();
            cur.forEach((k, v) -> next.put(k.substring(prefix.length()), v));
            cur = next;
        }
        return cur;
    }

    /** @return the number of entries */
    public int size() {
        return entries.size();
    }

    /** @return the keys in file order (unmodifiable) */
    public Set<String> keys() {
        return entries.keySet();
    }

    /** @param key a state-dict key @return whether it is present */
    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    /**
     * @param key a state-dict key, e.g. {@code stage2.0.fuse_layers.0.1.0.weight}
     * @return its array (shape as in PyTorch: conv weights {@code [out, in, kh, kw]}, BN vectors {@code [C]})
     * @throws IllegalArgumentException if the key is absent (names the key)
     */
    public INDArray get(String key) {
        INDArray a = entries.get(key);
        if (a == null) {
            throw new IllegalArgumentException("state dict has no key '" + key + "' (" + entries.size() + " keys)");
        }
        return a;
    }

    /** @return the entries in file order (unmodifiable) */
    public Map<String, INDArray> asMap() {
        return entries;
    }

    /** @return key to shape in file order ({@code []} for the rank-0 {@code num_batches_tracked}) */
    public Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, v.shape().clone()));
        return out;
    }

    /** @return the total number of elements over all entries */
    public long numElements() {
        return entries.values().stream().mapToLong(INDArray::length).sum();
    }

    /**
     * @param drop which keys to leave out
     * @return a state dict without the matching keys, order kept
     */
    public StateDict without(Predicate<String> drop) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> {
            if (!drop.test(k)) {
                out.put(k, v);
            }
        });
        return new StateDict(out, convention, container);
    }

    /** @return this state dict without the BN {@code num_batches_tracked} counters (which DL4J graphs do not hold) */
    public StateDict withoutBatchCounters() {
        return without(k -> k.equals(BATCH_COUNTER_SUFFIX) || k.endsWith("." + BATCH_COUNTER_SUFFIX));
    }

    /**
     * Checks, before anything is assigned, that this state dict fits a network exactly: the same keys and the same
     * shape for each. Nothing is modified.
     *
     * @param expectedShapes key to expected shape, as the network holds it (e.g. {@code conv1.weight -> [64,3,3,3]};
     *                       {@code []} for a rank-0 entry)
     * @return this state dict, for chaining
     * @throws WeightMismatchException whose message is a short summary: the counts of missing, unexpected and
     *                                 mis-shaped keys, the first 5 of each with their shapes, and which known preset
     *                                 ({@link io.hrnet4j.zoo.arch.Presets}), width and joint count the file's shapes
     *                                 match; the exception's accessors hold every key
     */
    public StateDict checkAgainst(Map<String, long[]> expectedShapes) throws WeightMismatchException {
        List<String> missing = new ArrayList<>();
        List<WeightMismatchException.ShapeMismatch> mismatched = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expectedShapes.entrySet()) {
            INDArray a = entries.get(e.getKey());
            if (a == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(a.shape(), e.getValue())) {
                mismatched.add(new WeightMismatchException.ShapeMismatch(e.getKey(), e.getValue(), a.shape()));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : entries.keySet()) {
            if (!expectedShapes.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty()) {
            return this;
        }
        StringBuilder msg = new StringBuilder("state dict does not match the network: ").append(missing.size())
                .append(" missing, ").append(unexpected.size()).append(" unexpected, ").append(mismatched.size())
                .append(" mis-shaped");
        appendFirst(msg, "missing", missing.stream().map(k -> k + " " + Arrays.toString(expectedShapes.get(k)))
                .toList());
        appendFirst(msg, "unexpected", unexpected.stream().map(k -> k + " " + Arrays.toString(entries.get(k).shape()))
                .toList());
        appendFirst(msg, "mis-shaped", mismatched.stream().map(Object::toString).toList());
        msg.append("\n  ").append(ArchitectureGuess.describe(shapes()));
        if (convention != KeyConvention.OFFICIAL) {
            msg.append(" (keys read as ").append(convention.description()).append(')');
        }
        throw new WeightMismatchException(msg.toString(), missing, unexpected, mismatched);
    }

    /** Appends {@code "\n  what (first 5 of 12): a, b, ..."} when the list is not empty. */
    private static void appendFirst(StringBuilder msg, String what, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        msg.append("\n  ").append(what).append(items.size() > REPORT_KEYS
                ? " (first " + REPORT_KEYS + " of " + items.size() + "): " : ": ")
                .append(String.join(", ", items.subList(0, Math.min(REPORT_KEYS, items.size()))));
    }

    @Override
    public Iterator<Map.Entry<String, INDArray>> iterator() {
        return entries.entrySet().iterator();
    }

    @Override
    public String toString() {
        return "StateDict[" + entries.size() + " keys, " + numElements() + " elements]";
    }
}
