package io.hrnet4j.data.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Strict reading of data JSON (COCO annotations and results, MPII annotations, ground truth and predictions, detection
 * files) with errors that name the file, the record and the field: the one JSON field reader of the project. {@code
 * NaN} and {@code Infinity} literals (which Python's {@code json.dump} writes) are parsed, then rejected by the number
 * readers with a {@link DataFormatException}.
 */
public final class JsonFields {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private JsonFields() {
    }

    /**
     * @return the shared mapper (accepts {@code NaN}/{@code Infinity} literals so they can be reported precisely); its
     *     factory is also the one to write data JSON with
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a whole JSON file.
     *
     * @param file the file
     * @return the root node
     * @throws DataFormatException if the file is missing, a directory, empty or not valid JSON (with line and column)
     * @throws IOException if it cannot be read
     */
    public static JsonNode readTree(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "-", "-", "is a directory, expected a JSON file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "-", "-", "file not found");
        }
        try {
            JsonNode root = MAPPER.readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new DataFormatException(file, "-", "-", "empty file, expected JSON");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr();
            throw new DataFormatException(file, "-", "-", "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "-", "-", "file not found", e);
        }
    }

    /**
     * Reads a file whose top level is a JSON list of records (detections, MPII records, results).
     *
     * @param file the file
     * @param what what the list holds, for the message (e.g. {@code "detections"})
     * @return the list node
     * @throws DataFormatException as {@link #readTree}, or {@code "file: expected a JSON list of <what>"}
     * @throws IOException if it cannot be read
     */
    public static JsonNode readList(Path file, String what) throws IOException {
        JsonNode root = readTree(file);
        if (!root.isArray()) {
            throw new DataFormatException(file, "-", "-", "expected a JSON list of " + what);
        }
        return root;
    }

    /**
     * @param file the file (for messages)
     * @param record the record (for messages)
     * @param node one element of a list of records
     * @return {@code node}
     * @throws DataFormatException {@code "file: record R: expected an object"} if it is not a JSON object
     */
    public static JsonNode object(Path file, String record, JsonNode node) throws DataFormatException {
        if (!node.isObject()) {
            throw new DataFormatException(file, record, "-", "expected an object");
        }
        return node;
    }

    /**
     * @param file the file (for messages)
     * @param record the record (for messages)
     * @param node the JSON object of the record
     * @param field the key
     * @return the value node
     * @throws DataFormatException if the node is not an object, or the key is absent or null
     */
    public static JsonNode required(Path file, String record, JsonNode node, String field) throws DataFormatException {
        if (node == null || !node.isObject()) {
            throw new DataFormatException(file, record, "-", "expected an object with '" + field + "', got "
                    + (node == null ? "nothing" : abbreviate(node)));
        }
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new DataFormatException(file, record, field, "missing");
        }
        return v;
    }

    /**
     * A required JSON array.
     *
     * @param file the file (for messages)
     * @param record the record (for messages)
     * @param node the JSON object of the record
     * @param field the key
     * @return the array node
     * @throws DataFormatException if the node is not an object, or the key is absent, null or not an array
     */
    public static JsonNode requiredArray(Path file, String record, JsonNode node, String field)
            throws DataFormatException {
        JsonNode v = required(file, record, node, field);
        if (!v.isArray()) {
            throw new DataFormatException(file, record, field, "expected an array, got " + abbreviate(v));
        }
        return v;
    }

    /**
     * A finite number.
     *
     * @param file the file (for messages)
     * @param record the record (for messages)
     * @param field the field name (for messages, e.g. {@code bbox[2]})
     * @param v the node
     * @return its value
     * @throws DataFormatException if it is not a number, or is NaN or infinite
     */
    public static double finite(Path file, String record, String field, JsonNode v) throws DataFormatException {
        if (v == null || !v.isNumber()) {
            throw new DataFormatException(file, record, field, "expected a number, got "
                    + (v == null ? "nothing" : v.getNodeType().toString().toLowerCase() + " " + abbreviate(v)));
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw new DataFormatException(file, record, field, "not a finite number: " + d);
        }
        return d;
    }

    /**
     * A required finite number.
     *
     * @param file the file
     * @param record the record
     * @param node the record's JSON object
     * @param field the key
     * @return the value
     * @throws DataFormatException if absent, not a number, NaN or infinite
     */
    public static double requiredFinite(Path file, String record, JsonNode node, String field)
            throws DataFormatException {
        return finite(file, record, field, required(file, record, node, field));
    }

    /**
     * A required integral number.
     *
     * @param file the file
     * @param record the record
     * @param node the record's JSON object
     * @param field the key
     * @return the value
     * @throws DataFormatException if absent or not an integer (within +-2^53 when written as a decimal)
     */
    public static long requiredLong(Path file, String record, JsonNode node, String field) throws DataFormatException {
        JsonNode v = required(file, record, node, field);
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        double d = v.asDouble();
        if (v.isNumber() && d == Math.rint(d) && Math.abs(d) <= 0x1p53) {
            return (long) d;
        }
        throw new DataFormatException(file, record, field, "expected an integer, got " + abbreviate(v));
    }

    /**
     * A required array of finite numbers of a given length.
     *
     * @param file the file
     * @param record the record
     * @param node the record's JSON object
     * @param field the key
     * @param length the expected length, or -1 for any
     * @return the values
     * @throws DataFormatException if absent, not an array, of the wrong length, or holding a non-finite value
     */
    public static double[] requiredNumbers(Path file, String record, JsonNode node, String field, int length)
            throws DataFormatException {
        JsonNode v = requiredArray(file, record, node, field);
        if (length >= 0 && v.size() != length) {
            throw new DataFormatException(file, record, field, "expected " + length + " values, got " + v.size());
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finite(file, record, field + "[" + i + "]", v.get(i));
        }
        return out;
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
