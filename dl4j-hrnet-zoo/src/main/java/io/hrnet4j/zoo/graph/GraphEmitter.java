package io.hrnet4j.zoo.graph;

import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.NetworkEmitter;
import io.hrnet4j.zoo.train.JointsMSELoss;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;

/**
 * Realises the network as a DL4J {@link ComputationGraphConfiguration}: one layer vertex per official module,
 * named by its state-dict key ({@code conv1}, {@code layer1.0.bn2}, {@code stage3.2.fuse_layers.2.0.1.0}, ...),
 * so weights map one to one. Convolutions: no bias except {@code final_layer}, {@link ConvolutionMode#Truncate}
 * with explicit padding {@code (k-1)/2} (PyTorch arithmetic), weights {@code [out, in, k, k]}, initialised
 * N(0, 0.001) as the official {@code init_weights}. BN: eps 1e-5, decay 0.9, {@code useLogStd(false)} so the
 * variance is stored as PyTorch's {@code running_var}. The output vertex {@value #OUTPUT} is a {@link CnnLossLayer}
 * (identity) with {@link JointsMSELoss}; labels {@code [N, K, H/4, W/4]}, labels mask = target weights broadcast to
 * the same shape. DE-HRNet modules are the SameDiff layers of {@code io.hrnet4j.zoo.layers} (their gradient
 * doubling in M2.1 is corrected inside them) and DL4J {@link DropoutLayer}s, which honour the training flag.
 */
public class GraphEmitter implements NetworkEmitter<String> {
    /** Name of the input vertex. */
    public static final String INPUT = "input";
    /** Name of the output (loss) vertex: heatmaps {@code [N, K, H/4, W/4]}. */
    public static final String OUTPUT = "heatmaps";

    private final ComputationGraphConfiguration.GraphBuilder gb;
    private long heatmapCells;

    /**
     * @param gb a graph builder with global settings (updater, seed, workspaces) already applied
     */
    public GraphEmitter(ComputationGraphConfiguration.GraphBuilder gb) {
        this.gb = gb;
    }

    /** @return the builder, complete after {@code HRNetTopology.emit} */
    public ComputationGraphConfiguration.GraphBuilder builder() {
        return gb;
    }

    @Override
    public String input(int channels, int height, int width) {
        gb.addInputs(INPUT);
        gb.setInputTypes(InputType.convolutional(height, width, channels));
        heatmapCells = (long) (height / 4) * (width / 4);
        return INPUT;
    }

    @Override
    public String conv(String key, String x, int in, int out, int kernel, int stride, boolean bias) {
        int pad = (kernel - 1) / 2;
        gb.addLayer(key, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad)
                .convolutionMode(ConvolutionMode.Truncate).nIn(in).nOut(out).hasBias(bias)
                .activation(Activation.IDENTITY).weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.001)))
                .biasInit(0).build(), x);
        return key;
    }

    @Override
    public String batchNorm(String key, String x, int channels) {
        gb.addLayer(key, new BatchNormalization.Builder().nIn(channels).nOut(channels).eps(1e-5).decay(0.9)
                .useLogStd(false).build(), x);
        return key;
    }

    @Override
    public String relu(String name, String x) {
        gb.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), x);
        return name;
    }

    @Override
    public String add(String name, List<String> xs) {
        gb.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), xs.toArray(new String[0]));
        return name;
    }

    @Override
    public String upsampleNearest(String name, String x, int factor) {
        gb.addLayer(name, new Upsampling2D.Builder(factor).build(), x);
        return name;
    }

    @Override
    public String channelAttention(String key, String x, int channels, DeHrnetOptions options) {
        gb.addLayer(key, options.demLayer(channels), x);
        return key;
    }

    @Override
    public String dropout(String name, String x, double p) {
        // DL4J's dropout takes the retain probability
        gb.addLayer(name, new DropoutLayer.Builder(1.0 - p).build(), x);
        return name;
    }

    @Override
    public String dySample(String key, String x, int channels, int height, int width, int scale,
                           DeHrnetOptions options) {
        gb.addLayer(key, options.dySampleLayer(channels, scale), x);
        return key;
    }

    @Override
    public void output(String heatmaps) {
        gb.addLayer(OUTPUT, new CnnLossLayer.Builder().lossFunction(new JointsMSELoss(heatmapCells))
                .activation(Activation.IDENTITY).build(), heatmaps);
        gb.setOutputs(OUTPUT);
    }
}
