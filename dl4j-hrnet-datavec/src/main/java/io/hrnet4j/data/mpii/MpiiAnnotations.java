package io.hrnet4j.data.mpii;

import static io.hrnet4j.data.io.JsonFields.required;
import static io.hrnet4j.data.io.JsonFields.requiredFinite;
import static io.hrnet4j.data.io.JsonFields.requiredNumbers;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.geometry.AffineTransforms;
import io.hrnet4j.data.geometry.CenterScale;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.data.keypoints.LoadSummary;
import io.hrnet4j.data.keypoints.LoadSummary.SkipReason;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads MPII annotations in the JSON layout of the HRNet reference ({@code data/mpii/annot/{train,valid}.json}): a
 * list of {@code {image, center [x, y] (1-based), scale (person height / 200), joints [16][x, y] (1-based),
 * joints_vis [16]}}.
 *
 * <p>As the official {@code lib/dataset/mpii.py} {@code _get_db}: when {@code center[0] != -1},
 * {@code center[1] += 15 * scale} and {@code scale *= 1.25}; then center and joints are converted to 0-based
 * ({@code - 1}). Scale is used for both width and height ({@code s = [scale, scale]}), in float64. Records without
 * {@code joints} and {@code joints_vis} (the unlabelled test split) get all joints (0, 0, 0). Every record is kept
 * (the reference skips nothing); the summary is logged at INFO.
 */
public final class MpiiAnnotations {
    private static final Logger LOG = LoggerFactory.getLogger(MpiiAnnotations.class);

    private MpiiAnnotations() {
    }

    /**
     * @param annotationFile the MPII JSON file
     * @param imageDir folder holding the images ({@code image} of each record is resolved against it)
     * @return the samples ({@link KeypointSchema#MPII}, 16 joints, score 1) and the summary
     * @throws DataFormatException on malformed JSON, a missing field, arrays of the wrong length, NaN, a visibility
     *         other than 0/1, a non-positive scale or a missing image file (naming file, record and field)
     * @throws IOException if the file cannot be read
     */
    public static LoadedSamples load(Path annotationFile, Path imageDir) throws IOException {
        JsonNode root = JsonFields.readList(annotationFile, "MPII records");
        int k = KeypointSchema.MPII.numJoints();
        Map<String, Long> imageIds = new HashMap<>();
        List<PoseSample> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            String rec = "#" + i;
            JsonNode a = JsonFields.object(annotationFile, rec, root.get(i));
            JsonNode name = required(annotationFile, rec, a, "image");
            if (!name.isTextual() || name.asText().isBlank()) {
                throw new DataFormatException(annotationFile, rec, "image", "expected a file name, got " + name);
            }
            rec = "#" + i + " (" + name.asText() + ")";
            double[] c = requiredNumbers(annotationFile, rec, a, "center", 2);
            double s = requiredFinite(annotationFile, rec, a, "scale");
            if (!(s > 0)) {
                throw new DataFormatException(annotationFile, rec, "scale", "must be positive, got " + s);
            }
            if (!Float.isFinite((float) (s * 1.25 * AffineTransforms.PIXEL_STD))) {
                throw new DataFormatException(annotationFile, rec, "scale", "too large for the float32 crop "
                        + "geometry, got " + s);
            }
            if (!Float.isFinite((float) c[0]) || !Float.isFinite((float) (c[1] + 15 * s))) {
                throw new DataFormatException(annotationFile, rec, "center", "outside float32 range: [" + c[0] + ", "
                        + c[1] + "]");
            }
            double[][] joints = new double[k][3];
            boolean hasJoints = a.hasNonNull("joints") || a.hasNonNull("joints_vis");
            if (hasJoints) {
                JsonNode js = required(annotationFile, rec, a, "joints");
                if (!js.isArray() || js.size() != k) {
                    throw new DataFormatException(annotationFile, rec, "joints", "expected " + k + " [x, y] pairs, got "
                            + (js.isArray() ? js.size() + " entries" : js.getNodeType().toString().toLowerCase()));
                }
                double[] vis = requiredNumbers(annotationFile, rec, a, "joints_vis", k);
                for (int j = 0; j < k; j++) {
                    JsonNode p = js.get(j);
                    if (!p.isArray() || p.size() < 2) {
                        throw new DataFormatException(annotationFile, rec, "joints[" + j + "]",
                                "expected [x, y], got " + p);
                    }
                    joints[j][0] = JsonFields.finite(annotationFile, rec, "joints[" + j + "][0]",
                            p.get(0)) - 1;
                    joints[j][1] = JsonFields.finite(annotationFile, rec, "joints[" + j + "][1]",
                            p.get(1)) - 1;
                    if (vis[j] != 0 && vis[j] != 1) {
                        throw new DataFormatException(annotationFile, rec, "joints_vis[" + j + "]",
                                "must be 0 or 1, got " + vis[j]);
                    }
                    joints[j][2] = vis[j];
                }
            }
            double cx = c[0];
            double cy = c[1];
            double scale = s;
            if (cx != -1) {
                cy = cy + 15 * scale;
                scale = scale * 1.25;
            }
            cx -= 1;
            cy -= 1;
            Path image = imageDir.resolve(name.asText());
            Long id = imageIds.get(name.asText());
            if (id == null) {
                if (!Files.isRegularFile(image)) {
                    throw new DataFormatException(annotationFile, rec, "image", "image file not found: " + image);
                }
                id = (long) imageIds.size();
                imageIds.put(name.asText(), id);
            }
            double side = s * AffineTransforms.PIXEL_STD;
            out.add(new PoseSample(image, id, i, joints, new CenterScale(cx, cy, scale, scale), 1.0, side * side));
        }
        LoadSummary summary = new LoadSummary(annotationFile.toString(), root.size(), out.size(),
                new EnumMap<>(SkipReason.class));
        LOG.info("MPII {}", summary);
        return new LoadedSamples(KeypointSchema.MPII, out, summary);
    }
}
