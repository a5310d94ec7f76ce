package io.hrnet4j.zoo.graph;

import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.NetworkEmitter;
import io.hrnet4j.zoo.graph.layers.AddRelu;
import io.hrnet4j.zoo.graph.layers.NativeBatchNorm;
import io.hrnet4j.zoo.graph.layers.NativeConvolution;
import io.hrnet4j.zoo.train.JointsMSELoss;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;

/**
 * Realises the network as a DL4J {@link ComputationGraphConfiguration}: one layer vertex per official module,
 * named by its state-dict key ({@code conv1}, {@code layer1.0.bn2}, {@code stage3.2.fuse_layers.2.0.1.0}, ...),
 * so weights map one to one. Convolutions are {@link NativeConvolution}s (libnd4j {@code conv2d} /
 * {@code conv2d_bp}, oneDNN): no bias except {@code final_layer}, explicit padding {@code (k-1)/2} (PyTorch
 * arithmetic), weights stored {@code [out, k, k, in]} ({@link GraphWeights} converts from and to PyTorch's
 * {@code [out, in, k, k]}), initialised N(0, 0.001) as the official {@code init_weights}. BN: {@link NativeBatchNorm},
 * eps 1e-5, decay 0.9, variance stored as PyTorch's {@code running_var} and updated unbiased as PyTorch.
 *
 * <p>Operations are collected first and added to the builder at {@link #output}: a ReLU whose input is a batch
 * norm or a sum that nothing else reads is fused into that vertex ({@link NativeBatchNorm#isRelu()},
 * {@link AddRelu}), so it costs no vertex of its own (ReLUs have no state-dict key; the fused vertex keeps the
 * module's key); a ReLU that cannot be fused stays a DL4J {@link ActivationLayer}. A convolution whose only reader
 * is a batch norm folds that batch norm at inference ({@link NativeConvolution#setFoldedBatchNorm}): in
 * {@code output()} the pair runs as one {@code conv2d} on folded weights, the batch norm copying the result. Sums are {@link AddRelu}
 * vertices. The output vertex {@value #OUTPUT} is a {@link CnnLossLayer} (identity) with {@link JointsMSELoss};
 * labels {@code [N, K, H/4, W/4]}, labels mask = target weights broadcast to the same shape. DE-HRNet modules are
 * the SameDiff layers of {@code io.hrnet4j.zoo.layers} (their gradient doubling in M2.1 is corrected inside them)
 * and DL4J {@link DropoutLayer}s, which honour the training flag.
 */
public class GraphEmitter implements NetworkEmitter<String> {
    /** Name of the input vertex. */
    public static final String INPUT = "input";
    /** Name of the output (loss) vertex: heatmaps {@code [N, K, H/4, W/4]}. */
    public static final String OUTPUT = "heatmaps";

    /** One pending vertex: a layer or vertex configuration (null for a ReLU) and its inputs. */
    private record Node(String name, Object conf, List<String> inputs) {
    }

    private final ComputationGraphConfiguration.GraphBuilder gb;
    private final List<Node> nodes = new ArrayList<>();
    private long heatmapCells;

    /**
     * @param gb a graph builder with global settings (updater, seed, workspaces) already applied
     */
    public GraphEmitter(ComputationGraphConfiguration.GraphBuilder gb) {
        this.gb = gb;
    }

    /** @return the builder, complete after {@code HRNetTopology.emit} (which ends with {@link #output}) */
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

    private String node(String name, Object conf, String... inputs) {
        nodes.add(new Node(name, conf, List.of(inputs)));
        return name;
    }

    @Override
    public String conv(String key, String x, int in, int out, int kernel, int stride, boolean bias) {
        int pad = (kernel - 1) / 2;
        return node(key, new NativeConvolution(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .padding(pad, pad).convolutionMode(ConvolutionMode.Truncate).nIn(in).nOut(out).hasBias(bias)
                .activation(Activation.IDENTITY)
                .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.001))).biasInit(0)), x);
    }

    @Override
    public String batchNorm(String key, String x, int channels) {
        return node(key, new NativeBatchNorm(channels, 1e-5, 0.9, false), x);
    }

    @Override
    public String relu(String name, String x) {
        return node(name, null, x);
    }

    @Override
    public String add(String name, List<String> xs) {
        return node(name, new AddRelu(false), xs.toArray(new String[0]));
    }

    @Override
    public String upsampleNearest(String name, String x, int factor) {
        return node(name, new Upsampling2D.Builder(factor).build(), x);
    }

    @Override
    public String channelAttention(String key, String x, int channels, DeHrnetOptions options) {
        return node(key, options.demLayer(channels), x);
    }

    @Override
    public String dropout(String name, String x, double p) {
        // DL4J's dropout takes the retain probability
        return node(name, new DropoutLayer.Builder(1.0 - p).build(), x);
    }

    @Override
    public String dySample(String key, String x, int channels, int height, int width, int scale,
                           DeHrnetOptions options) {
        return node(key, options.dySampleLayer(channels, scale), x);
    }

    @Override
    public void output(String heatmaps) {
        Map<String, Integer> readers = new HashMap<>();
        readers.merge(heatmaps, 1, Integer::sum);
        Map<String, Node> byName = new HashMap<>();
        for (Node n : nodes) {
            byName.put(n.name(), n);
            n.inputs().forEach(i -> readers.merge(i, 1, Integer::sum));
        }
        // a ReLU whose input (a batch norm or a sum) has no other reader becomes part of that vertex
        Map<String, String> alias = new HashMap<>();
        Map<String, Boolean> fusedRelu = new HashMap<>();
        for (Node n : nodes) {
            if (n.conf() == null) {
                Node src = byName.get(n.inputs().get(0));
                if (src != null && readers.get(src.name()) == 1
                        && (src.conf() instanceof NativeBatchNorm || src.conf() instanceof AddRelu)) {
                    alias.put(n.name(), src.name());
                    fusedRelu.put(src.name(), true);
                }
            }
        }
        // a convolution read only by a batch norm folds that batch norm's inference (NativeConvolutionLayer)
        for (Node n : nodes) {
            if (n.conf() instanceof NativeBatchNorm) {
                Node src = byName.get(n.inputs().get(0));
                if (src != null && readers.get(src.name()) == 1 && src.conf() instanceof NativeConvolution conv) {
                    conv.setFoldedBatchNorm(n.name());
                }
            }
        }
        for (Node n : nodes) {
            if (alias.containsKey(n.name())) {
                continue;
            }
            String[] in = n.inputs().stream().map(i -> alias.getOrDefault(i, i)).toArray(String[]::new);
            boolean relu = fusedRelu.containsKey(n.name());
            if (n.conf() == null) {
                gb.addLayer(n.name(), new ActivationLayer.Builder().activation(Activation.RELU).build(), in);
            } else if (n.conf() instanceof NativeBatchNorm bn) {
                bn.setRelu(relu);
                gb.addLayer(n.name(), bn, in);
            } else if (n.conf() instanceof AddRelu) {
                gb.addVertex(n.name(), new AddRelu(relu), in);
            } else if (n.conf() instanceof Layer layer) {
                gb.addLayer(n.name(), layer, in);
            } else {
                gb.addVertex(n.name(), (GraphVertex) n.conf(), in);
            }
        }
        gb.addLayer(OUTPUT, new CnnLossLayer.Builder().lossFunction(new JointsMSELoss(heatmapCells))
                .activation(Activation.IDENTITY).build(), alias.getOrDefault(heatmaps, heatmaps));
        gb.setOutputs(OUTPUT);
        nodes.clear();
    }
}
