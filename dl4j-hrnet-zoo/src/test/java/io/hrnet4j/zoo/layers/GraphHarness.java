package io.hrnet4j.zoo.layers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * One custom layer in a {@link ComputationGraph} ({@code in -> layer}, the layer being the network output), with
 * the gradient of {@code loss = sum(output * R)} computed by the graph's own backprop ({@code backpropGradient(R)}),
 * so that any factor the graph machinery applies to a SameDiff layer's gradients shows up.
 */
final class GraphHarness {
    final ComputationGraph graph;
    final String layerName;

    GraphHarness(Layer layer, DataType dtype, WorkspaceMode wsMode, long c, long h, long w) {
        this.layerName = "layer";
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(dtype).seed(12345).updater(new NoOp())
                .trainingWorkspaceMode(wsMode).inferenceWorkspaceMode(wsMode)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(h, w, c))
                .addLayer(layerName, layer, "in")
                .setOutputs(layerName)
                .build();
        graph = new KeepingGraph(conf);
        graph.init();
    }

    /** Exposes the graph's own backprop without clearing vertex epsilons, so the input gradient can be read. */
    static final class KeepingGraph extends ComputationGraph {
        KeepingGraph(ComputationGraphConfiguration conf) {
            super(conf);
        }

        Gradient backpropKeeping(INDArray epsilon) {
            calcBackpropGradients(false, false, epsilon);
            return gradient;
        }
    }

    /** Copies {@code params} (PyTorch-named) into the layer's parameter views. */
    GraphHarness setParams(Map<String, INDArray> params) {
        Map<String, INDArray> table = graph.getLayer(layerName).paramTable();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray view = table.get(e.getKey());
            if (view == null) {
                throw new IllegalArgumentException("no parameter " + e.getKey() + " in " + table.keySet());
            }
            view.assign(e.getValue().reshape(view.shape()).castTo(view.dataType()));
        }
        return this;
    }

    INDArray output(INDArray x) {
        return graph.outputSingle(false, x.castTo(graph.getConfiguration().getDataType()));
    }

    /** @return gradients of sum(output * R): every parameter key, and key "input" in workspace mode NONE */
    Map<String, INDArray> gradients(INDArray x, INDArray r) {
        DataType dt = graph.getConfiguration().getDataType();
        graph.feedForward(new INDArray[] {x.castTo(dt)}, true, false);
        Gradient g = ((KeepingGraph) graph).backpropKeeping(r.castTo(dt));
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (graph.getConfiguration().getTrainingWorkspaceMode() == WorkspaceMode.NONE) {
            // With workspaces on, the input's epsilon lives in an already closed workspace: only NONE exposes it.
            out.put("input", graph.getVertex("in").getEpsilon().dup());
        }
        for (String k : graph.getLayer(layerName).paramTable().keySet()) {
            out.put(k, g.getGradientFor(layerName + "_" + k).dup());
        }
        return out;
    }
}
