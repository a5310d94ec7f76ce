package io.hrnet4j.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.JsonFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

/**
 * MPII validation ground truth in the layout of the official {@code annot/gt_valid.mat} read by
 * {@code MPIIDataset.evaluate()} ({@code lib/dataset/mpii.py}): per person, 16 joints in MATLAB 1-based pixel
 * coordinates, a visibility flag per joint ({@code 1 - jnt_missing}) and the head box.
 *
 * <p>Two sources:
 * <ul>
 *   <li>{@code .mat} (MATLAB 5 format, read with MFL {@code us.hebi.matlab.mat}): {@code dataset_joints} (1x16 cell
 *       of joint names), {@code jnt_missing} {@code [16 x N]}, {@code pos_gt_src} {@code [16 x 2 x N]},
 *       {@code headboxes_src} {@code [2 x 2 x N]} (corner x coordinate x person; corner 0 = (x1, y1), 1 = (x2, y2)).</li>
 *   <li>JSON with the same content per person (shared/oracle {@code mpii_gt.json}): {@code joints}
 *       {@code [N][16][x, y]} 1-based, {@code joints_vis} {@code [N][16]}, {@code headboxes}
 *       {@code [N][[x1, y1], [x2, y2]]}, optional {@code joint_names} (16 names).</li>
 * </ul>
 *
 * @param jointNames the 16 joint names in dataset order (official: rank, rkne, rhip, lhip, lkne, lank, pelv, thrx,
 *     neck, head, rwri, relb, rsho, lsho, lelb, lwri)
 * @param joints {@code [N][16][2]} 1-based pixel coordinates (x, y)
 * @param visible {@code [N][16]} true when the joint is annotated
 * @param headBoxes {@code [N][2][2]}: {@code [n][0]} = (x1, y1), {@code [n][1]} = (x2, y2), pixels
 */
