package io.hrnet4j.zoo;

import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.graph.GraphWeights;
import io.hrnet4j.zoo.weights.CheckpointFormatException;
import io.hrnet4j.zoo.weights.PosePretrainedType;
import io.hrnet4j.zoo.weights.PretrainedStore;
import io.hrnet4j.zoo.weights.PretrainedWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.hrnet4j.zoo.arch.HRNetTopology;
import io.hrnet4j.zoo.graph.GraphEmitter;
import io.hrnet4j.zoo.graph.layers.NativeConvolution;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.ZooType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * HRNet (Sun et al., "Deep High-Resolution Representation Learning for Human Pose Estimation", CVPR 2019) as a
 * DL4J zoo model. {@code new HRNet.Builder().width(32).numJoints(17).inputShape(3, 256, 192).build().init()} gives
 * a {@link ComputationGraph} with input {@code [N, 3, 256, 192]} (NCHW, RGB normalised with ImageNet mean/std) and
 * output heatmaps {@code [N, 17, 64, 48]}; vertex names are the official state-dict keys (official {@code lib/models/pose_hrnet.py}, {@code PoseHighResolutionNet}).
 *
 * <p>Defaults follow the official recipe ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}): W32,
 * 17 joints, 256x192, Adam 1e-3. {@link #setInputShape(int[][])} takes {@code {{channels, height, width}}}.
 * The pure SameDiff realisation of the same network is {@link #initSameDiff()}; official PyTorch weights load with
 * {@code io.hrnet4j.zoo.weights}; the published weights of the presets download with
 * {@link #initPretrained(PosePretrainedType)} (table: {@link PretrainedWeights}).
 */
public class HRNet extends ZooModel<HRNet> {
    private HRNetConfig config;
    private final long seed;
    private final IUpdater updater;
    private final WorkspaceMode workspaceMode;
    private final CacheMode cacheMode;

    /**
     * @param builder the builder
     */
    protected HRNet(AbstractBuilder<?> builder) {
        this.config = builder.resolveConfig();
        this.seed = builder.seed;
        this.updater = builder.updater;
        this.workspaceMode = builder.workspaceMode;
        this.cacheMode = builder.cacheMode;
    }

    /** @return the architecture description this model builds */
    public HRNetConfig config() {
        return config;
    }

    /** @return the graph configuration (not initialised) */
    public ComputationGraphConfiguration conf() {
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(seed)
                .updater(updater).trainingWorkspaceMode(workspaceMode).inferenceWorkspaceMode(workspaceMode)
                .cacheMode(cacheMode).graphBuilder();
        GraphEmitter e = new GraphEmitter(gb);
        HRNetTopology.emit(config, e);
        return e.builder().build();
    }

    /**
     * Builds and initialises the graph (weights N(0, 0.001) as the official {@code init_weights}). Convolutions,
     * batch norms (with their ReLU fused) and residual / fuse sums run on libnd4j's native ops (oneDNN on CPU)
     * through the layers of {@code io.hrnet4j.zoo.graph.layers}; see {@link GraphEmitter}.
     *
     * @return the initialised {@link ComputationGraph}
     */
    @Override
    @SuppressWarnings("unchecked")
    public ComputationGraph init() {
        ComputationGraph g = new ComputationGraph(conf());
        g.init();
        NativeConvolution.linkFolding(g); // every output() call, the first included, folds BN into the convolution
        return g;
    }

    /**
     * Builds the pure SameDiff realisation (training and inference outputs on shared parameters), initialised
     * with the same seed.
     *
     * @return the SameDiff model
     */
    public io.hrnet4j.zoo.samediff.SameDiffHRNet initSameDiff() {
        return io.hrnet4j.zoo.samediff.SameDiffHRNet.create(config, seed, updater);
    }

    /**
     * Builds the graph and loads official HRNet weights (e.g. {@code pose_hrnet_w32_256x192.pth}) from a local
     * file, with no Python: PyTorch zip or legacy checkpoints, plain or wrapped ({@code state_dict},
     * {@code module.}), or NumPy {@code .npz}. The dict is checked strictly before anything is loaded.
     *
     * @param weights the checkpoint file
     * @return the initialised graph holding those weights
     * @throws io.hrnet4j.zoo.weights.WeightMismatchException listing every missing, unexpected or mis-shaped key
     * @throws io.hrnet4j.zoo.weights.CheckpointFormatException if the file is truncated or not a checkpoint
     * @throws IOException if the file cannot be read
     */
    public ComputationGraph initPretrained(Path weights) throws IOException {
        Map<String, INDArray> sd =
                PoseNetworks.loadStateDict(config, weights).asMap();
        ComputationGraph g = init();
        GraphWeights.load(config, g, sd);
        return g;
    }

    /**
     * Like {@link #initPretrained(Path)}, from a URL (downloaded once into the DL4J zoo-model cache
     * folder for {@link #modelName()}, verified by SHA-256; a corrupt or mismatched download is deleted and
     * reported) or a local path.
     *
     * @param location an http(s) URL, a {@code file:} URI or a local path
     * @param sha256 the expected SHA-256 (hex); required for URLs
     * @return the initialised graph holding those weights
     * @throws IOException on download, checksum or format errors (typed, see {@code io.hrnet4j.zoo.weights})
     */
    public ComputationGraph initPretrained(String location, String sha256) throws IOException {
        return initPretrained(PretrainedStore.forZooModel(modelName())
                .resolve(location, sha256));
    }

    /**
     * The SameDiff realisation holding official weights (see {@link #initPretrained(Path)}).
     *
     * @param weights the checkpoint file
     * @return the SameDiff model
     * @throws IOException as {@link #initPretrained(Path)}
     */
    public io.hrnet4j.zoo.samediff.SameDiffHRNet initSameDiffPretrained(Path weights)
            throws IOException {
        Map<String, INDArray> sd =
                PoseNetworks.loadStateDict(config, weights).asMap();
        io.hrnet4j.zoo.samediff.SameDiffHRNet m = initSameDiff();
        m.loadStateDict(sd);
        return m;
    }

    /**
     * Downloads (once, into the DL4J zoo-model cache {@code DL4JResources.getDirectory(ResourceType.ZOO_MODEL,
     * modelName())}, by default {@code ~/.deeplearning4j/models/<modelName>/}) the published weights of this preset
     * for the dataset, verifies their SHA-256 (full, or the 8-digit prefix of mmpose file names; see
     * {@link PretrainedWeights}) and builds the graph holding them. A partial or corrupt download is deleted and
     * reported; a corrupt cached copy is deleted and downloaded again.
     *
     * @param type COCO (17 joints) or MPII (16 joints)
     * @return the initialised graph, input {@code [N, 3, H, W]}, output heatmaps {@code [N, K, H/4, W/4]}
     * @throws UnsupportedOperationException if no weights are published for this architecture and dataset (names the
     *     presets that have them)
     * @throws CheckpointFormatException if the file is corrupt, or (reason
     *     {@link CheckpointFormatException.Reason#CHECKSUM}) the downloaded file's SHA-256 differs (it is deleted)
     * @throws IOException on an HTTP error or a truncated transfer (naming the URL)
     */
    public ComputationGraph initPretrained(PosePretrainedType type) throws IOException {
        return initPretrained(downloadPretrained(type));
    }

    /**
     * The SameDiff realisation holding the published weights (see {@link #initPretrained(PosePretrainedType)}).
     *
     * @param type COCO or MPII
     * @return the SameDiff model
     * @throws IOException as {@link #initPretrained(PosePretrainedType)}
     */
    public io.hrnet4j.zoo.samediff.SameDiffHRNet initSameDiffPretrained(PosePretrainedType type) throws IOException {
        return initSameDiffPretrained(downloadPretrained(type));
    }

    /**
     * The zoo's no-argument form: the published weights of this preset's dataset (MPII for 16 joints, else COCO).
     *
     * @return the initialised graph
     * @throws IOException as {@link #initPretrained(PosePretrainedType)}
     */
    @Override
    public ComputationGraph initPretrained() throws IOException {
        return initPretrained(config.numJoints() == 16 ? PosePretrainedType.MPII : PosePretrainedType.COCO);
    }

    /**
     * DL4J's {@link PretrainedType} has no pose dataset and no DL4J-format HRNet file is published.
     *
     * @throws UnsupportedOperationException always, pointing to {@link #initPretrained(PosePretrainedType)}
     */
    @Override
    public <M extends org.deeplearning4j.nn.api.Model> M initPretrained(PretrainedType pretrainedType) {
        throw new UnsupportedOperationException("no " + pretrainedType + " weights for " + modelName()
                + ": HRNet pose weights are published for COCO and MPII; use initPretrained(PosePretrainedType.COCO)"
                + " or initPretrained(PosePretrainedType.MPII)");
    }

    /**
     * @param type COCO or MPII
     * @return the download URL of this preset's published weights, or null when none are published
     */
    public String pretrainedUrl(PosePretrainedType type) {
        return PretrainedWeights.find(config, type).map(PretrainedWeights::url).orElse(null);
    }

    /**
     * @param type COCO or MPII
     * @return the expected SHA-256, lower-case hex (64 digits, or the 8-digit prefix of mmpose file names), or null
     *     when no weights are published
     */
    public String pretrainedChecksum(PosePretrainedType type) {
        return PretrainedWeights.find(config, type).map(PretrainedWeights::checksum).orElse(null);
    }

    /**
     * @param type COCO or MPII
     * @return whether weights are published for this exact preset and dataset ({@link PretrainedWeights})
     */
    public boolean pretrainedAvailable(PosePretrainedType type) {
        return PretrainedWeights.find(config, type).isPresent();
    }

    /** @return null: no DL4J-format file; see {@link #pretrainedUrl(PosePretrainedType)} */
    @Override
    public String pretrainedUrl(PretrainedType pretrainedType) {
        return null;
    }

    /** @return 0: no DL4J-format file (DL4J's Adler-32 convention); see {@link #pretrainedChecksum(PosePretrainedType)} */
    @Override
    public long pretrainedChecksum(PretrainedType pretrainedType) {
        return 0L;
    }

    private Path downloadPretrained(PosePretrainedType type) throws IOException {
        PretrainedWeights w = PretrainedWeights.find(config, type).orElseThrow(() -> new UnsupportedOperationException(
                "no published " + type + " weights for " + PoseNetworks.describe(config) + "; published: "
                        + java.util.Arrays.stream(PretrainedWeights.values()).map(PretrainedWeights::id).toList()
                        + " (load other weights with initPretrained(Path))"));
        return PretrainedStore.forZooModel(modelName()).fetch(java.net.URI.create(w.url()), w.checksum());
    }

    /** @return e.g. {@code hrnet_w32_17j_256x192} */
    @Override
    public String modelName() {
        return (config.isDeHrnet() ? "dehrnet" : "hrnet") + "_w" + config.width() + "_" + config.numJoints() + "j_"
                + config.inputHeight() + "x" + config.inputWidth();
    }

    @Override
    public Class<ComputationGraph> modelType() {
        return ComputationGraph.class;
    }

    /** @return input shape {@code {{3, H, W}}}, one output */
    @Override
    public ModelMetaData metaData() {
        return new ModelMetaData(new int[][] {{3, config.inputHeight(), config.inputWidth()}}, 1, ZooType.CNN);
    }

    /**
     * @param inputShape {@code {{channels, height, width}}}; channels must be 3
     * @throws IllegalArgumentException for another channel count or a size the network cannot take
     */
    @Override
    public void setInputShape(int[][] inputShape) {
        if (inputShape == null || inputShape.length != 1 || inputShape[0].length != 3) {
            throw new IllegalArgumentException("input shape must be {{channels, height, width}}");
        }
        if (inputShape[0][0] != 3) {
            throw new IllegalArgumentException("HRNet takes 3 input channels (RGB), got " + inputShape[0][0]);
        }
        config = config.withInputSize(inputShape[0][1], inputShape[0][2]);
    }

    /** Builder of {@link HRNet} with the official defaults (see {@link AbstractBuilder}). */
    public static class Builder extends AbstractBuilder<Builder> {
    }

    /**
     * Shared builder of HRNet and DE-HRNet with the official defaults: W32, 17 joints, input 3x256x192, seed 1234,
     * Adam 1e-3, workspaces ENABLED, no cache.
     *
     * @param <B> self type
     */
    public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {
        int width = 32;
        int numJoints = 17;
        int height = 256;
        int widthPx = 192;
        HRNetConfig config;
        long seed = 1234;
        IUpdater updater = new Adam(1e-3);
        WorkspaceMode workspaceMode = WorkspaceMode.ENABLED;
        CacheMode cacheMode = CacheMode.NONE;

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** @param w HRNet width W (32, 48, ...) @return this */
        public B width(int w) {
            this.width = w;
            return self();
        }

        /** @param k number of joints (17 COCO, 16 MPII) @return this */
        public B numJoints(int k) {
            this.numJoints = k;
            return self();
        }

        /**
         * @param channels must be 3
         * @param height input height, pixels
         * @param width input width, pixels
         * @return this
         */
        public B inputShape(int channels, int height, int width) {
            if (channels != 3) {
                throw new IllegalArgumentException("HRNet takes 3 input channels (RGB), got " + channels);
            }
            this.height = height;
            this.widthPx = width;
            return self();
        }

        /** @param cfg a complete architecture (overrides width, joints and input shape) @return this */
        public B config(HRNetConfig cfg) {
            this.config = cfg;
            return self();
        }

        /** @param s random seed of the weight initialisation @return this */
        public B seed(long s) {
            this.seed = s;
            return self();
        }

        /** @param u the updater (default Adam 1e-3, the official recipe) @return this */
        public B updater(IUpdater u) {
            this.updater = u;
            return self();
        }

        /** @param m workspace mode for training and inference @return this */
        public B workspaceMode(WorkspaceMode m) {
            this.workspaceMode = m;
            return self();
        }

        /** @param m cache mode @return this */
        public B cacheMode(CacheMode m) {
            this.cacheMode = m;
            return self();
        }

        HRNetConfig resolveConfig() {
            return config != null ? config : HRNetConfig.standard(width, numJoints, height, widthPx);
        }

        /** @return the model */
        public HRNet build() {
            return new HRNet(this);
        }
    }
}
