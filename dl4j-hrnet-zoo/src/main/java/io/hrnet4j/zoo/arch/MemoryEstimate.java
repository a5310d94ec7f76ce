package io.hrnet4j.zoo.arch;

import java.util.List;
import java.util.Locale;

/**
 * A closed-form memory estimate of an HRNet architecture, computed from the configuration alone (no graph is
 * built, so a {@code NUM_MODULES: 1000000} or a 100000x100000 input is refused in microseconds): the parameter count
 * of the official {@code PoseHighResolutionNet} (stem, layer1, transitions, stage modules with their fuse layers,
 * final layer; BatchNorm counted with its 4 per-channel tensors; the DE-HRNet modules are not counted, they add a
 * few percent) and the float32 activations of one sample (every convolution output).
 *
 * <ul>
 *   <li>{@link #inferenceBytes(int)} is a lower bound of one forward pass: the parameters, the input batch and the
 *       two largest activations that must coexist (the first convolution's input and output).</li>
 *   <li>{@link #trainingBytes(int)} is an estimate of the resident memory a training run needs: the process's
 *       fixed footprint ({@link #TRAINING_BASE_BYTES}), parameters, gradients and Adam's two moments (4x the
 *       parameters), and {@link #TRAINING_ARRAYS_PER_ACTIVATION} float32 arrays per convolution output element kept
 *       or produced by the forward and backward passes (convolution, BatchNorm and ReLU outputs and their
 *       gradients). Calibrated against the peak RSS of {@code hrnet train} (SameDiff backend, ND4J 1.0.0-M2.1 CPU,
 *       2 cores, synthetic data), see {@link #TRAINING_ARRAYS_PER_ACTIVATION}.</li>
 * </ul>
 *
 * @param parameters number of parameters and BatchNorm statistics
 * @param activationsPerSample float32 elements of all convolution outputs of one sample
 * @param largestPairPerSample float32 elements of the input plus the largest single activation of one sample
 * @param largestStage the stage with the most parameters (e.g. {@code "STAGE3 (NUM_MODULES 4)"}), or {@code "layer1"}
 * @param largestStageParameters its parameter count
 * @param inputHeight input height, pixels
 * @param inputWidth input width, pixels
 */
