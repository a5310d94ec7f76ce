package io.hrnet4j.zoo.arch;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Named architectures of the official experiment files: HRNet-W32 and W48 at 256x192 and 384x288 for COCO
 * (17 joints) and at 256x256 for MPII (16 joints). Names: {@code w32_256x192}, {@code w32_384x288},
 * {@code w48_256x192}, {@code w48_384x288}, {@code w32_256x256_mpii}, {@code w48_256x256_mpii}.
 */
public final class Presets {
    private static final Map<String, HRNetConfig> PRESETS = new LinkedHashMap<>();

    static {
        for (int w : new int[] {32, 48}) {
            PRESETS.put("w" + w + "_256x192", HRNetConfig.standard(w, 17, 256, 192));
            PRESETS.put("w" + w + "_384x288", HRNetConfig.standard(w, 17, 384, 288));
            PRESETS.put("w" + w + "_256x256_mpii", HRNetConfig.standard(w, 16, 256, 256));
        }
    }

    private Presets() {
    }

    /** @return preset name to configuration, in a stable order */
    public static Map<String, HRNetConfig> all() {
        return java.util.Collections.unmodifiableMap(PRESETS);
    }

    /**
     * @param name a preset name (case-insensitive)
     * @return the configuration
     * @throws InvalidConfigException listing the known names when the name is unknown
     */
    public static HRNetConfig get(String name) {
        HRNetConfig c = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new InvalidConfigException("unknown preset '" + name + "'; known: " + PRESETS.keySet());
        }
        return c;
    }
}
