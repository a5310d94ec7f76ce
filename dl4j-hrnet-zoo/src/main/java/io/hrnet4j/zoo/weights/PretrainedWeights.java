package io.hrnet4j.zoo.weights;

import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import java.util.Locale;
import java.util.Optional;

/**
 * The one table of published HRNet pose weights that {@code HRNet.initPretrained(PosePretrainedType)} downloads,
 * keyed by preset ({@link Presets}) and dataset. Every file is a PyTorch checkpoint that {@link StateDict#load}
 * reads as it is (official keys, LibreYOLO's metadata wrap {@code {'model': state_dict, ...}}, or mmpose 0.x
 * {@code {'meta', 'state_dict'}} with {@code backbone.} / {@code keypoint_head.} keys).
 * <p>
 * Verification ({@link #checksum()}): the full SHA-256 where it is published; otherwise the first 8 hex digits of the
 * SHA-256, which mmpose's model-zoo file names carry by construction (mmpose {@code tools/publish_model.py} appends
 * {@code sha256sum(file)[:8]} to the name, e.g. {@code hrnet_w32_coco_384x288-d9f0d786_20200708.pth}).
 * <ul>
 *   <li>W32 256x192 and W48 384x288 COCO: the official files ({@code pose_hrnet_w32_256x192.pth}, 114,721,619 bytes,
 *   SHA-256 {@code 19bc0837...c4c1c}; {@code pose_hrnet_w48_384x288.pth}, 255,061,287 bytes, {@code 95e0fec3...ef61})
 *   from the official model zoo (deep-high-resolution-net.pytorch, Google Drive / OneDrive, no stable direct URL),
 *   as mirrored with unchanged tensors inside LibreYOLO's metadata wrap on Hugging Face
 *   ({@code LibreYOLO/LibreHRNetw32-pose}, {@code LibreYOLO/LibreHRNetw48-pose}; full SHA-256 of the wrapped
 *   files);</li>
 *   <li>the other presets: the mmpose model zoo ({@code configs/body_2d_keypoint/topdown_heatmap/coco/hrnet_coco.yml},
 *   {@code .../mpii/hrnet_mpii.yml}), trained with the same recipe by mmpose (COCO AP 0.760 W32 384x288, 0.756 W48
 *   256x192; MPII PCKh 0.900 W32, 0.901 W48).</li>
 * </ul>
 * File sizes of the downloadable files are not published; a partial download is detected by the HTTP
 * {@code Content-Length} and the checksum.
 * <p>
 * Tests point an entry at another location with the system properties {@code hrnet4j.pretrained.<name>.url} and
 * {@code hrnet4j.pretrained.<name>.sha256} (both required, e.g. {@code hrnet4j.pretrained.w32_256x192_coco.url}).
 */
public enum PretrainedWeights {
    /** HRNet-W32 256x192 COCO, official weights (AP 0.744), LibreYOLO mirror. */
    W32_256X192_COCO("w32_256x192", PosePretrainedType.COCO,
            "https://huggingface.co/LibreYOLO/LibreHRNetw32-pose/resolve/main/LibreHRNetw32-pose.pt",
            "c9d8eb383e63ce795f87a3ee2f2b0c8aa0df9bae981573ec4b3909d63815a825"),
    /** HRNet-W32 384x288 COCO, mmpose (AP 0.760). */
    W32_384X288_COCO("w32_384x288", PosePretrainedType.COCO, "hrnet_w32_coco_384x288-d9f0d786_20200708.pth"),
    /** HRNet-W48 256x192 COCO, mmpose (AP 0.756). */
    W48_256X192_COCO("w48_256x192", PosePretrainedType.COCO, "hrnet_w48_coco_256x192-b9e0b3ab_20200708.pth"),
    /** HRNet-W48 384x288 COCO, official weights (AP 0.763), LibreYOLO mirror. */
    W48_384X288_COCO("w48_384x288", PosePretrainedType.COCO,
            "https://huggingface.co/LibreYOLO/LibreHRNetw48-pose/resolve/main/LibreHRNetw48-pose.pt",
            "ab85504f323c43babdcbed6550f759d323efd0ffc284a0593043e108cd3c4df5"),
    /** HRNet-W32 256x256 MPII, mmpose (PCKh 0.900). */
    W32_256X256_MPII("w32_256x256_mpii", PosePretrainedType.MPII, "hrnet_w32_mpii_256x256-6c4f923f_20200812.pth"),
    /** HRNet-W48 256x256 MPII, mmpose (PCKh 0.901). */
    W48_256X256_MPII("w48_256x256_mpii", PosePretrainedType.MPII, "hrnet_w48_mpii_256x256-92cab7bd_20200812.pth");

