package io.hrnet4j.zoo.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;

/**
 * Base of the custom single-input SameDiff layers of this package ({@link ECA}, {@link DetailEnhancementModule},
 * {@link DySample}): a layer on a convolutional NCHW input {@code [N, C, H, W]} whose channel count {@code C} is
 * either set on the builder or taken from the input type.
 * <p>
 * It holds that channel count (serialised to the configuration JSON as {@code channels}), checks the input type
 * ({@code setNIn}: convolutional NCHW, the same C as configured) and, by default, gives an output of the input's
 * type (shape-preserving layers; {@link DySample} overrides {@link #getOutputType}).
 */
public abstract class NchwLayer extends SameDiffLayer {
    private long channels;

    /** For JSON deserialisation only. */
    protected NchwLayer() {
    }

    /**
     * @param b the builder holding the common configuration and {@code channels} (0 = from the input type)
     */
    protected NchwLayer(Builder<?> b) {
        super(b);
        this.channels = b.channels;
    }

    /** @return the layer kind named in error messages, e.g. {@code "ECA"} */
    protected abstract String kind();

    /** @return the number of channels C (set from the input type when not given; 0 before that) */
    public long getChannels() {
        return channels;
    }

    /**
     * Takes C from the input type.
     *
     * @param inputType the layer's input type, convolutional NCHW
     * @param override  whether DL4J asks to replace a configured C
     * @throws IllegalArgumentException when the input is not convolutional NCHW, or a configured C differs from the
     *     input's (the message names the layer and both counts)
     */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        channels = LayerInputs.channels(inputType, getLayerName(), kind(), channels, override);
    }

    /**
     * @param layerIndex the layer's index (unused)
     * @param inputType  the layer's input type, convolutional NCHW {@code [N, C, H, W]}
     * @return the input type: the layer keeps the input's shape
     * @throws IllegalArgumentException when the input is not convolutional NCHW
     */
    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        LayerInputs.convolutional(inputType, getLayerName(), kind());
        return inputType;
    }

    /**
     * Builder of an {@link NchwLayer}: the common SameDiff layer options plus {@code channels}.
     *
     * @param <T> the concrete builder type
     */
    public abstract static class Builder<T extends Builder<T>> extends SameDiffLayer.Builder<T> {
        private long channels;

        /**
         * @param channels number of channels C (optional: taken from the input type; required by
         *                 {@link DetailEnhancementModule#addDualInput})
         * @return this
         */
        @SuppressWarnings("unchecked")
        public T channels(long channels) {
            this.channels = channels;
            return (T) this;
        }
    }
}
