package io.hrnet4j.zoo.graph.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of a {@link NativeConvolution}: the same keys ({@code b}, {@code W}), order (bias first) and element
 * counts as DL4J's {@link ConvolutionParamInitializer}, but {@code W} viewed as {@code [out, kH, kW, in]} ('c' order)
 * instead of {@code [out, in, kH, kW]}. Fan-in {@code in * kH * kW} and fan-out {@code out * kH * kW / (sH * sW)}
 * are DL4J's.
 */
public class OhwiConvolutionParamInitializer extends ConvolutionParamInitializer {
    private static final OhwiConvolutionParamInitializer INSTANCE = new OhwiConvolutionParamInitializer();

    /** @return the shared, stateless instance */
    public static OhwiConvolutionParamInitializer getInstance() {
        return INSTANCE;
    }

    /**
     * @param layer the convolution configuration
     * @return the weight shape {@code [out, kH, kW, in]}
     */
    public static long[] weightShape(ConvolutionLayer layer) {
        int[] k = layer.getKernelSize();
        return new long[] {layer.getNOut(), k[0], k[1], layer.getNIn()};
    }

    @Override
    protected INDArray createWeightMatrix(NeuralNetConfiguration conf, INDArray weightView, boolean initializeParams) {
        ConvolutionLayer layer = (ConvolutionLayer) conf.getLayer();
        long[] shape = weightShape(layer);
        if (initializeParams) {
            int[] k = layer.getKernelSize();
            int[] s = layer.getStride();
            double fanIn = layer.getNIn() * k[0] * k[1];
            double fanOut = layer.getNOut() * k[0] * k[1] / ((double) s[0] * s[1]);
            return layer.getWeightInitFn().init(fanIn, fanOut, shape, 'c', weightView);
        }
        return WeightInitUtil.reshapeWeights(shape, weightView, 'c');
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        ConvolutionLayer layer = (ConvolutionLayer) conf.getLayer();
        long[] shape = weightShape(layer);
        long nOut = layer.getNOut();
        INDArray flat = gradientView.reshape(gradientView.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (layer.hasBias()) {
            out.put(BIAS_KEY, flat.get(NDArrayIndex.interval(0, nOut)));
            out.put(WEIGHT_KEY, flat.get(NDArrayIndex.interval(nOut, numParams(conf))).reshape('c', shape));
        } else {
            out.put(WEIGHT_KEY, gradientView.reshape('c', shape));
        }
        return out;
    }
}