    /** System property prefix of the per-entry overrides ({@code <prefix><name>.url}, {@code .sha256}). */
    public static final String OVERRIDE_PREFIX = "hrnet4j.pretrained.";

    /** Where mmpose publishes its top-down HRNet checkpoints. */
    private static final String MMPOSE = "https://download.openmmlab.com/mmpose/top_down/hrnet/";

    private final String preset;
    private final PosePretrainedType type;
    private final String url;
    private final String checksum;

    PretrainedWeights(String preset, PosePretrainedType type, String url, String checksum) {
        this.preset = preset;
        this.type = type;
        this.url = url;
        this.checksum = checksum;
    }

    /**
     * An mmpose checkpoint: {@code <MMPOSE>/<file>}, checked by the 8-hex-digit SHA-256 prefix its name carries
     * ({@code name-<sha256[:8]>_<date>.pth}, mmpose's {@code publish_model}).
     */
    PretrainedWeights(String preset, PosePretrainedType type, String mmposeFile) {
        this(preset, type, MMPOSE + mmposeFile, mmposeChecksum(mmposeFile));
    }

    private static String mmposeChecksum(String file) {
        int dash = file.lastIndexOf('-');
        return file.substring(dash + 1, dash + 9);
    }

    /**
     * @param cfg an architecture
     * @param type the dataset
     * @return the entry whose preset is exactly {@code cfg} (same width, joints, input size and stages; not
     *     DE-HRNet) and whose dataset is {@code type}
     */
    public static Optional<PretrainedWeights> find(HRNetConfig cfg, PosePretrainedType type) {
        for (PretrainedWeights w : values()) {
            if (w.type == type && Presets.get(w.preset).equals(cfg)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /** @return e.g. {@code w32_256x192_coco}, the name used by the override properties */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the preset name, e.g. {@code w32_256x192} */
    public String preset() {
        return preset;
    }

    /** @return the dataset */
    public PosePretrainedType type() {
        return type;
    }

    /** @return the download URL (or the {@code hrnet4j.pretrained.<name>.url} override) */
    public String url() {
        String o = override("url");
        return o != null ? o : url;
    }

    /**
     * @return the expected SHA-256 as lower-case hex: 64 digits (full) or the 8-digit prefix of mmpose file names
     *     (or the {@code hrnet4j.pretrained.<name>.sha256} override)
     */
    public String checksum() {
        String o = override("sha256");
        return (o != null ? o : checksum).toLowerCase(Locale.ROOT);
    }

    /** @return whether {@link #checksum()} is the full SHA-256 (else an 8-hex-digit prefix) */
    public boolean fullChecksum() {
        return checksum().length() == 64;
    }

    private String override(String what) {
        String u = System.getProperty(OVERRIDE_PREFIX + id() + ".url");
        String s = System.getProperty(OVERRIDE_PREFIX + id() + ".sha256");
        if ((u == null) != (s == null)) {
            throw new IllegalStateException("set both " + OVERRIDE_PREFIX + id() + ".url and " + OVERRIDE_PREFIX
                    + id() + ".sha256, or neither");
        }
        return "url".equals(what) ? u : s;
    }
}
