package io.hrnet4j.zoo.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.Pickler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test fixture: writes checkpoint files laid out exactly as torch/serialization.py ({@code torch.save}, torch 1.13)
 * writes them, using razorvine's {@link Pickler} with custom picklers for stand-ins of the torch globals, since no
 * Python/torch is available here. What each stand-in emits mirrors what Python's pickler emits for the real object
 * (compare {@code python -m pickletools} on the oracle {@code tiny_hrnet.pth}'s {@code data.pkl}):
 * <ul>
 *   <li>{@link PyOrderedDict}: {@code GLOBAL 'collections OrderedDict'}, {@code EMPTY_TUPLE}, {@code REDUCE}, then
 *   {@code MARK key value ... SETITEMS}, then the state {@code {'_metadata': ...}} and {@code BUILD} (the
 *   {@code OrderedDict.__reduce__} of a {@code state_dict()});</li>
 *   <li>{@link Tensor}: {@code GLOBAL 'torch._utils _rebuild_tensor_v2'}, the argument tuple
 *   {@code (storage, storage_offset, size, stride, requires_grad=False, OrderedDict())}, {@code REDUCE};</li>
 *   <li>{@link Storage}: a persistent id ({@code BINPERSID}) - zip format {@code ('storage', torch.FloatStorage, key,
 *   'cpu', numel)}, legacy {@code ('storage', torch.FloatStorage, root_key, 'cpu', root_numel, view_metadata)} -
 *   where the storage type is {@code GLOBAL 'torch FloatStorage'} (etc.).</li>
 * </ul>
 * The zip format is {@code <top>/data.pkl}, {@code <top>/data/<key>} raw little-endian bytes (or big-endian with a
 * {@code byteorder} record), {@code <top>/version}, all stored. The legacy format is {@code pickle.dump} of the magic
 * number, of 1001, of the sys-info dict, then the object pickle, the sorted storage-key list and, per key, an int64
 * little-endian element count followed by the raw bytes.
 */
public final class TorchSaveWriter {
    /** A {@code torch.<name>} storage holding raw little-endian bytes. */
    static final class Storage {
        final String typeName;
        final String key;
        final byte[] data;
        final int elementSize;
        /** Legacy only: (view_key, offset, size) of a storage view, or null. */
        Object[] viewMetadata;
        Storage root;

        Storage(String typeName, String key, byte[] data, int elementSize) {
            this.typeName = typeName;
            this.key = key;
            this.data = data;
            this.elementSize = elementSize;
        }

        long numel() {
            return data.length / elementSize;
        }

        /** A legacy storage view into this storage (torch &lt; 1.? {@code storage[offset:offset+size]}). */
        Storage view(String viewKey, long offset, long size) {
            Storage v = new Storage(typeName, key, data, elementSize);
            v.viewMetadata = new Object[] {viewKey, offset, size};
            v.root = this;
            return v;
        }
    }

    /** A tensor: a strided view of a storage ({@code offset}, {@code size} and {@code stride} in elements). */
    record Tensor(Storage storage, long offset, long[] size, long[] stride) {
    }

    /** {@code collections.OrderedDict}, with the {@code _metadata} attribute a {@code state_dict()} carries. */
    public static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
        transient Map<Object, Object> metadata;
    }

    /**
     * Any {@code module.name} global, to write pickles that refer to a global the reader must reject.
     *
     * @param module the Python module, e.g. {@code os}
     * @param name the attribute, e.g. {@code system}
     */
    public record PyGlobal(String module, String name) {
    }

    /**
     * {@code obj} followed by {@code state} and {@code BUILD} ({@code obj.__setstate__(state)}).
     *
     * @param obj the object built first
     * @param state the argument of its {@code __setstate__}
     */
    public record PyBuild(Object obj, Object state) {
    }

    /**
     * A call {@code global(*args)} ({@code REDUCE}).
     *
     * @param global the callable
     * @param args its positional arguments
     */
    public record PyCall(PyGlobal global, Object... args) {
    }

    static {
        Pickler.registerCustomPickler(PyGlobal.class, (o, out, p) -> writeGlobal(out, ((PyGlobal) o).module(),
                ((PyGlobal) o).name()));
        Pickler.registerCustomPickler(PyCall.class, (o, out, p) -> {
            PyCall c = (PyCall) o;
            p.save(c.global());
            p.save(c.args());
            out.write(Opcodes.REDUCE);
        });
        Pickler.registerCustomPickler(PyBuild.class, (o, out, p) -> {
            PyBuild b = (PyBuild) o;
            p.save(b.obj());
            p.save(b.state());
            out.write(Opcodes.BUILD);
        });
        Pickler.registerCustomPickler(Tensor.class, (o, out, p) -> {
            Tensor t = (Tensor) o;
            writeGlobal(out, "torch._utils", "_rebuild_tensor_v2");
            p.save(new Object[] {t.storage(), t.offset(), boxed(t.size()), boxed(t.stride()), false,
                new PyOrderedDict()});
            out.write(Opcodes.REDUCE);
        });
        Pickler.registerCustomPickler(PyOrderedDict.class, (o, out, p) -> {
            PyOrderedDict d = (PyOrderedDict) o;
            writeGlobal(out, "collections", "OrderedDict");
            out.write(Opcodes.EMPTY_TUPLE);
            out.write(Opcodes.REDUCE);
            if (!d.isEmpty()) {
                out.write(Opcodes.MARK);
                for (Map.Entry<Object, Object> e : d.entrySet()) {
                    p.save(e.getKey());
                    p.save(e.getValue());
                }
                out.write(Opcodes.SETITEMS);
            }
            if (d.metadata != null) {
                Map<Object, Object> state = new LinkedHashMap<>();
                state.put("_metadata", d.metadata);
                p.save(state);
                out.write(Opcodes.BUILD);
            }
        });
    }

    private static Object[] boxed(long[] v) {
        Object[] out = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static void writeGlobal(OutputStream out, String module, String name) throws IOException {
        out.write(Opcodes.GLOBAL);
        out.write((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The pickler of the object: storages become persistent ids in the zip or the legacy layout. */
    private static final class StoragePickler extends Pickler {
        private final boolean legacy;
        final Map<String, Storage> storages = new LinkedHashMap<>();

        StoragePickler(boolean legacy) {
            super(true, false);
            this.legacy = legacy;
        }

        @Override
        protected Object persistentId(Object obj) {
            if (!(obj instanceof Storage)) {
                return null;
            }
            Storage s = (Storage) obj;
            Storage root = s.root == null ? s : s.root;
            storages.putIfAbsent(root.key, root);
            PyGlobal type = new PyGlobal("torch", s.typeName);
            if (legacy) {
                return new Object[] {"storage", type, root.key, "cpu", root.numel(), s.viewMetadata};
            }
            return new Object[] {"storage", type, root.key, "cpu", root.numel()};
        }
    }

    private TorchSaveWriter() {
    }

    /** @return the float32 tensor of an array, on its own storage (C-contiguous strides) */
    static Tensor tensor(INDArray a, String key) {
        long[] shape = a.shape();
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        return new Tensor(storageOf(a, key), 0, shape, stride);
    }

    /** @return a storage holding the array's elements in C order, typed from its data type */
    static Storage storageOf(INDArray a, String key) {
        INDArray c = a.dup('c');
        int n = (int) c.length();
        DataType t = c.dataType();
        switch (t) {
            case FLOAT: {
                ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : c.data().asFloat()) {
                    b.putFloat(f);
                }
                return new Storage("FloatStorage", key, b.array(), 4);
            }
            case DOUBLE: {
                ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (double f : c.data().asDouble()) {
                    b.putDouble(f);
                }
                return new Storage("DoubleStorage", key, b.array(), 8);
            }
            case LONG: {
                ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (long f : c.data().asLong()) {
                    b.putLong(f);
                }
                return new Storage("LongStorage", key, b.array(), 8);
            }
            default:
                throw new IllegalArgumentException("fixture supports FLOAT, DOUBLE, LONG, not " + t);
        }
    }

    /**
     * @param arrays the entries
     * @param keyPrefix prepended to every key (e.g. {@code module.})
     * @param legacyKeys storage keys like the legacy format's {@code str(storage._cdata)} (addresses, e.g.
     *                   {@code 94347061443360}) instead of the zip format's {@code 0, 1, ...}
     * @return a {@code state_dict()}-like OrderedDict of the arrays, each on its own storage
     */
    public static PyOrderedDict stateDict(Map<String, INDArray> arrays, String keyPrefix, boolean legacyKeys) {
        PyOrderedDict d = new PyOrderedDict();
        int i = 0;
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            String key = legacyKeys ? String.valueOf(94347061443360L + 4160L * (i * 7919L % 1000)) : String.valueOf(i);
            i++;
            d.put(keyPrefix + e.getKey(), tensor(e.getValue(), key));
        }
        d.metadata = new PyOrderedDict();
        Map<Object, Object> version = new LinkedHashMap<>();
        version.put("version", 1);
        d.metadata.put("", version);
        return d;
    }

    /** Pickles {@code obj} (protocol 2) and returns the bytes and the storages it refers to. */
    private static byte[] pickle(Object obj, boolean legacy, Map<String, Storage> storagesOut) throws IOException {
        StoragePickler p = new StoragePickler(legacy);
        byte[] bytes = p.dumps(obj);
        storagesOut.putAll(p.storages);
        return bytes;
    }

    /**
     * Writes {@code obj} in the zip format.
     *
     * @param skipStorage a storage key whose record is left out (to test a missing storage), or null
     * @param bigEndian write the storages big-endian with a {@code byteorder} record
     */
    static void writeZip(Object obj, Path file, String top, String skipStorage, boolean bigEndian) throws IOException {
        Map<String, Storage> storages = new LinkedHashMap<>();
        byte[] pkl = pickle(obj, false, storages);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, top + "/data.pkl", pkl);
            if (bigEndian) {
                stored(zip, top + "/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
            }
            for (Storage s : storages.values()) {
                if (!s.key.equals(skipStorage)) {
                    stored(zip, top + "/data/" + s.key, bigEndian ? swap(s.data, s.elementSize) : s.data);
                }
            }
            stored(zip, top + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    public static void writeZip(Object obj, Path file) throws IOException {
        writeZip(obj, file, "archive", null, false);
    }

    private static byte[] swap(byte[] data, int es) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i += es) {
            for (int b = 0; b < es; b++) {
                out[i + b] = data[i + es - 1 - b];
            }
        }
        return out;
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Writes {@code obj} in the legacy format ({@code _use_new_zipfile_serialization=False}). */
    public static void writeLegacy(Object obj, Path file) throws IOException {
        Map<String, Storage> storages = new LinkedHashMap<>();
        byte[] objPickle = pickle(obj, true, storages);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new Pickler().dumps(TorchCheckpointReader.LEGACY_MAGIC));
        out.write(new Pickler().dumps(TorchCheckpointReader.LEGACY_PROTOCOL_VERSION));
        Map<String, Object> sysInfo = new LinkedHashMap<>();
        sysInfo.put("protocol_version", TorchCheckpointReader.LEGACY_PROTOCOL_VERSION);
        sysInfo.put("little_endian", true);
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("short", 2);
        sizes.put("int", 4);
        sizes.put("long", 4);
        sysInfo.put("type_sizes", sizes);
        out.write(new Pickler().dumps(sysInfo));
        out.write(objPickle);
        List<String> keys = new ArrayList<>(new TreeMap<>(storages).keySet());
        Collections.sort(keys);
        out.write(new Pickler().dumps(keys));
        for (String k : keys) {
            Storage s = storages.get(k);
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(s.numel()).array());
            out.write(s.data);
        }
        Files.write(file, out.toByteArray());
    }
}
