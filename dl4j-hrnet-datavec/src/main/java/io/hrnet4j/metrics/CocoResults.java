package io.hrnet4j.metrics;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads, writes and validates the standard COCO keypoint results JSON: an array of {@code {"image_id": int,
 * "category_id": int, "keypoints": [x, y, score] * K, "score": float}} (cocodataset.org "Results Format"; the file
 * HRNet's {@code COCODataset._write_coco_keypoint_results} writes and pycocotools {@code COCO.loadRes} reads).
 *
 * <p>Behaviour on bad input, against pycocotools ({@code coco.py loadRes}, {@code cocoeval.py}):
 * <ul>
 *   <li>Empty file, empty array, or not an array: {@link DataFormatException} (pycocotools fails with an
 *       {@code IndexError}/{@code AssertionError}).</li>
 *   <li>Unknown {@code image_id} (not in the ground truth's {@code images}): {@link #validate} throws an
 *       {@link IllegalArgumentException} naming the results source and the record (pycocotools: {@code
 *       AssertionError: Results do not correspond to current coco set}).</li>
 *   <li>Wrong keypoint count ({@code keypoints.length != 3K}, K from the OKS sigmas): {@link
 *       IllegalArgumentException} from {@link #validate} (pycocotools fails with a numpy broadcast {@code
 *       ValueError} in {@code computeOks}).</li>
 *   <li>NaN or infinite coordinates or scores ({@code NaN} as Python's {@code json.dump} writes it):
 *       {@link DataFormatException} when read from a file, {@link IllegalArgumentException} from {@link
 *       #validate} for in-memory results. pycocotools would silently rank and match such detections with
 *       undefined results, so they are refused instead.</li>
 *   <li>A {@code category_id} that is not a ground-truth category: accepted and never evaluated, exactly as
 *       pycocotools does.</li>
 *   <li>Extra fields (HRNet writes {@code center} and {@code scale}) are ignored.</li>
 * </ul>
 */
public final class CocoResults {
    private CocoResults() {
    }

    /**
     * Reads a results file. Only its own structure is checked here; {@link #validate} checks it against a
     * ground truth.
     *
     * @param file the results JSON
     * @return the results in file order
     * @throws DataFormatException if the file is empty, not a non-empty JSON array, or a record lacks a field
     *     or holds a non-finite number (the message names the file, {@code results[i]} and the field)
     * @throws IOException if the file cannot be read
     */
    public static List<KeypointResult> read(Path file) throws IOException {
        return fromJson(JsonFields.readTree(file), file);
    }

    /**
     * Parses a results array.
     *
     * @param root the parsed JSON
     * @param file the file it was read from, for messages
     * @return the results in order
     * @throws DataFormatException on the conditions listed in the class comment
     */
    public static List<KeypointResult> fromJson(JsonNode root, Path file) throws DataFormatException {
        if (!root.isArray()) {
            throw new DataFormatException(file, "-", "-", "results must be a JSON array of objects, got "
                    + root.getNodeType());
        }
        if (root.isEmpty()) {
            throw new DataFormatException(file, "-", "-", "no results (empty array)");
        }
        List<KeypointResult> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode r = root.get(i);
            String rec = "results[" + i + "]";
            if (!r.isObject()) {
                throw new DataFormatException(file, rec, "-", "expected an object, got " + r.getNodeType());
            }
            double[] kp = JsonFields.requiredNumbers(file, rec, r, "keypoints", -1);
            if (kp.length == 0 || kp.length % 3 != 0) {
                throw new DataFormatException(file, rec, "keypoints",
                        "length " + kp.length + " is not a positive multiple of 3");
            }
            double[] bbox = null;
            JsonNode b = r.get("bbox");
            if (b != null && !b.isNull() && !(b.isArray() && b.isEmpty())) {
                bbox = JsonFields.requiredNumbers(file, rec, r, "bbox", -1);
                if (bbox.length != 4) {
                    throw new DataFormatException(file, rec, "bbox", "expected [x, y, w, h], got "
                            + bbox.length + " values");
                }
            }
            out.add(new KeypointResult(JsonFields.requiredLong(file, rec, r, "image_id"),
                    (int) JsonFields.requiredLong(file, rec, r, "category_id"), kp,
                    JsonFields.requiredFinite(file, rec, r, "score"), bbox));
        }
        return out;
    }

    /**
     * Checks results against a ground truth as pycocotools would (see the class comment).
     *
     * @param results the results
     * @param gt the ground truth
     * @param numJoints the expected K (17 for COCO)
     * @param source a name for messages
     * @throws IllegalArgumentException for an empty list, an unknown image id, a wrong keypoint count or a
     *     non-finite value (message as {@link DataFormatException#describe}: source, record, field)
     */
    public static void validate(List<KeypointResult> results, CocoGroundTruth gt, int numJoints, String source) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException(DataFormatException.describe(source, "", "",
                    "no results (empty list)"));
        }
        for (int i = 0; i < results.size(); i++) {
            KeypointResult r = results.get(i);
            String rec = "results[" + i + "]";
            if (!gt.hasImage(r.imageId())) {
                throw new IllegalArgumentException(DataFormatException.describe(source, rec, "image_id", "image "
                        + r.imageId() + " is not in the ground truth " + gt.source()
                        + " (pycocotools: Results do not correspond to current coco set)"));
            }
            if (r.keypoints() == null || r.keypoints().length != 3 * numJoints) {
                throw new IllegalArgumentException(DataFormatException.describe(source, rec, "keypoints", "expected "
                        + 3 * numJoints + " values (" + numJoints + " joints x [x, y, score]), got "
                        + (r.keypoints() == null ? "none" : r.keypoints().length)));
            }
            for (int k = 0; k < r.keypoints().length; k++) {
                if (!Double.isFinite(r.keypoints()[k])) {
                    throw new IllegalArgumentException(DataFormatException.describe(source, rec,
                            "keypoints[" + k + "]", "not finite: " + r.keypoints()[k]));
                }
            }
            if (!Double.isFinite(r.score())) {
                throw new IllegalArgumentException(DataFormatException.describe(source, rec, "score", "not finite: "
                        + r.score()));
            }
        }
    }

    /**
     * Writes the standard results JSON (fields {@code image_id}, {@code category_id}, {@code keypoints},
     * {@code score}, plus {@code bbox}, {@code center} and {@code scale} for results that carry them, as the official
     * {@code COCODataset._coco_keypoint_results_one_category_kernel} writes {@code center} and {@code scale}). Numbers are written with Java's shortest
     * round-trip representation, so reading the file back gives the same doubles.
     *
     * @param file the output file, created or replaced atomically ({@link io.hrnet4j.data.io.AtomicFiles}: a failed
     *     write leaves an existing file unchanged)
     * @param results the results
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<KeypointResult> results) throws IOException {
        io.hrnet4j.data.io.AtomicFiles.write(file, out -> write(out, results));
    }

    /**
     * Writes the standard results JSON to a stream (not closed).
     *
     * @param out the stream
     * @param results the results
     * @throws IOException on a write error
     */
    public static void write(OutputStream out, List<KeypointResult> results) throws IOException {
        try (JsonGenerator g = JsonFields.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartArray();
            for (KeypointResult r : results) {
                g.writeStartObject();
                g.writeNumberField("image_id", r.imageId());
                g.writeNumberField("category_id", r.categoryId());
                g.writeFieldName("keypoints");
                g.writeArray(r.keypoints(), 0, r.keypoints().length);
                g.writeNumberField("score", r.score());
                if (r.bbox() != null) {
                    g.writeFieldName("bbox");
                    g.writeArray(r.bbox(), 0, r.bbox().length);
                }
                if (r.center() != null) {
                    g.writeFieldName("center");
                    g.writeArray(r.center(), 0, r.center().length);
                }
                if (r.scale() != null) {
                    g.writeFieldName("scale");
                    g.writeArray(r.scale(), 0, r.scale().length);
                }
                g.writeEndObject();
                g.writeRaw('\n');
            }
            g.writeEndArray();
        }
    }
}
