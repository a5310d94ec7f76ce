package io.hrnet4j.zoo.weights;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import io.hrnet4j.data.io.NumpyFiles;
import net.razorvine.pickle.PickleException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads PyTorch checkpoints ({@code torch.save} files) without Python, in both formats written by
 * torch/serialization.py:
 * <ul>
 *   <li><b>zip</b> (the default since torch 1.6): a zip archive with one top folder holding {@code data.pkl} (the
 *   pickled object, storages as persistent ids {@code ('storage', torch.FloatStorage, '<key>', 'cpu', numel)}),
 *   {@code data/<key>} (the raw storage bytes, little-endian unless a {@code byteorder} record says {@code big}) and
 *   {@code version};</li>
 *   <li><b>legacy</b> ({@code _use_new_zipfile_serialization=False}, and every file written before torch 1.6, such as
 *   the official HRNet releases): five concatenated pickles - magic number {@code 0x1950a86a20f9469cfc6c}, protocol
 *   version {@code 1001}, sys info ({@code little_endian}, type sizes), the object with persistent ids
 *   {@code ('storage', type, root_key, location, root_numel, view_metadata)}, the sorted list of storage keys - then
 *   for each key in that order an int64 element count followed by the raw little-endian storage.</li>
 * </ul>
 * Pickles are read with razorvine pickle (see {@link TorchUnpickler}); tensors are built from their storage, storage
 * offset, sizes and strides (any strided view, copied into a new C-ordered array of the storage's data type:
 * {@code FloatStorage} gives FLOAT, {@code LongStorage} LONG, {@code HalfStorage} HALF, etc.; a 0-d tensor gives a
 * rank-0 array). The result mirrors the pickled object: dicts become insertion-ordered {@code Map}s, tuples
 * {@code Object[]}, lists {@code List}s, tensors {@link INDArray}s.
 * <p>
 * The very old tar-based format (torch &lt; 0.1.10) is not supported and is reported as a foreign file.
 */
public final class TorchCheckpointReader {
    /** The magic number of the legacy format (torch/serialization.py, MAGIC_NUMBER). */
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    /** The protocol version of the legacy format (torch/serialization.py, PROTOCOL_VERSION). */
    static final int LEGACY_PROTOCOL_VERSION = 1001;

    private TorchCheckpointReader() {
    }

    /**
     * Reads a checkpoint and extracts its state dict, unwrapping {@code {'state_dict': ...}} / {@code {'model': ...}}
     * and stripping a {@code module.} prefix (see {@link StateDict#fromCheckpointObject(Object, String)}).
     *
     * @param file a {@code .pth}/{@code .pt}/{@code .pth.tar} file in the zip or legacy format
     * @return the state dict, keys in file order
     * @throws CheckpointFormatException if the file is not a readable checkpoint or holds no state dict (the message
     *                                   names the file and the problem)
     * @throws IOException if the file cannot be read
     */
    public static StateDict readStateDict(Path file) throws IOException {
        return StateDict.fromCheckpointObject(readObject(file), file.toString());
    }

