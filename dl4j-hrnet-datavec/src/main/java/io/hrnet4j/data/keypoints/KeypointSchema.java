package io.hrnet4j.data.keypoints;

import java.util.Arrays;
import java.util.List;

/**
 * The joints of a pose dataset: names, flip pairs, upper/lower body split (half-body augmentation) and the skeleton
 * used for drawing. Indices are 0-based. Values from the official
 * {@code lib/dataset/coco.py} / {@code lib/dataset/mpii.py}; the COCO skeleton is the {@code person} category's
 * {@code skeleton} of {@code person_keypoints_val2017.json} converted to 0-based.
 */
public final class KeypointSchema {

    /** COCO: 17 keypoints, flip pairs (1,2) ... (15,16), upper body 0-10, lower 11-16. */
    public static final KeypointSchema COCO = new KeypointSchema("coco",
            List.of("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
                    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
                    "right_knee", "left_ankle", "right_ankle"),
            new int[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}, {13, 14}, {15, 16}},
            new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
            new int[] {11, 12, 13, 14, 15, 16},
            new int[][] {{15, 13}, {13, 11}, {16, 14}, {14, 12}, {11, 12}, {5, 11}, {6, 12}, {5, 6}, {5, 7}, {6, 8},
                    {7, 9}, {8, 10}, {1, 2}, {0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}});

    /**
     * MPII: 16 joints, flip pairs (0,5) (1,4) (2,3) (10,15) (11,14) (12,13), upper body 7-15, lower 0-6. The skeleton
     * follows the official {@code parent_ids} of {@code mpii.py} (each joint to its parent, the thorax root omitted).
     */
    public static final KeypointSchema MPII = new KeypointSchema("mpii",
            List.of("r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle", "pelvis", "thorax", "upper_neck",
                    "head_top", "r_wrist", "r_elbow", "r_shoulder", "l_shoulder", "l_elbow", "l_wrist"),
            new int[][] {{0, 5}, {1, 4}, {2, 3}, {10, 15}, {11, 14}, {12, 13}},
            new int[] {7, 8, 9, 10, 11, 12, 13, 14, 15},
            new int[] {0, 1, 2, 3, 4, 5, 6},
            new int[][] {{0, 1}, {1, 2}, {2, 6}, {3, 6}, {3, 4}, {4, 5}, {6, 7}, {7, 8}, {8, 9}, {10, 11}, {11, 12},
                    {12, 7}, {13, 7}, {13, 14}, {14, 15}});

    private final String name;
    private final List<String> jointNames;
    private final int[][] flipPairs;
    private final int[] upperBody;
    private final int[] lowerBody;
    private final int[][] skeleton;
    private final int[] flipIndex;
    private final boolean[] upper;

    private KeypointSchema(String name, List<String> jointNames, int[][] flipPairs, int[] upperBody, int[] lowerBody,
                           int[][] skeleton) {
        this.name = name;
        this.jointNames = List.copyOf(jointNames);
        this.flipPairs = flipPairs;
        this.upperBody = upperBody;
        this.lowerBody = lowerBody;
        this.skeleton = skeleton;
        int k = jointNames.size();
        this.flipIndex = new int[k];
        for (int i = 0; i < k; i++) {
            flipIndex[i] = i;
        }
        for (int[] p : flipPairs) {
            flipIndex[p[0]] = p[1];
            flipIndex[p[1]] = p[0];
        }
        this.upper = new boolean[k];
        for (int u : upperBody) {
            upper[u] = true;
        }
    }

    /**
     * @param name {@code coco} or {@code mpii} (case-insensitive)
     * @return the schema
     * @throws IllegalArgumentException for any other name
     */
    public static KeypointSchema byName(String name) {
        if ("coco".equalsIgnoreCase(name)) {
            return COCO;
        }
        if ("mpii".equalsIgnoreCase(name)) {
            return MPII;
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "': expected coco or mpii");
    }

    /** @return {@code coco} or {@code mpii} */
    public String name() {
        return name;
    }

    /** @return K, the number of joints (17 COCO, 16 MPII) */
    public int numJoints() {
        return jointNames.size();
    }

    /** @return the joint names in index order */
    public List<String> jointNames() {
        return jointNames;
    }

    /** @return a copy of the flip pairs {@code [P][2]}, 0-based */
    public int[][] flipPairs() {
        return deepCopy(flipPairs);
    }

    /** @return for each joint the index of its mirror joint (itself when unpaired), length K */
    public int[] flipIndex() {
        return flipIndex.clone();
    }

    /** @return a copy of the upper-body joint indices */
    public int[] upperBody() {
        return upperBody.clone();
    }

    /** @return a copy of the lower-body joint indices */
    public int[] lowerBody() {
        return lowerBody.clone();
    }

    /**
     * @param joint a joint index
     * @return whether the joint belongs to the upper body (half-body augmentation)
     */
    public boolean isUpperBody(int joint) {
        return upper[joint];
    }

    /** @return a copy of the skeleton limbs {@code [L][2]}, 0-based joint indices */
    public int[][] skeleton() {
        return deepCopy(skeleton);
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public String toString() {
        return name + " (" + numJoints() + " joints, flip pairs " + Arrays.deepToString(flipPairs) + ")";
    }
}
