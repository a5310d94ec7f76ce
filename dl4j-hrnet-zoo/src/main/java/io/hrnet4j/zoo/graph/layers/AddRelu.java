package io.hrnet4j.zoo.graph.layers;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of a graph vertex that sums two or more tensors of one shape and optionally applies a ReLU:
 * {@code max(0, x1 + x2 + ...)} (HRNet's residual {@code out += residual; out = relu(out)} and fuse-layer sum
 * {@code relu(y)}, official {@code lib/models/pose_hrnet.py} {@code BasicBlock.forward},
 * {@code HighResolutionModule.forward}) in one vertex and one pass over memory, where DL4J would take an
 * {@code ElementWiseVertex} and an {@code ActivationLayer}. No parameters. JSON-serialisable.
 */
public class AddRelu extends GraphVertex {
    private static final long serialVersionUID = 1L;

    private final boolean relu;

    /** @param relu whether the sum goes through a ReLU */
    public AddRelu(@JsonProperty("relu") boolean relu) {
        this.relu = relu;
    }

    /** @return whether the sum goes through a ReLU */
    public boolean isRelu() {
        return relu;
    }

    @Override
    public AddRelu clone() {
        return new AddRelu(relu);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddRelu a && a.relu == relu;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(relu) + 17;
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new AddReluVertex(graph, name, idx, relu, networkDatatype);
    }

    /**
     * @throws InvalidInputTypeException if the inputs differ in type or shape (no broadcasting)
     */
    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        for (int i = 1; i < vertexInputs.length; i++) {
            if (!vertexInputs[i].equals(vertexInputs[0])) {
                throw new InvalidInputTypeException("AddRelu: input " + i + " is " + vertexInputs[i]
                        + ", input 0 is " + vertexInputs[0] + " (all inputs must have one shape)");
            }
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, AddRelu.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "AddRelu(relu=" + relu + ")";
    }
}
