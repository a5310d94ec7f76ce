package io.hrnet4j.examples;

import io.hrnet4j.data.iterator.PoseDataSetIterator;
import io.hrnet4j.data.iterator.TopDownSampleProcessor;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.mpii.MpiiAnnotations;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.train.JointsMSELoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Example program: a COCO-trained HRNet (17 joints) becomes an MPII model (16 joints) with DL4J's own
 * {@link TransferLearning} API, then its new head is fine-tuned on MPII images.
 *
 * <p>What it shows a DL4J user: the graph from {@code HRNet.Builder().build().init()} is an ordinary
 * {@link ComputationGraph}, so the standard transfer-learning calls apply. The head of HRNet is the 1x1 convolution
 * {@code final_layer} (official {@code pose_hrnet.py}, {@code PoseHighResolutionNet.final_layer}: {@code C0 -> K}
 * with bias) followed by the loss vertex {@code heatmaps}; both are replaced for K = 16, everything up to the input of
 * {@code final_layer} is frozen ({@code setFeatureExtractor}), and only the new head trains at first. Input
 * {@code [N, 3, H, W]} NCHW (ImageNet-normalised RGB crops), output heatmaps {@code [N, 16, H/4, W/4]}.
 *
 * <p>Run (the weights are any COCO HRNet checkpoint the project loads: official {@code .pth}, mmpose, {@code .npz}):
 * <pre>
 * java -cp ... io.hrnet4j.examples.FineTuneWithTransferLearning pose_hrnet_w32_256x192.pth \
 *     mpii/annot/train.json mpii/images 100
 * </pre>
 */
public final class FineTuneWithTransferLearning {
    /** Name of the head convolution (official state-dict key prefix). */
    public static final String FINAL_LAYER = "final_layer";
    /** Name of the loss / output vertex of the project's graphs. */
    public static final String OUTPUT = "heatmaps";

    private FineTuneWithTransferLearning() {
    }

    /**
     * Replaces the head of a pose graph by a fresh {@code final_layer} with {@code joints} outputs (weights
     * N(0, 0.001), bias 0, as the official {@code init_weights}) and a new {@link JointsMSELoss} output, freezing every
     * vertex up to the head's input.
     *
     * @param pretrained a graph built by {@code HRNet} / {@code DEHRNet} (any joint count), possibly holding weights
     * @param config its architecture (input size and branch-0 width)
     * @param joints the new joint count K
     * @param learningRate Adam learning rate of the fine-tuning
     * @return a new graph: frozen body, trainable head {@code [N, joints, H/4, W/4]}
     */
    public static ComputationGraph replaceJoints(ComputationGraph pretrained, HRNetConfig config, int joints,
                                                 double learningRate) {
        String headInput = pretrained.getConfiguration().getVertexInputs().get(FINAL_LAYER).get(0);
        int width0 = config.stages().get(config.stages().size() - 1).numChannels()[0];
        long heatmapCells = (long) (config.inputHeight() / 4) * (config.inputWidth() / 4);
        return new TransferLearning.GraphBuilder(pretrained)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(learningRate)).build())
                .setFeatureExtractor(headInput)
                .removeVertexAndConnections(OUTPUT)
                .removeVertexAndConnections(FINAL_LAYER)
                .addLayer(FINAL_LAYER, new ConvolutionLayer.Builder(1, 1).nIn(width0).nOut(joints)
                        .convolutionMode(ConvolutionMode.Truncate).hasBias(true).activation(Activation.IDENTITY)
                        .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.001))).biasInit(0)
                        .build(), headInput)
                .addLayer(OUTPUT, new CnnLossLayer.Builder().lossFunction(new JointsMSELoss(heatmapCells))
                        .activation(Activation.IDENTITY).build(), FINAL_LAYER)
                .setOutputs(OUTPUT)
                .build();
    }

    /**
     * Trains for a number of iterations over an iterator (restarted at its end) and returns the loss after each.
     *
     * @param graph the graph to train
     * @param data minibatches: features {@code [N, 3, H, W]}, labels {@code [N, K, H/4, W/4]}, labels mask = target
     *             weights
     * @param iterations number of minibatches to fit
     * @return the loss (joints MSE) after each iteration
     */
    public static List<Double> fineTune(ComputationGraph graph, DataSetIterator data, int iterations) {
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            if (!data.hasNext()) {
                data.reset();
            }
            DataSet batch = data.next();
            graph.fit(batch);
            losses.add(graph.score());
        }
        return losses;
    }

    /**
     * @param args weights file, MPII annotation JSON (official HRNet format), image folder, iterations (default 100)
     * @throws Exception on any error (printed by the JVM)
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FineTuneWithTransferLearning WEIGHTS MPII_JSON MPII_IMAGES [ITERATIONS]");
            System.exit(2);
        }
        HRNet coco = new HRNet.Builder().build();   // W32, 17 joints, 256x192
        HRNetConfig config = coco.config();
        ComputationGraph mpii = replaceJoints(coco.initPretrained(Path.of(args[0])), config, 16, 1e-3);
        LoadedSamples samples = MpiiAnnotations.load(Path.of(args[1]), Path.of(args[2]));
        TopDownRecipe recipe = TopDownRecipe.mpii256x256().withInputSize(config.inputWidth(), config.inputHeight());
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(samples.samples(),
                new TopDownSampleProcessor(recipe, true)).batchSize(32).build()) {
            List<Double> losses = fineTune(mpii, it, args.length > 3 ? Integer.parseInt(args[3]) : 100);
            System.out.printf("loss %.6f -> %.6f%n", losses.get(0), losses.get(losses.size() - 1));
        }
    }
}
