package io.hrnet4j.data.io;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes NumPy {@code .npy} arrays and {@code .npz} archives (format version 1.0 to 3.0,
 * <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">numpy.lib.format</a>).
 *
 * <p>ND4J's own {@code Nd4j.createFromNpzFile} (M2.1) fails on 0-d entries such as PyTorch's
 * {@code num_batches_tracked}, which every HRNet state dict holds, hence this reader. Supported dtypes:
 * little-endian {@code f4, f8, i8, i4, i2, i1, u1, b1}; arrays must be C-ordered ({@code fortran_order}
 * False). A 0-d array becomes a rank-0 {@link INDArray} (scalar). The data type is kept (float64 stays
 * {@link DataType#DOUBLE}, int64 stays {@link DataType#LONG}).
 */
public final class NumpyFiles {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Largest accepted header (NumPy itself refuses headers above 10,000 bytes by default since 1.24). */
    private static final int MAX_HEADER_BYTES = 1 << 16;

    private NumpyFiles() {
    }

    /**
     * Reads one {@code .npy} file.
     *
     * @param file the file
     * @return the array, with the file's shape and data type
     * @throws DataFormatException if the file is not a valid, supported {@code .npy} (names the file and what is wrong)
     * @throws IOException if the file cannot be read
     */
    public static INDArray readNpy(Path file) throws IOException {
        checkFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return readNpy(in, file.toString());
        }
    }

    /**
     * Reads every entry of a {@code .npz} archive (stored or deflated), in archive order. The keys are the entry
     * names without the {@code .npy} suffix.
     *
     * @param file the archive
     * @return an insertion-ordered map from entry name to array
     * @throws DataFormatException if an entry is not a valid {@code .npy}, or the file holds no entry (not a zip)
     * @throws IOException if the file cannot be read
     */
    public static Map<String, INDArray> readNpz(Path file) throws IOException {
        checkFile(file);
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                out.put(key, readNpy(zin, file + "!" + name));
            }
        } catch (java.util.zip.ZipException | IllegalArgumentException ex) {
            // IllegalArgumentException: ZipInputStream's entry-name decoding of a corrupt local header
            throw new DataFormatException(file.toString(), "not a valid .npz (zip) archive: " + ex.getMessage(), ex);
        } catch (EOFException ex) {
            throw new DataFormatException(file.toString(), "truncated .npz (zip) archive"
                    + (out.isEmpty() ? "" : " after the entries " + out.keySet()), ex);
        }
        if (out.isEmpty()) {
            throw new DataFormatException(file.toString(), "not a .npz archive (no zip entries found)");
        }
        return out;
    }

    private static void checkFile(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file.toString(), "is a directory, expected a NumPy file");
        }
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such NumPy file");
        }
    }

    /**
     * Reads one {@code .npy} array from a stream; consumes exactly the array's bytes.
     *
     * @param in the stream, positioned at the magic string
     * @param source the name used in error messages (file path or archive entry)
     * @return the array
     * @throws DataFormatException if the header or data is invalid or truncated
     * @throws IOException if the stream fails
     */
    public static INDArray readNpy(InputStream in, String source) throws IOException {
        DataInputStream din = new DataInputStream(in);
        byte[] magic = new byte[6];
        try {
            din.readFully(magic);
            for (int i = 0; i < 6; i++) {
                if (magic[i] != MAGIC[i]) {
                    throw new DataFormatException(source, "not a .npy file (bad magic string)");
                }
            }
            int major = din.readUnsignedByte();
            din.readUnsignedByte();
            long headerLen;
            if (major == 1) {
                headerLen = Short.toUnsignedInt(Short.reverseBytes(din.readShort()));
            } else if (major == 2 || major == 3) {
                headerLen = Integer.toUnsignedLong(Integer.reverseBytes(din.readInt()));
            } else {
                throw new DataFormatException(source, "unsupported .npy format version " + major);
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new DataFormatException(source, ".npy header length " + headerLen + " exceeds "
                        + MAX_HEADER_BYTES + " bytes (corrupt header)");
            }
            byte[] hb = new byte[(int) headerLen];
            din.readFully(hb);
            String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = find(DESCR, header, "descr", source);
            if ("True".equals(find(FORTRAN, header, "fortran_order", source))) {
                throw new DataFormatException(source, "Fortran-ordered arrays are not supported (save with C "
                        + "order)");
            }
            String shapeText = find(SHAPE, header, "shape", source);
            long[] shape = parseShape(shapeText, source);
            long n = 1;
            for (long s : shape) {
                if (s < 0) {
                    throw new DataFormatException(source, "negative dimension in .npy shape (" + shapeText + ")");
                }
                try {
                    n = Math.multiplyExact(n, s);
                } catch (ArithmeticException overflow) {
                    throw new DataFormatException(source, ".npy shape (" + shapeText + ") has more than 2^63 "
                            + "elements (corrupt header)");
                }
            }
            return readData(din, descr, shape, n, source);
        } catch (EOFException e) {
            throw new DataFormatException(source, "truncated .npy data", e);
        }
    }

    private static INDArray readData(DataInputStream din, String descr, long[] shape, long n, String source)
            throws IOException {
        if (descr.length() < 3 || descr.charAt(0) == '>') {
            throw new DataFormatException(source, "unsupported dtype '" + descr + "' (little-endian only)");
        }
        String t = descr.substring(1);
        int width;
        try {
            width = Integer.parseInt(t.substring(1));
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "unsupported dtype '" + descr + "'");
        }
        if (width <= 0 || n > Integer.MAX_VALUE / width) {
            throw new DataFormatException(source, "array too large (" + n + " elements of " + width
                    + " bytes; at most 2 GiB per array)");
        }
        int bytes = (int) (n * width);
        // read in chunks: a corrupt header claiming a huge shape fails at the end of the data, not with a huge buffer
        byte[] raw = din.readNBytes(bytes);
        if (raw.length < bytes) {
            throw new DataFormatException(source, "truncated .npy data: the header's shape needs " + bytes
                    + " bytes, the file holds " + raw.length);
        }
        DataType type = switch (t) {
            case "f4" -> DataType.FLOAT;
            case "f8" -> DataType.DOUBLE;
            case "i8" -> DataType.LONG;
            case "i4" -> DataType.INT;
            case "i2" -> DataType.SHORT;
            case "i1" -> DataType.BYTE;
            case "u1" -> DataType.UBYTE;
            case "b1" -> DataType.BOOL;
            default -> throw new DataFormatException(source, "unsupported dtype '" + descr + "'");
        };
        return decode(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN), type, (int) n, shape);
    }

    /** The data types {@link #decode} reads: the element layouts .npy files and PyTorch storages share. */
    private static final java.util.Set<DataType> DECODED = java.util.EnumSet.of(DataType.FLOAT, DataType.DOUBLE,
            DataType.HALF, DataType.BFLOAT16, DataType.LONG, DataType.INT, DataType.SHORT, DataType.BYTE,
            DataType.UBYTE, DataType.BOOL);

    /**
     * Decodes {@code n} little-endian elements of one data type into a C-ordered array: the element decoding shared by
     * the {@code .npy} reader and the PyTorch checkpoint reader ({@code io.hrnet4j.zoo.weights}). The elements have
     * the same binary layout in those files as in an ND4J buffer of the type (IEEE 754 binary32/64/16, bfloat16,
     * two's-complement integers, one byte per bool), so their bytes are copied unchanged: every value, NaN payloads
     * included, arrives bit for bit. Bools other than 0 and 1 read as 1 (true).
     *
     * @param bb the data from position 0, {@link ByteOrder#LITTLE_ENDIAN}, at least {@code n} elements
     * @param type {@code FLOAT, DOUBLE, HALF, BFLOAT16, LONG, INT, SHORT, BYTE, UBYTE} or {@code BOOL}
     * @param n element count (the product of {@code shape})
     * @param shape the array's shape; {@code []} gives a rank-0 scalar
     * @return the array of that type and shape
     * @throws IllegalArgumentException for another data type
     * @throws IllegalStateException on a big-endian platform (ND4J's native buffers would need byte swapping)
     */
    public static INDArray decode(ByteBuffer bb, DataType type, int n, long[] shape) {
        if (!DECODED.contains(type)) {
            throw new IllegalArgumentException("no decoder for " + type);
        }
        INDArray arr = Nd4j.create(type, shape, 'c');
        if (n == 0) {
            return arr;
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("reading little-endian arrays needs a little-endian platform");
        }
        ByteBuffer src = bb.duplicate();
        src.position(0).limit(n * type.width());
        ByteBuffer dst = arr.data().asNio();
        dst.put(src);
        if (type == DataType.BOOL) {
            for (int i = 0; i < n; i++) {
                if (dst.get(i) != 0) {
                    dst.put(i, (byte) 1);
                }
            }
        }
        return arr;
    }

    private static String find(Pattern p, String header, String field, String source) throws DataFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new DataFormatException(source, ".npy header has no '" + field + "' field: " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String s, String source) throws DataFormatException {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                try {
                    dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
                } catch (NumberFormatException e) {
                    throw new DataFormatException(source, "bad shape in .npy header: (" + s + ")");
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Writes an array as a version 1.0 {@code .npy} file (C order, little-endian). Supported data types: FLOAT
     * ({@code <f4}), DOUBLE ({@code <f8}), LONG ({@code <i8}), INT ({@code <i4}), UBYTE ({@code |u1}).
     *
     * @param array the array (any ordering; written in C order)
     * @param file the destination, replaced only once the new file is complete ({@link AtomicFiles})
     * @throws IllegalArgumentException for another data type
     * @throws IOException if the file cannot be written
     */
    public static void writeNpy(INDArray array, Path file) throws IOException {
        AtomicFiles.write(file, out -> writeNpy(array, out));
    }

    /**
     * Writes an array in {@code .npy} format to a stream (see {@link #writeNpy(INDArray, Path)}).
     *
     * @param array the array
     * @param out the stream (not closed)
     * @throws IOException if the stream fails
     */
    public static void writeNpy(INDArray array, OutputStream out) throws IOException {
        String descr;
        int width;
        DataType type = array.dataType();
        switch (type) {
            case FLOAT: descr = "<f4"; width = 4; break;
            case DOUBLE: descr = "<f8"; width = 8; break;
            case LONG: descr = "<i8"; width = 8; break;
            case INT: descr = "<i4"; width = 4; break;
            case UBYTE: descr = "|u1"; width = 1; break;
            default: throw new IllegalArgumentException("cannot write data type " + array.dataType() + " as .npy");
        }
        long[] shape = array.shape();
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 ? "," : (i < shape.length - 1 ? ", " : ""));
        }
        sh.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(pad)).append('\n');
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(MAGIC);
        bos.write(1);
        bos.write(0);
        int hl = header.length();
        bos.write(hl & 0xFF);
        bos.write((hl >> 8) & 0xFF);
        bos.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bos.toByteArray());
        INDArray c = array.dup('c');
        long n = c.length();
        ByteBuffer bb = ByteBuffer.allocate((int) (n * width)).order(ByteOrder.LITTLE_ENDIAN);
        INDArray flat = c.reshape(n);
        for (long i = 0; i < n; i++) {
            switch (type) {
                case FLOAT: bb.putFloat(flat.getFloat(i)); break;
                case DOUBLE: bb.putDouble(flat.getDouble(i)); break;
                case LONG: bb.putLong(flat.getLong(i)); break;
                case INT: bb.putInt((int) flat.getLong(i)); break;
                default: bb.put((byte) flat.getLong(i)); break;
            }
        }
        out.write(bb.array());
    }
}
