package io.hrnet4j.zoo.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;

/** Input-type validation shared by the layers of this package. */
final class LayerInputs {
    private LayerInputs() {
    }

    /**
     * @param type      the input type DL4J passes to a layer
     * @param layerName the layer's name (for the message)
     * @param kind      the layer kind (for the message)
     * @return the type as a convolutional NCHW type
     * @throws IllegalArgumentException when it is not a convolutional NCHW input
     */
    static InputType.InputTypeConvolutional convolutional(InputType type, String layerName, String kind) {
        if (!(type instanceof InputType.InputTypeConvolutional)) {
            throw new IllegalArgumentException(kind + " layer '" + layerName + "' needs a convolutional [N, C, H, W] "
                    + "input, got " + type);
        }
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) type;
        if (c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException(kind + " layer '" + layerName + "' needs NCHW input, got "
                    + c.getFormat());
        }
        return c;
    }
}