    /**
     * Reads a checkpoint as the object tree that was pickled (a whole training checkpoint: epoch, optimizer state,
     * ...), with every tensor materialised as an {@link INDArray}.
     *
     * @param file a checkpoint in the zip or legacy format
     * @return the unpickled root object (usually a {@code Map})
     * @throws CheckpointFormatException if the file is truncated, foreign, uses an unsupported pickle global, or lacks
     *                                   a storage
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if the file cannot be read
     */
    public static Object readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file not found");
        }
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return readZip(file);
        }
        if (n >= 2 && (head[0] & 0xFF) == 0x80) {
            return readLegacy(file);
        }
        throw new CheckpointFormatException(file + ": not a PyTorch checkpoint: " + describeForeign(head, n)
                + " (expected a zip archive starting with 'PK' or a legacy pickle starting with 0x80)");
    }

    /** @return whether the file is a zip archive of .npy entries without a {@code data.pkl} (a NumPy .npz) */
    static boolean isNpz(Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4 || head[0] != 'P' || head[1] != 'K') {
                return false;
            }
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean npy = false;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (name.endsWith("data.pkl")) {
                    return false;
                }
                npy |= name.endsWith(".npy");
            }
            return npy;
        } catch (ZipException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ zip format

    private static Object readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = null;
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                names.add(e.getName());
                String name = e.getName();
                if (name.equals("data.pkl") || (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - 9)) {
                    pkl = e;
                }
            }
            if (pkl == null) {
                boolean npz = !names.isEmpty() && names.stream().allMatch(s -> s.endsWith(".npy"));
                throw new CheckpointFormatException(file + ": zip archive without a '<top>/data.pkl' record, so not a"
                        + " PyTorch checkpoint" + (npz ? " (it looks like a NumPy .npz: read it with StateDict.load"
                        + " or StateDict.readNpz)" : "; entries: " + abbreviate(names)));
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null) {
                String s;
                try (InputStream in = zip.getInputStream(bo)) {
                    s = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
                }
                if (s.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!s.equals("little")) {
                    throw new CheckpointFormatException(file + ": record '" + bo.getName() + "' holds '" + s
                            + "', expected 'little' or 'big'");
                }
            }
            String source = file + "!" + pkl.getName();
            TorchUnpickler up = new TorchUnpickler(true, false);
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(pkl), 1 << 16)) {
                root = unpickle(up, in, source);
            }
            Map<String, ByteBuffer> cache = new LinkedHashMap<>();
            ByteOrder fOrder = order;
            StorageSource storages = (ref, tensorPath) -> {
                ByteBuffer b = cache.get(ref.key());
                if (b == null) {
                    String entry = prefix + "data/" + ref.key();
                    ZipEntry e = zip.getEntry(entry);
                    if (e == null) {
                        throw new CheckpointFormatException(file + ": missing storage record '" + entry
                                + "' needed by tensor '" + tensorPath + "'");
                    }
                    byte[] bytes;
                    try (InputStream in = zip.getInputStream(e)) {
                        bytes = in.readAllBytes();
                    } catch (ZipException | EOFException ex) {
                        throw new CheckpointFormatException(file + ": storage record '" + entry + "' is corrupt or"
                                + " truncated: " + ex.getMessage(), ex);
                    }
                    long need = ref.numel() * ref.type().elementSize;
                    if (bytes.length < need) {
                        throw new CheckpointFormatException(file + ": storage record '" + entry + "' holds "
                                + bytes.length + " bytes, but the pickle declares " + ref.numel() + " elements of "
                                + ref.type() + " (" + need + " bytes)");
                    }
                    b = ByteBuffer.wrap(bytes).order(fOrder);
                    cache.put(ref.key(), b);
                }
                return b;
            };
            return materialize(root, "", storages, file.toString());
        } catch (ZipException e) {
            throw new CheckpointFormatException(file + ": corrupt or truncated zip archive (" + e.getMessage() + ")", e);
        }
    }

    // --------------------------------------------------------------------------------------------- legacy format

    private static Object readLegacy(Path file) throws IOException {
        String src = file.toString();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            Object magic = unpickle(new TorchUnpickler(false, true), in, src + " (magic number)");
            BigInteger m = magic instanceof BigInteger ? (BigInteger) magic
                    : magic instanceof Long || magic instanceof Integer ? BigInteger.valueOf(((Number) magic).longValue())
                    : null;
            if (!LEGACY_MAGIC.equals(m)) {
                throw new CheckpointFormatException(src + ": a pickle file, but not a PyTorch checkpoint: its first"
                        + " pickle is " + TorchUnpickler.describe(magic) + ", expected the magic number 0x"
                        + LEGACY_MAGIC.toString(16));
            }
            Object protocol = unpickle(new TorchUnpickler(false, true), in, src + " (protocol version)");
            if (!(protocol instanceof Number) || ((Number) protocol).intValue() != LEGACY_PROTOCOL_VERSION) {
                throw new CheckpointFormatException(src + ": unsupported legacy checkpoint protocol version "
                        + TorchUnpickler.describe(protocol) + ", expected " + LEGACY_PROTOCOL_VERSION);
            }
            Object sysInfo = unpickle(new TorchUnpickler(false, true), in, src + " (sys info)");
            if (!(sysInfo instanceof Map)) {
                throw new CheckpointFormatException(src + ": legacy sys info is " + TorchUnpickler.describe(sysInfo)
                        + ", expected a dict");
            }
            if (Boolean.FALSE.equals(((Map<?, ?>) sysInfo).get("little_endian"))) {
                throw new CheckpointFormatException(src + ": big-endian legacy checkpoints are not supported"
                        + " (sys info little_endian=False)");
            }
            TorchUnpickler up = new TorchUnpickler(true, true);
            Object root = unpickle(up, in, src + " (object)");
            Object keysObj = unpickle(new TorchUnpickler(false, true), in, src + " (storage keys)");
            if (!(keysObj instanceof List)) {
                throw new CheckpointFormatException(src + ": legacy storage key list is "
                        + TorchUnpickler.describe(keysObj) + ", expected a list");
            }
            List<?> keys = (List<?>) keysObj;
            Map<String, TorchUnpickler.StorageRef> declared = up.storages();
            Map<String, ByteBuffer> data = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = String.valueOf(keys.get(i));
                TorchUnpickler.StorageRef ref = declared.get(key);
                if (ref == null) {
                    throw new CheckpointFormatException(src + ": storage '" + key + "' (" + (i + 1) + " of "
                            + keys.size() + ") is listed but no tensor refers to it, so its element type is unknown");
                }
                long count;
                byte[] bytes;
                try {
                    count = Long.reverseBytes(in.readLong());
                    if (count != ref.numel()) {
                        throw new CheckpointFormatException(src + ": storage '" + key + "' (" + (i + 1) + " of "
                                + keys.size() + ") has " + count + " elements in the file, but the pickle declares "
                                + ref.numel());
                    }
                    long nbytes = Math.multiplyExact(count, (long) ref.type().elementSize);
                    if (nbytes > Integer.MAX_VALUE - 16) {
                        throw new CheckpointFormatException(src + ": storage '" + key + "' is larger than 2 GiB");
                    }
                    bytes = new byte[(int) nbytes];
                    in.readFully(bytes);
                } catch (EOFException e) {
                    throw new CheckpointFormatException(src + ": truncated legacy checkpoint: the file ends inside"
                            + " storage '" + key + "' (" + (i + 1) + " of " + keys.size() + ")", e);
                }
                data.put(key, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
            }
            StorageSource storages = (ref, tensorPath) -> {
                ByteBuffer b = data.get(ref.key());
                if (b == null) {
                    throw new CheckpointFormatException(src + ": missing storage '" + ref.key() + "' needed by tensor '"
                            + tensorPath + "' (not in the legacy storage key list " + abbreviate(keys) + ")");
                }
                return b;
            };
            return materialize(root, "", storages, src);
        }
    }

    // ------------------------------------------------------------------------------------------------- shared

    @FunctionalInterface
    private interface StorageSource {
        ByteBuffer bytes(TorchUnpickler.StorageRef ref, String tensorPath) throws IOException;
    }

    private static Object unpickle(TorchUnpickler up, InputStream in, String source) throws IOException {
        try {
            return up.load(in);
        } catch (PickleException | ClassCastException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new CheckpointFormatException(source + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new CheckpointFormatException(source + ": truncated pickle", e);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {
            if ("premature end of file".equals(e.getMessage())) {
                throw new CheckpointFormatException(source + ": truncated pickle (premature end of file)", e);
            }
            throw e;
        }
    }

    /** Replaces every TensorRef in the tree by its array; {@code path} names the place for error messages. */
    private static Object materialize(Object o, String path, StorageSource storages, String file) throws IOException {
        if (o instanceof TorchUnpickler.TensorRef) {
            TorchUnpickler.TensorRef t = (TorchUnpickler.TensorRef) o;
            return toArray(t, storages.bytes(t.storage(), path), path, file);
        }
        if (o instanceof Map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                String p = path.isEmpty() ? String.valueOf(e.getKey()) : path + "/" + e.getKey();
                out.put(e.getKey(), materialize(e.getValue(), p, storages, file));
            }
            return out;
        }
        if (o instanceof List) {
            List<Object> out = new ArrayList<>();
            List<?> in = (List<?>) o;
            for (int i = 0; i < in.size(); i++) {
                out.add(materialize(in.get(i), path + "[" + i + "]", storages, file));
            }
            return out;
        }
        if (o instanceof Object[]) {
            Object[] in = (Object[]) o;
            Object[] out = new Object[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = materialize(in[i], path + "[" + i + "]", storages, file);
            }
            return out;
        }
        return o;
    }

    private static INDArray toArray(TorchUnpickler.TensorRef t, ByteBuffer storage, String path, String file)
            throws CheckpointFormatException {
        TorchUnpickler.StorageType type = t.storage().type();
        int es = type.elementSize;
        long available = storage.capacity() / es;
        long base = t.storage().viewOffset() + t.offset();
        long numel = 1;
        long last = base;
        for (int i = 0; i < t.size().length; i++) {
            numel = Math.multiplyExact(numel, t.size()[i]);
            if (t.size()[i] > 0) {
                last += (t.size()[i] - 1) * t.stride()[i];
            }
        }
        if (numel > 0 && last >= available) {
            throw new CheckpointFormatException(file + ": tensor '" + path + "' " + Arrays.toString(t.size())
                    + " (storage offset " + base + ", strides " + Arrays.toString(t.stride()) + ") reads element "
                    + last + " of storage '" + t.storage().key() + "', which holds only " + available + " elements");
        }
        if (numel * es > Integer.MAX_VALUE - 16) {
            throw new CheckpointFormatException(file + ": tensor '" + path + "' is larger than 2 GiB");
        }
        int n = (int) numel;
        ByteBuffer out = ByteBuffer.allocate(n * es).order(ByteOrder.LITTLE_ENDIAN);
        if (n > 0) {
            gather(storage, base, t.size(), t.stride(), es, out);
        }
        out.flip();
        return NumpyFiles.decode(out, type.dataType, n, t.size());
    }

    /** Copies the strided view into {@code out} in C order; contiguous runs are copied in one block. */
    private static void gather(ByteBuffer storage, long base, long[] size, long[] stride, int es, ByteBuffer out) {
        int rank = size.length;
        // the innermost dimensions that are C-contiguous form one block
        int inner = rank;
        long block = 1;
        while (inner > 0 && (size[inner - 1] == 1 || stride[inner - 1] == block)) {
            block *= size[inner - 1];
            inner--;
        }
        long[] idx = new long[inner];
        byte[] src = storage.array();
        boolean little = storage.order() == ByteOrder.LITTLE_ENDIAN;
        int blockBytes = (int) (block * es);
        while (true) {
            long off = base;
            for (int d = 0; d < inner; d++) {
                off += idx[d] * stride[d];
            }
            int from = (int) (off * es);
            if (little || es == 1) {
                out.put(src, from, blockBytes);
            } else {
                for (int k = 0; k < block; k++) {
                    for (int b = es - 1; b >= 0; b--) {
                        out.put(src[from + k * es + b]);
                    }
                }
            }
            int d = inner - 1;
            while (d >= 0) {
                if (++idx[d] < size[d]) {
                    break;
                }
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static String describeForeign(byte[] head, int n) {
        if (n == 0) {
            return "the file is empty";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hex.append(String.format("%02x", head[i] & 0xFF));
        }
        String kind = "";
        if (n >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            kind = "a JPEG image, ";
        } else if (n >= 4 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            kind = "a PNG image, ";
        } else if (n >= 6 && head[0] == (byte) 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M') {
            kind = "a NumPy .npy file, ";
        } else {
            boolean text = true;
            for (int i = 0; i < n; i++) {
                int c = head[i] & 0xFF;
                text &= c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F);
            }
            if (text) {
                kind = "a text file, ";
            }
        }
        return kind + "first bytes " + hex;
    }

    private static String abbreviate(List<?> items) {
        List<?> head = items.size() > 8 ? items.subList(0, 8) : items;
        return head + (items.size() > 8 ? " ... (" + items.size() + " in all)" : "");
    }
}
