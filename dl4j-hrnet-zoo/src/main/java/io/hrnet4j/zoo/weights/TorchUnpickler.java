package io.hrnet4j.zoo.weights;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The razorvine {@link Unpickler}, restricted to what a PyTorch checkpoint pickle holds. Razorvine does the parsing
 * (opcodes, memo, tuples, lists, dicts, numbers, strings); this subclass only:
 * <ul>
 *   <li>resolves {@code GLOBAL} / {@code STACK_GLOBAL} against a per-instance allow-list of constructors
 *   ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_tensor},
 *   {@code torch._utils._rebuild_parameter}, {@code torch.<T>Storage}) instead of razorvine's process-wide registry,
 *   so that no other user of razorvine in the process is affected;</li>
 *   <li>turns the globals that training frameworks put into a checkpoint's metadata (mmcv / mmengine {@code meta}:
 *   numpy arrays and scalars, sets, {@code collections.defaultdict}, dates, {@code argparse.Namespace}, paths,
 *   {@code torch.torch_version.TorchVersion}, mmcv / mmengine objects such as config dicts and the
 *   {@code HistoryBuffer}s of a {@code message_hub}, rebuilt through {@code copyreg}) into inert {@link PyObject}
 *   placeholders that record the global's name, arguments and state and run nothing; any other global is
 *   rejected, and a placeholder found where a tensor is expected is reported by {@link StateDict};</li>
 *   <li>answers {@code BINPERSID} / {@code PERSID} ({@link #persistentLoad}) with a {@link StorageRef} for the
 *   storage tuples written by {@code torch.save} (torch/serialization.py, {@code persistent_id}):
 *   zip format {@code ('storage', storage_type, key, location, numel)}, legacy format
 *   {@code ('storage', storage_type, root_key, location, root_numel, view_metadata)};</li>
 *   <li>makes dicts insertion-ordered (Python 3.7+ dict semantics; razorvine's own {@code SETITEMS} goes through a
 *   {@code HashMap} and loses the order) and applies {@code BUILD} to an OrderedDict
 *   (the {@code _metadata} attribute of {@code Module.state_dict()}).</li>
 * </ul>
 * Tensors come out as {@link TensorRef}s (storage, offset, sizes, strides); {@link TorchCheckpointReader} turns them
 * into arrays once the storage bytes are known. Failures are {@link PickleException}s whose message names the
 * problem; the reader prefixes the file name.
 */
final class TorchUnpickler extends Unpickler {

    /** A {@code torch.<T>Storage} class: the element type of a storage (torch/storage.py, _dtype_to_storage_type_map). */
    static final class StorageType implements IObjectConstructor {
        final String name;
        final DataType dataType;
        final int elementSize;

        StorageType(String name, DataType dataType, int elementSize) {
            this.name = name;
            this.dataType = dataType;
            this.elementSize = elementSize;
        }

        @Override
        public Object construct(Object[] args) {
            throw new PickleException("constructing torch." + name + " directly is not supported in a state dict");
        }

        @Override
        public String toString() {
            return "torch." + name;
        }
    }

    /** A storage named by a persistent id. Offsets and counts are in elements of {@link #type}. */
    record StorageRef(StorageType type, String key, String location, long numel, long viewOffset) {
    }

    /** A tensor still to be materialised: {@code storage[offset + sum(i_k * stride_k)]} for the index i. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /**
     * An inert stand-in for an object of a plain-data global in checkpoint metadata (see {@link #isPlainDataGlobal}):
     * the global's qualified name, the arguments it was called with and the state given to {@code BUILD}. Nothing of
     * the global is executed.
     */
    static final class PyObject {
        final String global;
        final Object[] args;
        Object state;

        PyObject(String global, Object[] args) {
            this.global = global;
            this.args = args;
        }

        @Override
        public String toString() {
            return global + "(...)";
        }
    }

    /** A plain-data global used as a value (e.g. the class argument of {@code numpy.core.multiarray._reconstruct}). */
    private static final class PlainDataGlobal implements IObjectConstructor {
        private final String name;

        PlainDataGlobal(String name) {
            this.name = name;
        }

        @Override
        public Object construct(Object[] args) {
            return new PyObject(name, args);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Modules whose globals are plain data in checkpoint metadata (the module or a sub-module). */
    private static final List<String> PLAIN_DATA_MODULES = List.of("numpy", "datetime", "pathlib", "mmcv", "mmengine");
    /** Single plain-data globals in checkpoint metadata. */
    private static final java.util.Set<String> PLAIN_DATA_GLOBALS = java.util.Set.of("__builtin__.set", "builtins.set",
            "__builtin__.frozenset", "builtins.frozenset", "__builtin__.slice", "builtins.slice",
            "__builtin__.complex", "builtins.complex", "__builtin__.bytearray", "builtins.bytearray",
            "collections.defaultdict", "collections.Counter", "collections.deque", "argparse.Namespace",
            "torch.torch_version.TorchVersion", "_codecs.encode", "copyreg._reconstructor", "copy_reg._reconstructor",
            "__builtin__.object", "builtins.object");

    /**
     * @param module the global's module, e.g. {@code numpy.core.multiarray}
     * @param name the global's name, e.g. {@code _reconstruct}
     * @return whether the global only describes plain data (numbers, arrays, containers, dates, configuration) in a
     *     checkpoint's metadata, so that it may be kept as an inert {@link PyObject}
     */
    static boolean isPlainDataGlobal(String module, String name) {
        for (String m : PLAIN_DATA_MODULES) {
            if (module.equals(m) || module.startsWith(m + ".")) {
                return true;
            }
        }
        return PLAIN_DATA_GLOBALS.contains(module + "." + name);
    }

    /** {@code collections.OrderedDict}: an insertion-ordered map, plus the {@code _metadata} attribute when set. */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
        Object metadata;
    }

    private static final Map<String, StorageType> STORAGE_TYPES = new LinkedHashMap<>();

    static {
        storage("FloatStorage", DataType.FLOAT, 4);
        storage("DoubleStorage", DataType.DOUBLE, 8);
        storage("HalfStorage", DataType.HALF, 2);
        storage("BFloat16Storage", DataType.BFLOAT16, 2);
        storage("LongStorage", DataType.LONG, 8);
        storage("IntStorage", DataType.INT, 4);
        storage("ShortStorage", DataType.SHORT, 2);
        storage("CharStorage", DataType.BYTE, 1);
        storage("ByteStorage", DataType.UBYTE, 1);
        storage("BoolStorage", DataType.BOOL, 1);
    }

    private static void storage(String name, DataType type, int size) {
        STORAGE_TYPES.put("torch." + name, new StorageType(name, type, size));
    }

    private final Map<String, IObjectConstructor> globals = new LinkedHashMap<>();
    private final boolean legacy;
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    /**
     * @param withTorchGlobals whether the torch/OrderedDict globals are allowed (false for the legacy header pickles:
     *                         magic number, protocol version, sys info, storage keys)
     * @param legacy whether persistent ids follow the legacy (6-field) layout
     */
    TorchUnpickler(boolean withTorchGlobals, boolean legacy) {
        this.legacy = legacy;
        if (withTorchGlobals) {
            globals.putAll(STORAGE_TYPES);
            globals.put("collections.OrderedDict", TorchUnpickler::orderedDict);
            globals.put("torch._utils._rebuild_tensor_v2", args -> rebuildTensor(args, 6, "_rebuild_tensor_v2"));
            globals.put("torch._utils._rebuild_tensor", args -> rebuildTensor(args, 4, "_rebuild_tensor"));
            globals.put("torch._utils._rebuild_parameter", TorchUnpickler::rebuildParameter);
        }
    }

    /** @return every storage named by a persistent id so far, by key (root key for the legacy format) */
    Map<String, StorageRef> storages() {
        return Collections.unmodifiableMap(storages);
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL: {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL: {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(global(String.valueOf(module), String.valueOf(name)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST:
            case Opcodes.OBJ:
            case Opcodes.NEWOBJ_EX:
            case Opcodes.EXT1:
            case Opcodes.EXT2:
            case Opcodes.EXT4:
                throw new PickleException("unsupported pickle opcode 0x" + Integer.toHexString(key)
                        + " (not used by torch.save)");
            case Opcodes.EMPTY_DICT:
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            case Opcodes.DICT: {
                List<Object> top = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < top.size(); i += 2) {
                    map.put(top.get(i), top.get(i + 1));
                }
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS: {
                // razorvine collects the items in a HashMap first, which loses the pickled order
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                if (!(target instanceof Map)) {
                    throw new PickleException("SETITEMS on a " + describe(target) + ", expected a dict");
                }
                @SuppressWarnings("unchecked")
                Map<Object, Object> dict = (Map<Object, Object>) target;
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    dict.put(items.get(i), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD: {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof OrderedDict && state instanceof Map) {
                    ((OrderedDict) target).metadata = ((Map<?, ?>) state).get("_metadata");
                    return NO_RETURN_VALUE;
                }
                if (target instanceof PyObject) {
                    ((PyObject) target).state = state;
                    return NO_RETURN_VALUE;
                }
                throw new PickleException("unsupported BUILD (__setstate__) on a "
                        + (target == null ? "None" : target.getClass().getSimpleName())
                        + " (only OrderedDict attributes occur in a state dict)");
            }
            default:
                return super.dispatch(key);
        }
    }

    private IObjectConstructor global(String module, String name) {
        IObjectConstructor c = globals.get(module + "." + name);
        if (c == null && isPlainDataGlobal(module, name)) {
            c = new PlainDataGlobal(module + "." + name);
        }
        if (c == null) {
            throw new PickleException("unsupported pickle global '" + module + "." + name + "' (a checkpoint holds"
                    + " only tensors, storages, OrderedDicts, numbers, strings and plain-data metadata)");
        }
        return c;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[])) {
            throw new PickleException("unsupported persistent id " + describe(pid) + " (expected a storage tuple)");
        }
        Object[] t = (Object[]) pid;
        int fields = legacy ? 6 : 5;
        if (t.length != fields || !"storage".equals(t[0])) {
            throw new PickleException("unsupported persistent id " + describe(pid) + " (expected " + fields
                    + "-tuple ('storage', type, key, location, numel" + (legacy ? ", view)" : ")") + ")");
        }
        if (!(t[1] instanceof StorageType)) {
            throw new PickleException("persistent id " + describe(pid) + ": field 1 is not a torch storage type");
        }
        StorageType type = (StorageType) t[1];
        String key = String.valueOf(t[2]);
        String location = String.valueOf(t[3]);
        long numel = toLong(t[4], "storage size");
        long viewOffset = 0;
        if (legacy && t[5] != null) {
            // view_metadata = (view_key, offset, view_size), offset in elements of the root storage
            Object[] view = asTuple(t[5], "legacy storage view metadata");
            if (view.length != 3) {
                throw new PickleException("legacy storage view metadata " + describe(t[5]) + " is not (key, offset, size)");
            }
            viewOffset = toLong(view[1], "storage view offset");
        }
        StorageRef known = storages.get(key);
        if (known != null && (known.type() != type || known.numel() != numel)) {
            throw new PickleException("storage '" + key + "' is declared twice with different types or sizes ("
                    + known.type() + "/" + known.numel() + " vs " + type + "/" + numel + ")");
        }
        storages.putIfAbsent(key, new StorageRef(type, key, location, numel, 0));
        return new StorageRef(type, key, location, numel, viewOffset);
    }

    private static Object orderedDict(Object[] args) {
        OrderedDict d = new OrderedDict();
        if (args.length == 1 && args[0] instanceof List) {
            for (Object item : (List<?>) args[0]) {
                Object[] kv = item instanceof List ? ((List<?>) item).toArray() : asTuple(item, "OrderedDict item");
                d.put(kv[0], kv[1]);
            }
        } else if (args.length != 0) {
            throw new PickleException("collections.OrderedDict called with " + args.length + " arguments");
        }
        return d;
    }

    private static Object rebuildTensor(Object[] args, int minArgs, String fn) {
        if (args.length < minArgs) {
            throw new PickleException("torch._utils." + fn + " called with " + args.length + " arguments, expected "
                    + minArgs);
        }
        if (!(args[0] instanceof StorageRef)) {
            throw new PickleException("torch._utils." + fn + ": argument 0 is " + describe(args[0])
                    + ", expected a storage persistent id");
        }
        long[] size = toLongs(args[2], "size");
        long[] stride = toLongs(args[3], "stride");
        if (size.length != stride.length) {
            throw new PickleException("torch._utils." + fn + ": size " + Arrays.toString(size) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) {
                throw new PickleException("torch._utils." + fn + ": negative size or stride " + Arrays.toString(size)
                        + " / " + Arrays.toString(stride));
            }
        }
        long offset = toLong(args[1], "storage offset");
        if (offset < 0) {
            throw new PickleException("torch._utils." + fn + ": negative storage offset " + offset);
        }
        return new TensorRef((StorageRef) args[0], offset, size, stride);
    }

    private static Object rebuildParameter(Object[] args) {
        if (args.length < 1 || !(args[0] instanceof TensorRef)) {
            throw new PickleException("torch._utils._rebuild_parameter: argument 0 is not a tensor");
        }
        return args[0];
    }

    private static Object[] asTuple(Object o, String what) {
        if (o instanceof Object[]) {
            return (Object[]) o;
        }
        if (o instanceof List) {
            return ((List<?>) o).toArray();
        }
        throw new PickleException(what + " is " + describe(o) + ", expected a tuple");
    }

    private static long[] toLongs(Object o, String what) {
        Object[] t = asTuple(o, what);
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = toLong(t[i], what);
        }
        return out;
    }

    static long toLong(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger && ((BigInteger) o).bitLength() < 64) {
            return ((BigInteger) o).longValue();
        }
        throw new PickleException(what + " is " + describe(o) + ", expected an integer");
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Object[]) {
            return "tuple " + Arrays.deepToString((Object[]) o);
        }
        return o.getClass().getSimpleName() + " " + o;
    }
}