public record MemoryEstimate(double parameters, double activationsPerSample, double largestPairPerSample,
                             String largestStage, double largestStageParameters, int inputHeight, int inputWidth) {

    /**
     * The estimate of a configuration whose fields {@link HRNetConfig} has already checked for consistency.
     *
     * @param numJoints K
     * @param inputHeight input height, pixels
     * @param inputWidth input width, pixels
     * @param stem stem channels
     * @param layer1Blocks Bottlenecks in layer1
     * @param layer1Planes their planes
     * @param stages stage 2..4
     * @param finalConvKernel final layer kernel
     * @return the estimate
     */
    static MemoryEstimate of(int numJoints, int inputHeight, int inputWidth, int stem, int layer1Blocks,
                             int layer1Planes, List<StageConfig> stages, int finalConvKernel) {
        double hw = (double) inputHeight * inputWidth;
        double params = conv(3, stem, 3) + bn(stem) + conv(stem, stem, 3) + bn(stem);
        double acts = stem * hw / 4 + stem * hw / 16;
        double largest = Math.max(stem * hw / 4, stem * hw / 16);
        // layer1: Bottlenecks of layer1Planes planes (official _make_layer(Bottleneck, 64, 4))
        double p = layer1Planes;
        double l1 = 0;
        double in = stem;
        double r0 = hw / 16;
        for (int b = 0; b < layer1Blocks; b++) {
            l1 += conv(in, p, 1) + bn(p) + conv(p, p, 3) + bn(p) + conv(p, 4 * p, 1) + bn(4 * p);
            acts += (p + p + 4 * p) * r0;
            if (in != 4 * p) {
                l1 += conv(in, 4 * p, 1) + bn(4 * p);
                acts += 4 * p * r0;
            }
            in = 4 * p;
        }
        largest = Math.max(largest, 4 * p * r0);
        params += l1;
        String biggest = "layer1";
        double biggestParams = l1;
        double[] prev = {4 * p};
        for (int s = 0; s < stages.size(); s++) {
            StageConfig st = stages.get(s);
            int nb = st.numBranches();
            double[] out = new double[nb];
            for (int b = 0; b < nb; b++) {
                out[b] = (double) st.numChannels()[b] * st.block().expansion();
            }
            double stageParams = 0;
            // transition: 3x3 convs to the new widths and to the new branch (official _make_transition_layer)
            for (int b = 0; b < nb; b++) {
                double from = b < prev.length ? prev[b] : prev[prev.length - 1];
                if (b >= prev.length || from != out[b]) {
                    stageParams += conv(from, out[b], 3) + bn(out[b]);
                    acts += out[b] * r0 / Math.pow(4, b);
                }
            }
            double module = 0;
            double moduleActs = 0;
            double fuse = 0;
            double fuseActs = 0;
            double fuse0 = 0;
            double fuse0Acts = 0;
            for (int b = 0; b < nb; b++) {
                double c = out[b];
                double nc = st.numChannels()[b];
                double rb = r0 / Math.pow(4, b);
                int blocks = st.numBlocks()[b];
                if (st.block() == BlockType.BASIC) {
                    module += blocks * (2 * conv(nc, nc, 3) + 2 * bn(nc));
                    moduleActs += blocks * 2 * nc * rb;
                } else {
                    module += blocks * (conv(c, nc, 1) + conv(nc, nc, 3) + conv(nc, c, 1) + 2 * bn(nc) + bn(c));
                    moduleActs += blocks * (nc + nc + c) * rb;
                }
                for (int j = 0; nb > 1 && j < nb; j++) {
                    double f = 0;
                    if (j > b) {
                        f = conv(out[j], c, 1) + bn(c);
                    } else if (j < b) {
                        f = (b - j - 1) * (conv(out[j], out[j], 3) + bn(out[j])) + conv(out[j], c, 3) + bn(c);
                    }
                    fuse += f;
                    fuseActs += j != b ? c * rb : 0;
                    if (b == 0) {
                        fuse0 += f;
                        fuse0Acts += j != b ? c * rb : 0;
                    }
                }
            }
            // the last module of the last stage fuses into branch 0 only (official multi_scale_output=False)
            int full = s == stages.size() - 1 ? st.numModules() - 1 : st.numModules();
            stageParams += st.numModules() * module + full * fuse + (st.numModules() - full) * fuse0;
            acts += st.numModules() * moduleActs + full * fuseActs + (st.numModules() - full) * fuse0Acts;
            params += stageParams;
            if (stageParams > biggestParams) {
                biggestParams = stageParams;
                biggest = "STAGE" + (s + 2) + " (NUM_MODULES " + st.numModules() + ")";
            }
            prev = out;
        }
        params += conv(prev[0], numJoints, finalConvKernel) + numJoints;
        acts += numJoints * r0;
        return new MemoryEstimate(params, acts, 3 * hw + largest, biggest, biggestParams, inputHeight, inputWidth);
    }

    /**
     * Fixed resident memory of a training process besides the network's arrays, bytes: the JVM and its heap in use,
     * ND4J's and OpenCV's native libraries, the data pipeline's decoded images and prefetched batches. Measured: 342
     * MiB after the first step of the small W16 128x96 network at batch 8, 577 MiB at batch 32; set so that the
     * calibrated estimate meets the measured peaks below.
     */
    public static final double TRAINING_BASE_BYTES = 0.7 * (1L << 30);

    /**
     * float32 arrays per convolution output element of a training step (forward outputs of convolution, BatchNorm
     * and ReLU, their gradients, and the garbage ND4J frees only at the next garbage collection). Calibrated with
     * {@code hrnet train --max-iterations N --rss-every 1} under a stated {@code HRNET_MEMORY} (SameDiff backend,
     * ND4J 1.0.0-M2.1 CPU with oneDNN, 2 cores shared with other jobs):
     * <ul>
     *   <li>HRNet-W32 256x192, batch 2: peak RSS 3.01 GiB under a 4 GiB budget, but it also trains under a 2 GiB
     *       budget (peak 2.08 GiB: JavaCPP's {@code maxphysicalbytes} forces garbage collections, which free
     *       ND4J's dead arrays) - estimate 1.9 GiB;</li>
     *   <li>small W16 128x96 (the embedded default's network), batch 8: peak 0.89 GiB under 3 GiB - estimate 0.75
     *       GiB; batch 32: peak 1.26 GiB under 3 GiB, 1.42 GiB under 1.5 GiB (where it trains), 2.4-4.3 GiB with
     *       the default budget's 5.9 GiB heap (no budget pressure) - estimate 0.91 GiB.</li>
     * </ul>
     * The estimate thus targets the smallest budget a run works in, not the peak of a run with memory to spare
     * (which grows with the Java heap, since ND4J frees arrays only when the garbage collector finds them dead): it
     * admits a run that fits and refuses one needing well over the budget (at 4096x4096, or W32 at batch 64 under
     * 8 GiB), not one at the margin.
     */
    public static final double TRAINING_ARRAYS_PER_ACTIVATION = 5;

    private static double conv(double in, double out, int k) {
        return in * out * k * k;
    }

    private static double bn(double c) {
        return 4 * c;
    }

    /**
     * @param batch samples per forward pass
     * @return a lower bound of the bytes one forward pass needs (float32)
     */
    public double inferenceBytes(int batch) {
        return 4 * (parameters + (double) batch * largestPairPerSample);
    }

    /**
     * @param batch samples per training step
     * @return an estimate of the resident bytes a training run with Adam (float32) needs: {@link
     *     #TRAINING_BASE_BYTES} {@code + 4 * (4 * parameters + }{@link #TRAINING_ARRAYS_PER_ACTIVATION}{@code * batch
     *     * activationsPerSample)}
     */
    public double trainingBytes(int batch) {
        return TRAINING_BASE_BYTES + 4 * (4 * parameters + TRAINING_ARRAYS_PER_ACTIVATION * batch
                * activationsPerSample);
    }

    /**
     * Refuses a run whose estimate exceeds a budget, before anything is allocated.
     *
     * @param batch samples per pass
     * @param training true for a training step, false for inference
     * @param budgetBytes the budget (e.g. {@link MemoryBudget#bytes()})
     * @param budgetText how the budget is shown in the message (e.g. {@link MemoryBudget#describe()})
     * @throws InvalidConfigException naming the field that dominates the estimate (the input size, or the stage with
     *     the most parameters and its {@code NUM_MODULES}) with the estimate and the budget
     */
    public void check(int batch, boolean training, long budgetBytes, String budgetText) {
        double need = training ? trainingBytes(batch) : inferenceBytes(batch);
        if (need <= budgetBytes) {
            return;
        }
        double paramBytes = 4 * parameters * (training ? 4 : 1);
        String field = paramBytes >= need / 2
                ? largestStage + ": " + String.format(Locale.ROOT, "%.3g", largestStageParameters) + " of "
                        + String.format(Locale.ROOT, "%.3g", parameters) + " parameters"
                : "IMAGE_SIZE " + inputHeight + "x" + inputWidth + " (HxW)"
                        + (batch > 1 ? " at batch " + batch : "");
        throw new InvalidConfigException(field + ": " + (training ? "training" : "inference") + " needs "
                + (training ? "about " : "at least ") + MemoryBudget.gib(need) + ", more than the memory budget "
                + budgetText);
    }
}
