package io.hrnet4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses the fastest ND4J CPU natives for this processor before ND4J loads: the oneDNN AVX-512 build where the
 * CPU has {@code avx512f}, the oneDNN AVX2 build where it has {@code avx2}, else the generic build. JavaCPP reads
 * the choice from the system property {@code org.bytedeco.javacpp.platform.extension}; a value set by the user
 * ({@code -Dorg.bytedeco.javacpp.platform.extension=...}, empty for the generic build) is kept.
 */
public final class NativeSelection {
    /** The JavaCPP property that selects a native variant (classifier suffix). */
    public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";

    private NativeSelection() {
    }

    /** Sets {@link #PROPERTY} from /proc/cpuinfo unless already set; call before any ND4J class loads. */
    public static void configure() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        String ext = detect();
        if (!ext.isEmpty()) {
            System.setProperty(PROPERTY, ext);
        }
    }

    /** @return {@code -onednn-avx512}, {@code -onednn-avx2} or the empty string for this CPU */
    public static String detect() {
        String arch = System.getProperty("os.arch", "");
        if (!(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "";
        }
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            if (info.contains(" avx512f")) {
                return "-onednn-avx512";
            }
            if (info.contains(" avx2")) {
                return "-onednn-avx2";
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }
}
