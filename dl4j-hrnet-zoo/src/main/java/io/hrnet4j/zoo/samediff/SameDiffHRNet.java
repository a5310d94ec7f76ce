package io.hrnet4j.zoo.samediff;

import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.HRNetTopology;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.listeners.records.LossCurve;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The pure SameDiff realisation of HRNet: one {@link SameDiff} graph holding the parameters (named by their
 * official state-dict keys; conv weights in the conv op's YXIO layout {@code [kH, kW, in, out]} under
 * {@code key + "/yxio"}, see {@link #variableOf}; {@link #stateDict()} and {@link #loadStateDict} convert from and to
 * PyTorch's layout exactly) and two paths over them, both generated from {@link HRNetTopology}:
 * <ul>
 *   <li>{@value #OUTPUT}: inference, BN with running statistics, heatmaps {@code [N, K, H/4, W/4]};</li>
 *   <li>{@value #OUTPUT_TRAIN} and the loss {@value #LOSS}: training, BN with batch statistics; the loss is the
 *       official JointsMSELoss {@code 0.5 * mean((w * (pred - gt))^2)} over {@code [N, K, H/4, W/4]}.</li>
 * </ul>
 * Placeholders: {@value #INPUT} {@code [N, 3, H, W]} (NCHW, normalised RGB), {@value #LABELS}
 * {@code [N, K, H/4, W/4]} target heatmaps, {@value #TARGET_WEIGHT} {@code [N, K, H/4, W/4]} target weights
 * broadcast over the heatmap (a DataSet's labels mask). {@link #fit} keeps the BN running statistics with
 * {@link BatchNormStatistics}.
 */
public final class SameDiffHRNet implements io.hrnet4j.zoo.PoseNetwork {
    /** Input placeholder name. */
    public static final String INPUT = "input";
    /** Target heatmaps placeholder name. */
    public static final String LABELS = "labels";
    /** Target weights placeholder name (labels mask). */
    public static final String TARGET_WEIGHT = "target_weight";
    /** Inference output name. */
    public static final String OUTPUT = "heatmaps";
    /** Training-path output name. */
    public static final String OUTPUT_TRAIN = "heatmaps_train";
    /** Loss variable name. */
    public static final String LOSS = "loss";
    /** The weighted difference {@code w * (pred - gt)} of the training path, {@code [N, K, H/4, W/4]}. */
    public static final String WEIGHTED_DIFF = "weighted_diff";
    private static final String TRAIN_PREFIX = "train/";
    private static final String INFER_PREFIX = "infer/";

    private final HRNetConfig config;
    private final SameDiff sd;
    private final BatchNormStatistics bnStats;
    private final LossTap lossTap = new LossTap();
    private PersistentTrainingSession session;
    private Set<String> trainable;

    private SameDiffHRNet(HRNetConfig config, SameDiff sd, List<String> bnKeys) {
        this.config = config;
        this.sd = sd;
        this.bnStats = new BatchNormStatistics(TRAIN_PREFIX, bnKeys);
    }

    /**
     * Builds the graph and initialises it as the official {@code init_weights}: conv weights N(0, 0.001), conv
     * biases 0, BN weight 1 and bias 0, running mean 0 and variance 1.
     *
     * @param config the architecture
     * @param seed seed of the weight initialisation
     * @param updater the training updater (e.g. Adam 1e-3)
     * @return the model
     */
    public static SameDiffHRNet create(HRNetConfig config, long seed, IUpdater updater) {
        SameDiff sd = SameDiff.create();
        SameDiffEmitter infer = new SameDiffEmitter(sd, SameDiffEmitter.Mode.INFERENCE, INFER_PREFIX, INPUT);
        HRNetTopology.emit(config, infer);
        infer.output().rename(OUTPUT);
        SameDiffEmitter train = new SameDiffEmitter(sd, SameDiffEmitter.Mode.TRAINING, TRAIN_PREFIX, INPUT);
        HRNetTopology.emit(config, train);
        SDVariable pred = train.output().rename(OUTPUT_TRAIN);
        int k = config.numJoints();
        int h = config.heatmapHeight();
        int w = config.heatmapWidth();
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, k, h, w);
        SDVariable weight = sd.placeHolder(TARGET_WEIGHT, DataType.FLOAT, -1, k, h, w);
        SDVariable diff = pred.sub(labels).mul(WEIGHTED_DIFF, weight);
        diff.mul(diff).mean().mul(LOSS, 0.5);
        sd.setLossVariables(LOSS);
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater).dataSetFeatureMapping(INPUT)
                .dataSetLabelMapping(LABELS).dataSetLabelMaskMapping(TARGET_WEIGHT).build());
        SameDiffHRNet m = new SameDiffHRNet(config, sd, train.bnKeys());
        m.initWeights(seed);
        return m;
    }

    private void initWeights(long seed) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        Map<String, long[]> shapes = Complexity.of(config).stateDictShapes();
        for (Map.Entry<String, Complexity.ParamRef> e : Complexity.of(config).owners().entrySet()) {
            Complexity.ParamRef r = e.getValue();
            if (r.kind() == Complexity.Kind.BUFFER || r.kind() == Complexity.Kind.COUNTER) {
                continue;
            }
            INDArray arr = sd.getArrForVarName(variableOf(e.getKey()));
            switch (r.kind()) {
                case CONV -> {
                    if ("weight".equals(r.local())) {
                        // drawn in PyTorch's layout (the same values as the graph realisation for one seed)
                        INDArray w = Nd4j.randn(0.0, 0.001, Nd4j.create(DataType.FLOAT, shapes.get(e.getKey())), rng);
                        arr.assign(isYxio(e.getKey()) ? SameDiffEmitter.toYxio(w) : w);
                    } else {
                        arr.assign(0);
                    }
                }
                case BN -> arr.assign("weight".equals(r.local()) || "running_var".equals(r.local()) ? 1 : 0);
                default -> initLayerParam(r, arr, shapes, rng);
            }
        }
    }

    /**
     * Initialises a custom-layer parameter as the DL4J layers do ({@code initializeParameters} of ECA, DEM and
     * DySample): DySample offset weight N(0, 0.001), offset bias and scope weight 0; SE / ECA weights and biases
     * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as PyTorch's {@code nn.Linear} / {@code nn.Conv1d} defaults.
     */
    private void initLayerParam(Complexity.ParamRef r, INDArray arr, Map<String, long[]> shapes, Random rng) {
        String local = r.local();
        if (local.equals(io.hrnet4j.zoo.layers.DySample.OFFSET_WEIGHT)) {
            arr.assign(Nd4j.randn(0.0, 0.001, arr.ulike(), rng));
        } else if (local.startsWith("offset.") || local.startsWith("scope.")) {
            arr.assign(0);
        } else {
            String weightKey = r.module() + "." + local.replace(".bias", ".weight");
            long[] ws = shapes.get(weightKey);
            long fanIn = ws.length == 3 ? ws[2] : ws[1];
            double bound = 1.0 / Math.sqrt(fanIn);
            arr.assign(Nd4j.rand(arr.ulike(), rng).muli(2 * bound).subi(bound));
        }
    }

    /** @return the architecture */
    @Override
    public HRNetConfig config() {
        return config;
    }

    /** @return the underlying graph (for listeners, evaluation, saving) */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * Inference with the running BN statistics.
     *
     * @param input {@code [N, 3, H, W]} float32, NCHW
     * @return heatmaps {@code [N, K, H/4, W/4]}
     * @throws IllegalArgumentException if the input shape does not match the configuration
     */
    @Override
    public INDArray output(INDArray input) {
        return infer(sd, config, input, OUTPUT);
    }

    /**
     * One inference call of a SameDiff realisation of a network whose input placeholder is {@value #INPUT}
     * (this class and {@link FoldedInference}).
     *
     * @param sd     the graph
     * @param config its architecture (the input is checked against it)
     * @param input  {@code [N, 3, H, W]}, NCHW, cast to float32 for the call
     * @param output the name of the heatmap variable
     * @return heatmaps {@code [N, K, H/4, W/4]}
     * @throws IllegalArgumentException if the input shape does not match the configuration
     */
    static INDArray infer(SameDiff sd, HRNetConfig config, INDArray input, String output) {
        io.hrnet4j.zoo.PoseNetwork.checkInput(config, input);
        return sd.outputSingle(Map.of(INPUT, input.castTo(DataType.FLOAT)), output);
    }

    /**
     * Trains for the given number of epochs (BN in training mode, running statistics updated), one optimizer step per
     * minibatch. The steps are those of M2.1's {@code SameDiff.fit} (the same gradient graph, ops, updater and update
     * order, so the same numbers bit for bit), executed by one {@link PersistentTrainingSession} kept across calls:
     * its array cache and op contexts serve every step, which bounds the off-heap memory of training by construction
     * instead of by garbage-collection timing, and saves the per-call session set-up of {@code SameDiff.fit}.
     * The training configuration's iteration count advances by one per step and its epoch count by one per epoch, as
     * in {@code SameDiff.fit}. Listeners see {@code operationStart}, {@code epochStart}, {@code iterationStart},
     * the op and activation callbacks, {@code iterationDone} (with loss 0: the session never runs the loss op, see
     * {@link LossRecorder}), {@code epochEnd} (with a loss curve of the JointsMSELoss) and {@code operationEnd}.
     *
     * @param iterator DataSets with features {@code [N, 3, H, W]}, labels {@code [N, K, H/4, W/4]} and labels
     *     mask (target weights) of the labels' shape
     * @param epochs number of passes (&gt; 1 needs an iterator that can be reset)
     * @param listeners extra listeners (score, checkpoint, ...)
     * @return the mean JointsMSELoss {@code 0.5 * mean((w * (pred - gt))^2)} of the steps of the last epoch
     *     (NaN when the iterator was empty)
     * @throws IllegalArgumentException if a minibatch has no labels mask, or {@code epochs < 1}
     */
    public double fit(DataSetIterator iterator, int epochs, Listener... listeners) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        prepareTraining();
        SameDiff grad = sd.getFunction("grad");
        if (session == null) {
            session = new PersistentTrainingSession(grad);
            trainable = new LinkedHashSet<>();
            for (SDVariable v : sd.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    trainable.add(v.name());
                }
            }
        }
        TrainingConfig tc = sd.getTrainingConfig();
        grad.setTrainingConfig(tc);
        Map<String, GradientUpdater> updaters = updaters();
        List<Listener> all = new ArrayList<>();
        all.add(bnStats);
        all.add(lossTap);
        all.addAll(Arrays.asList(listeners));
        for (Listener l : sd.getListeners()) {
            if (!all.contains(l)) {
                all.add(l);
            }
        }
        all.removeIf(l -> !l.isActive(Operation.TRAINING));
        At at = At.builder().epoch(tc.getEpochCount()).iteration(tc.getIterationCount()).trainingThreadNum(0)
                .javaThreadNum(Thread.currentThread().getId()).operation(Operation.TRAINING).build();
        for (Listener l : all) {
            l.operationStart(grad, Operation.TRAINING);
        }
        double mean = Double.NaN;
        for (int e = 0; e < epochs; e++) {
            if (e > 0) {
                iterator.reset();
            }
            at.setEpoch(tc.getEpochCount());
            for (Listener l : all) {
                l.epochStart(sd, at);
            }
            long start = System.currentTimeMillis();
            double sum = 0;
            int count = 0;
            while (iterator.hasNext()) {
                sum += step(iterator.next(), tc, updaters, all, at);
                count++;
            }
            mean = count == 0 ? Double.NaN : sum / count;
            LossCurve curve = new LossCurve(new double[] {mean}, List.of(LOSS));
            for (Listener l : all) {
                l.epochEnd(sd, at, curve, System.currentTimeMillis() - start);
            }
            tc.incrementEpochCount();
        }
        for (Listener l : all) {
            l.operationEnd(grad, Operation.TRAINING);
        }
        return mean;
    }

    private double step(DataSet ds, TrainingConfig tc, Map<String, GradientUpdater> updaters, List<Listener> all,
                        At at) {
        if (ds.getLabelsMaskArray() == null) {
            throw new IllegalArgumentException("training minibatch has no labels mask (the target weights "
                    + TARGET_WEIGHT + ", shape of the labels " + Arrays.toString(ds.getLabels().shape()) + ")");
        }
        Map<String, INDArray> placeholders = Map.of(INPUT, ds.getFeatures(), LABELS, ds.getLabels(),
                TARGET_WEIGHT, ds.getLabelsMaskArray());
        org.nd4j.linalg.dataset.api.MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {ds.getFeatures()}, new INDArray[] {ds.getLabels()}, null,
                new INDArray[] {ds.getLabelsMaskArray()});
        at.setIteration(tc.getIterationCount());
        for (Listener l : all) {
            l.iterationStart(sd, at, batch, 0);
        }
        lossTap.loss = Double.NaN;
        session.trainingIteration(tc, placeholders, trainable, updaters, batch, sd.getLossVariables(), all, at);
        session.releaseStepOutputs(placeholders.values());
        tc.incrementIterationCount();
        return lossTap.loss;
    }

    /**
     * @return the Adam (or other) updater state of every trainable variable, by variable name, created on first use
     *     (as {@code SameDiff.fit} does on its first step)
     * @throws IllegalStateException if this ND4J version's {@code SameDiff} cannot initialise its updaters
     */
    public Map<String, GradientUpdater> updaters() {
        if (!sd.isInitializedTraining()) {
            try {
                java.lang.reflect.Method m = SameDiff.class.getDeclaredMethod("initializeTraining");
                m.setAccessible(true);
                m.invoke(sd);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot initialise the SameDiff updater state: " + e, e);
            }
        }
        return sd.getUpdaterMap();
    }

    /**
     * Frees the arrays the training session keeps for the next step (activations, gradients and temporaries of a
     * step, a few hundred MB for W32 at batch 8). The next {@link #fit} starts a new session. Idempotent.
     */
    public void releaseTrainingMemory() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** Records the JointsMSELoss of a step from the weighted difference (see {@link LossRecorder}). */
    private static final class LossTap extends BaseListener {
        private double loss = Double.NaN;

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void activationAvailable(SameDiff sd, At at, org.nd4j.linalg.dataset.api.MultiDataSet batch,
                                        SameDiffOp op, String varName, INDArray activation) {
            if (WEIGHTED_DIFF.equals(varName)) {
                loss = jointsMseLoss(activation);
            }
        }
    }

    private static double jointsMseLoss(INDArray weightedDiff) {
        try (INDArray sq = weightedDiff.mul(weightedDiff)) {
            return 0.5 * sq.meanNumber().doubleValue();
        }
    }

    /**
     * Builds the gradient graph now (it is otherwise built by the first {@link #fit}), with {@code System.out} muted:
     * M2.1's {@code SameDiff.createGradFunction} prints one "Added differentiated op" line per op to stdout
     * (thousands for a W32 network), which would corrupt the output of command-line tools. Idempotent.
     */
    public void prepareTraining() {
        if (sd.getFunction("grad") != null) {
            return;
        }
        java.io.PrintStream out = System.out;
        synchronized (System.class) {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(out);
            }
        }
    }

    /**
     * @param onIteration called with each training iteration's loss (may be null)
     * @return a listener recording the loss of every {@code fit} iteration (see {@link LossRecorder})
     */
    public static LossRecorder lossRecorder(java.util.function.DoubleConsumer onIteration) {
        return new LossRecorder(WEIGHTED_DIFF, SameDiffHRNet::jointsMseLoss, onIteration);
    }

    /** @return the listener that keeps the BN running statistics; add it when calling {@code sameDiff().fit} directly */
    public Listener batchNormStatistics() {
        return bnStats;
    }

    /**
     * Copies an official state dict into the graph (strict: every key of the architecture present with its exact
     * shape; {@code num_batches_tracked} optional and ignored).
     *
     * @param stateDict key to array
     * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped key; nothing is written then
     */
    public void loadStateDict(Map<String, INDArray> stateDict) {
        Complexity cx = Complexity.of(config);
        Map<String, long[]> shapes = cx.stateDictShapes();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            INDArray v = stateDict.get(e.getKey());
            Complexity.Kind kind = cx.owners().get(e.getKey()).kind();
            if (kind == Complexity.Kind.COUNTER || kind == Complexity.Kind.BUFFER && v == null) {
                continue;
            }
            if (kind == Complexity.Kind.BUFFER && Arrays.equals(v.shape(), e.getValue())) {
                INDArray expected = io.hrnet4j.zoo.graph.GraphWeights.initPos(config, e.getValue());
                if (v.castTo(DataType.FLOAT).sub(expected).amaxNumber().doubleValue() > 1e-6) {
                    problems.add(e.getKey() + ": differs from the fixed DySample init_pos of this configuration");
                }
                continue;
            }
            if (v == null) {
                problems.add(e.getKey() + ": missing");
            } else if (!Arrays.equals(v.shape(), e.getValue())) {
                problems.add(e.getKey() + ": shape " + Arrays.toString(v.shape()) + ", expected "
                        + Arrays.toString(e.getValue()));
            }
        }
        for (String k : stateDict.keySet()) {
            if (!shapes.containsKey(k)) {
                problems.add(k + ": unexpected");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("state dict does not fit " + config + ": " + String.join("; ", problems));
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Complexity.Kind kind = cx.owners().get(e.getKey()).kind();
            if (kind != Complexity.Kind.COUNTER && kind != Complexity.Kind.BUFFER) {
                INDArray v = stateDict.get(e.getKey()).castTo(DataType.FLOAT);
                sd.getArrForVarName(variableOf(e.getKey())).assign(isYxio(e.getKey()) ? SameDiffEmitter.toYxio(v) : v);
            }
        }
    }

    /** @return the weights as an official state dict (copies, float32; num_batches_tracked 0), official order */
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        Complexity cx = Complexity.of(config);
        for (Map.Entry<String, long[]> e : cx.stateDictShapes().entrySet()) {
            String k = e.getKey();
            out.put(k, switch (cx.owners().get(k).kind()) {
                case COUNTER -> Nd4j.scalar(DataType.LONG, 0L);
                case BUFFER -> io.hrnet4j.zoo.graph.GraphWeights.initPos(config, e.getValue());
                default -> isYxio(k) ? SameDiffEmitter.toOiyx(sd.getArrForVarName(variableOf(k)))
                        : sd.getArrForVarName(k).dup();
            });
        }
        return out;
    }

    /**
     * @param stateKey an official state-dict key
     * @return the graph variable holding it: {@code stateKey + "/yxio"} for the conv weights emitted by
     *     {@link SameDiffEmitter#conv} (YXIO layout {@code [kH, kW, in, out]}), else {@code stateKey} itself
     */
    public String variableOf(String stateKey) {
        return isYxio(stateKey) ? stateKey + SameDiffEmitter.YXIO_SUFFIX : stateKey;
    }

    private boolean isYxio(String stateKey) {
        return stateKey.endsWith(".weight") && sd.hasVariable(stateKey + SameDiffEmitter.YXIO_SUFFIX);
    }

    /**
     * Saves the graph with its updater state (SameDiff FlatBuffers format).
     *
     * @param file destination
     * @throws IOException if writing fails
     */
    public void save(File file) throws IOException {
        sd.save(file, true);
    }
}
