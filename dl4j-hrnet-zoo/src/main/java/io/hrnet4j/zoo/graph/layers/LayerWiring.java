package io.hrnet4j.zoo.graph.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every DL4J layer configuration's {@code instantiate} does after creating the layer (as DL4J's own). */
final class LayerWiring {
    private LayerWiring() {
    }

    /**
     * @param layer the new layer implementation
     * @param conf its configuration (the layer configuration inside supplies the parameter initializer)
     * @param listeners training listeners
     * @param index layer index
     * @param paramsView the layer's view of the network's flattened parameters
     * @param initialize whether to initialise the parameters (false: they are loaded later)
     * @return the layer, with listeners, index, parameter views and configuration set
     */
    static Layer wire(BaseLayer<?> layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                      int index, INDArray paramsView, boolean initialize) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(conf.getLayer().initializer().init(conf, paramsView, initialize));
        layer.setConf(conf);
        return layer;
    }
}
