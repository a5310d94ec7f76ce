package io.hrnet4j.zoo.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Input-type validation and parameter initialisation shared by the layers of this package. */
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

    /**
     * The channel count a layer takes from its input type ({@code setNIn}).
     *
     * @param type the input type DL4J passes to the layer
     * @param layerName the layer's name (for the message)
     * @param kind the layer kind (for the message)
     * @param configured the channels set on the builder, 0 when not set
     * @param override whether DL4J asks to replace a configured value
     * @return the input's C when nothing is configured or {@code override}; else {@code configured}
     * @throws IllegalArgumentException when the input is not convolutional NCHW, or a configured C differs from the
     *     input's (names the layer and both counts)
     */
    static long channels(InputType type, String layerName, String kind, long configured, boolean override) {
        long c = convolutional(type, layerName, kind).getChannels();
        if (configured != 0 && !override && configured != c) {
            throw new IllegalArgumentException(kind + " layer '" + layerName + "': configured for " + configured
                    + " channels but the input has " + c);
        }
        return c;
    }

    /**
     * Fills {@code a} with U(-bound, bound), PyTorch's default {@code nn.Linear} / {@code nn.Conv} initialisation
     * ({@code kaiming_uniform_(a=sqrt(5))} gives {@code bound = 1 / sqrt(fan_in)}).
     *
     * @param a the parameter, filled in place
     * @param bound the half-width of the interval
     */
    static void uniform(INDArray a, double bound) {
        a.assign(Nd4j.rand(a.dataType(), a.shape()).muli(2 * bound).subi(bound));
    }
}
