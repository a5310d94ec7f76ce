package io.hrnet4j.zoo.weights;

import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Says which known architecture a state dict's shapes belong to, for the one-line hint of a weight mismatch: the
 * presets of {@link Presets} whose every state-dict shape ({@link Complexity#stateDictShapes()}, BN counters
 * optional) the file holds exactly, else the width and joint count read from the file's shapes (official key
 * names: {@code transition1.0.0.weight} is {@code [W, 256, 3, 3]}, {@code final_layer.weight} is
 * {@code [K, W, k, k]}), or the HRNet ImageNet classification layout ({@code incre_modules}, {@code classifier} of
 * the official {@code HRNet-Image-Classification} {@code cls_hrnet.py}).
 */
final class ArchitectureGuess {
    private ArchitectureGuess() {
    }

    /**
     * @param file key to shape of the file, official names
     * @return one line, e.g. {@code the file's shapes are those of preset w48_256x192 / w48_384x288 (HRNet-W48, 17
     *     joints; the input size is not stored in weights)}
     */
    static String describe(Map<String, long[]> file) {
        if (file.keySet().stream().anyMatch(k -> k.startsWith("incre_modules.") || k.startsWith("classifier."))) {
            Long w = dim(file, "transition1.0.0.weight", 0);
            return "the file is an HRNet" + (w == null ? "" : "-W" + w) + " ImageNet classification checkpoint"
                    + " (incre_modules, classifier): use it to initialise a backbone (BackboneInit), not as pose"
                    + " weights";
        }
        List<String> exact = new ArrayList<>();
        for (Map.Entry<String, HRNetConfig> p : Presets.all().entrySet()) {
            if (matches(Complexity.of(p.getValue()), file)) {
                exact.add(p.getKey());
            }
        }
        Long w = dim(file, "transition1.0.0.weight", 0);
        Long k = dim(file, "final_layer.weight", 0);
        String arch = (w == null ? "HRNet of unknown width" : "HRNet-W" + w) + (k == null ? "" : ", " + k + " joints");
        if (!exact.isEmpty()) {
            return "the file's shapes are those of preset " + String.join(" / ", exact) + " (" + arch
                    + "; the input size is not stored in weights)";
        }
        if (w == null && k == null) {
            return "the file's shapes match no known HRNet preset (no transition1 or final_layer key: not an HRNet"
                    + " pose state dict under official or mmpose names)";
        }
        return "the file's shapes match no known preset; they look like " + arch;
    }

    private static boolean matches(Complexity cx, Map<String, long[]> file) {
        int counted = 0;
        for (Map.Entry<String, long[]> e : cx.stateDictShapes().entrySet()) {
            Complexity.Kind kind = cx.owners().get(e.getKey()).kind();
            long[] s = file.get(e.getKey());
            if (kind == Complexity.Kind.COUNTER) {
                continue;
            }
            if (s == null || !Arrays.equals(s, e.getValue())) {
                return false;
            }
            counted++;
        }
        long fileParams = file.keySet().stream().filter(k -> !k.endsWith(StateDict.BATCH_COUNTER_SUFFIX)).count();
        return counted == fileParams;
    }

    private static Long dim(Map<String, long[]> file, String key, int d) {
        long[] s = file.get(key);
        return s == null || s.length <= d ? null : s[d];
    }
}
