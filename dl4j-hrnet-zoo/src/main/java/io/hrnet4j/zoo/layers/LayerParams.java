package io.hrnet4j.zoo.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;

/**
 * The parameters of a custom layer as its own {@code defineParameters} declares them, so that the complexity counter,
 * the state-dict key list and the pure-SameDiff realisation never re-derive shapes on their own.
 */
public final class LayerParams {
    private LayerParams() {
    }

    /**
     * @param layer a configured layer (channels set), e.g. {@code new DySample.Builder().channels(64)...build()}
     * @return local parameter name to shape, in PyTorch module order (each {@code x.weight} followed by its
     *     {@code x.bias}), e.g. {@code fc1.weight [h, C], fc1.bias [h], fc2.weight [C, h], fc2.bias [C]}
     */
    public static Map<String, long[]> shapes(SameDiffLayer layer) {
        SDLayerParams p = new SDLayerParams();
        layer.defineParameters(p);
        Map<String, long[]> all = p.getParamShapes();
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String w : p.getWeightParameterKeys()) {
            out.put(w, all.get(w));
            String bias = w.endsWith(".weight") ? w.substring(0, w.length() - 7) + ".bias" : null;
            if (bias != null && all.containsKey(bias)) {
                out.put(bias, all.get(bias));
            }
        }
        all.forEach(out::putIfAbsent);
        return out;
    }
}