public record MpiiGroundTruth(List<String> jointNames, double[][][] joints, boolean[][] visible,
                              double[][][] headBoxes) {
    /** Number of MPII joints. */
    public static final int NUM_JOINTS = 16;
    /** The official joint order of {@code gt_valid.mat dataset_joints}. */
    public static final List<String> DEFAULT_JOINT_NAMES = List.of("rank", "rkne", "rhip", "lhip", "lkne", "lank",
            "pelv", "thrx", "neck", "head", "rwri", "relb", "rsho", "lsho", "lelb", "lwri");

    /** @return the number of persons N */
    public int size() {
        return joints.length;
    }

    /**
     * Reads a {@code .mat} or {@code .json} ground truth, chosen by the file extension.
     *
     * @param file the file
     * @return the ground truth
     * @throws DataFormatException if a variable or field is missing or has the wrong shape (names the file and
     *     the variable / record)
     * @throws IOException if the file cannot be read or is not a MATLAB 5 file
     */
    public static MpiiGroundTruth read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".mat")) {
            return readMat(file);
        }
        if (name.endsWith(".json")) {
            return readJson(file);
        }
        throw new DataFormatException(file, "", "", "unknown ground-truth format: expected .mat or .json");
    }

    /**
     * Reads the official {@code gt_valid.mat} layout.
     *
     * @param file a MATLAB 5 {@code .mat} file
     * @return the ground truth
     * @throws DataFormatException if a variable is missing or has the wrong shape or type
     * @throws IOException if the file cannot be read
     */
    public static MpiiGroundTruth readMat(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        String src = file.toString();
        MatFile mat;
        try {
            mat = Mat5.readFromFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(src, "", "", "not a readable MATLAB 5 .mat file: " + e.getMessage(), e);
        }
        try (MatFile m = mat) {
            Matrix missing = matrix(m, "jnt_missing", src);
            Matrix pos = matrix(m, "pos_gt_src", src);
            Matrix heads = matrix(m, "headboxes_src", src);
            int[] dm = missing.getDimensions();
            int n = dm.length == 2 ? dm[1] : -1;
            if (dm.length != 2 || dm[0] != NUM_JOINTS) {
                throw new DataFormatException(src, "jnt_missing", "", "expected [16 x N], got " + dimString(dm));
            }
            int[] dp = pos.getDimensions();
            if (!shape(dp, NUM_JOINTS, 2, n)) {
                throw new DataFormatException(src, "pos_gt_src", "", "expected [16 x 2 x " + n + "], got "
                        + dimString(dp));
            }
            int[] dh = heads.getDimensions();
            if (!shape(dh, 2, 2, n)) {
                throw new DataFormatException(src, "headboxes_src", "", "expected [2 x 2 x " + n + "], got "
                        + dimString(dh));
            }
            List<String> names = DEFAULT_JOINT_NAMES;
            if (hasArray(m, "dataset_joints")) {
                names = jointNames(m.getArray("dataset_joints"), src);
            }
            double[][][] joints = new double[n][NUM_JOINTS][2];
            boolean[][] vis = new boolean[n][NUM_JOINTS];
            double[][][] hb = new double[n][2][2];
            for (int p = 0; p < n; p++) {
                for (int j = 0; j < NUM_JOINTS; j++) {
                    vis[p][j] = missing.getDouble(j, p) == 0;
                    for (int c = 0; c < 2; c++) {
                        joints[p][j][c] = get(pos, j, c, p, dp.length);
                    }
                }
                for (int corner = 0; corner < 2; corner++) {
                    for (int c = 0; c < 2; c++) {
                        hb[p][corner][c] = get(heads, corner, c, p, dh.length);
                    }
                }
            }
            return new MpiiGroundTruth(names, joints, vis, hb);
        }
    }

    /**
     * Reads the JSON layout of shared/oracle {@code mpii_gt.json}.
     *
     * @param file the JSON file
     * @return the ground truth
     * @throws DataFormatException if a field is missing or a record has the wrong shape
     * @throws IOException if the file cannot be read
     */
    public static MpiiGroundTruth readJson(Path file) throws IOException {
        String src = file.toString();
        JsonNode root = JsonFields.readTree(file);
        JsonNode joints = JsonFields.requiredArray(file, "-", root, "joints");
        JsonNode vis = JsonFields.requiredArray(file, "-", root, "joints_vis");
        JsonNode heads = JsonFields.requiredArray(file, "-", root, "headboxes");
        int n = joints.size();
        if (vis.size() != n || heads.size() != n) {
            throw new DataFormatException(src, "", "joints_vis/headboxes", "person counts differ: joints " + n
                    + ", joints_vis " + vis.size() + ", headboxes " + heads.size());
        }
        List<String> names = DEFAULT_JOINT_NAMES;
        JsonNode jn = root.get("joint_names");
        if (jn != null && !jn.isNull()) {
            List<String> l = new ArrayList<>();
            jn.forEach(x -> l.add(x.asText()));
            if (l.size() != NUM_JOINTS) {
                throw new DataFormatException(src, "", "joint_names", "expected 16 names, got " + l.size());
            }
            names = List.copyOf(l);
        }
        double[][][] j3 = new double[n][][];
        boolean[][] v2 = new boolean[n][NUM_JOINTS];
        double[][][] h3 = new double[n][][];
        for (int p = 0; p < n; p++) {
            j3[p] = matrixOf(joints.get(p), NUM_JOINTS, 2, src, "joints[" + p + "]");
            JsonNode vp = vis.get(p);
            if (!vp.isArray() || vp.size() != NUM_JOINTS) {
                throw new DataFormatException(src, "joints_vis[" + p + "]", "", "expected 16 flags");
            }
            for (int j = 0; j < NUM_JOINTS; j++) {
                if (!vp.get(j).isNumber()) {
                    throw new DataFormatException(src, "joints_vis[" + p + "][" + j + "]", "", "expected a number");
                }
                v2[p][j] = vp.get(j).doubleValue() != 0;
            }
            h3[p] = matrixOf(heads.get(p), 2, 2, src, "headboxes[" + p + "]");
        }
        return new MpiiGroundTruth(names, j3, v2, h3);
    }

    /**
     * Reads predictions in the layout of shared/oracle {@code mpii_pred.json}: {@code preds [N][16][x, y(, score)]},
     * 0-based pixels (as passed to the official {@code evaluate()}).
     *
     * @param file the JSON file
     * @return {@code [N][16][2 or 3]}
     * @throws DataFormatException if {@code preds} is missing, a person does not have 16 joints, or a value is
     *     not a finite number
     * @throws IOException if the file cannot be read
     */
    public static double[][][] readPredictions(Path file) throws IOException {
        String src = file.toString();
        JsonNode preds = JsonFields.required(file, "-", JsonFields.readTree(file), "preds");
        if (!preds.isArray()) {
            throw new DataFormatException(src, "", "preds", "expected an array [N][16][x, y, score]");
        }
        double[][][] out = new double[preds.size()][][];
        for (int p = 0; p < out.length; p++) {
            JsonNode pp = preds.get(p);
            int width = pp.isArray() && pp.size() > 0 && pp.get(0).isArray() ? pp.get(0).size() : 2;
            if (width < 2) {
                throw new DataFormatException(src, "preds[" + p + "]", "", "expected [x, y] or [x, y, score] per joint");
            }
            out[p] = matrixOf(pp, NUM_JOINTS, width, src, "preds[" + p + "]");
        }
        return out;
    }

    private static double[][] matrixOf(JsonNode n, int rows, int cols, String src, String rec)
            throws DataFormatException {
        if (n == null || !n.isArray() || n.size() != rows) {
            throw new DataFormatException(src, rec, "", "expected " + rows + " rows of " + cols + " numbers");
        }
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            JsonNode row = n.get(r);
            if (!row.isArray() || row.size() != cols) {
                throw new DataFormatException(src, rec + "[" + r + "]", "", "expected " + cols + " numbers, got "
                        + row);
            }
            for (int c = 0; c < cols; c++) {
                JsonNode v = row.get(c);
                if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                    throw new DataFormatException(src, rec + "[" + r + "][" + c + "]", "", "not a finite number: " + v);
                }
                out[r][c] = v.doubleValue();
            }
        }
        return out;
    }

    private static boolean hasArray(MatFile m, String name) {
        for (MatFile.Entry e : m.getEntries()) {
            if (e.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Matrix matrix(MatFile m, String name, String src) throws DataFormatException {
        if (!hasArray(m, name)) {
            throw new DataFormatException(src, name, "", "variable missing (gt_valid.mat layout: dataset_joints, "
                    + "jnt_missing, pos_gt_src, headboxes_src)");
        }
        Array a = m.getArray(name);
        if (!(a instanceof Matrix)) {
            throw new DataFormatException(src, name, "", "expected a numeric matrix, got " + a.getType());
        }
        return (Matrix) a;
    }

    private static List<String> jointNames(Array a, String src) throws DataFormatException {
        if (!(a instanceof Cell c) || c.getNumElements() != NUM_JOINTS) {
            throw new DataFormatException(src, "dataset_joints", "", "expected a cell array of 16 joint names");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < NUM_JOINTS; i++) {
            Array e = c.get(i);
            if (e instanceof Cell inner && inner.getNumElements() == 1) {
                e = inner.get(0);
            }
            if (!(e instanceof Char ch)) {
                throw new DataFormatException(src, "dataset_joints{" + (i + 1) + "}", "", "expected a string");
            }
            names.add(ch.getString().trim());
        }
        return List.copyOf(names);
    }

    private static boolean shape(int[] d, int a, int b, int n) {
        // MATLAB drops trailing singleton dimensions: [16 x 2 x 1] is stored as [16 x 2]
        return (d.length == 3 && d[0] == a && d[1] == b && d[2] == n) || (n == 1 && d.length == 2 && d[0] == a && d[1] == b);
    }

    private static double get(Matrix m, int i, int j, int k, int rank) {
        return rank == 3 ? m.getDouble(new int[] {i, j, k}) : m.getDouble(i, j);
    }

    private static String dimString(int[] d) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < d.length; i++) {
            sb.append(i == 0 ? "" : " x ").append(d[i]);
        }
        return sb.append(']').toString();
    }
}
