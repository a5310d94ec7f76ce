package io.hrnet4j.zoo.arch;

import java.util.List;

/**
 * Receives the operations of an HRNet / DE-HRNet forward pass, in order, from {@link HRNetTopology}. Each
 * realisation implements it: the DL4J graph builder (a handle is a vertex name), the SameDiff builder (a handle is
 * an {@code SDVariable}) and the complexity counter (a handle is a shape). All tensors are NCHW.
 *
 * <p>{@code key} arguments are the official PyTorch module names (state-dict key prefixes, e.g.
 * {@code stage2.0.fuse_layers.1.0.0.0}); the parameters of that module are {@code key + ".weight"} etc.
 * {@code name} arguments name parameter-free operations uniquely (e.g. {@code stage2.0.fuse.1.sum}).
 *
 * @param <T> the realisation's handle of a tensor
 */
public interface NetworkEmitter<T> {

    /**
     * @param channels input channels (3)
     * @param height input height, pixels
     * @param width input width, pixels
     * @return the input tensor {@code [N, channels, height, width]}
     */
    T input(int channels, int height, int width);

    /**
     * A 2-D convolution with PyTorch semantics: square kernel, padding {@code (kernel - 1) / 2}, weights
     * {@code [out, in, k, k]} ({@code key.weight}), optional bias {@code [out]} ({@code key.bias}).
     *
     * @param key module name
     * @param x input {@code [N, in, H, W]}
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size (1 or 3)
     * @param stride stride (1 or 2)
     * @param bias whether the conv has a bias
     * @return output {@code [N, out, H / stride, W / stride]}
     */
    T conv(String key, T x, int in, int out, int kernel, int stride, boolean bias);

    /**
     * Batch normalisation over channels, eps 1e-5, momentum 0.1 (PyTorch {@code BatchNorm2d}); parameters
     * {@code key.weight}, {@code key.bias}, {@code key.running_mean}, {@code key.running_var}.
     *
     * @param key module name
     * @param x input {@code [N, C, H, W]}
     * @param channels C
     * @return normalised tensor, same shape
     */
    T batchNorm(String key, T x, int channels);

    /**
     * @param name unique name
     * @param x input
     * @return {@code max(x, 0)}
     */
    T relu(String name, T x);

    /**
     * @param name unique name
     * @param xs two or more tensors of one shape, summed in list order
     * @return their sum
     */
    T add(String name, List<T> xs);

    /**
     * Nearest-neighbour upsampling ({@code nn.Upsample(scale_factor, mode='nearest')}).
     *
     * @param name unique name (the official module index, e.g. {@code ...fuse_layers.0.1.2})
     * @param x input {@code [N, C, H, W]}
     * @param factor integer scale factor
     * @return {@code [N, C, H * factor, W * factor]}
     */
    T upsampleNearest(String name, T x, int factor);

    /**
     * DE-HRNet channel attention with residual scaling, {@code (A(x) + 1) * x}, A = SE or ECA
     * ({@link io.hrnet4j.zoo.layers.DetailEnhancementModule}); parameters {@code key.fc1.weight}, ... (SE) or
     * {@code key.conv.weight} (ECA).
     *
     * @param key module name
     * @param x input {@code [N, C, H, W]}
     * @param channels C
     * @param options DE-HRNet options (attention kind, reduction, kernel)
     * @return same shape as x
     */
    T channelAttention(String key, T x, int channels, DeHrnetOptions options);

    /**
     * Dropout, active in training only (inverted: kept units scaled by {@code 1 / (1 - p)}).
     * <p>
     * The default is the identity, the operation at inference, for the realisations that never train (the
     * complexity counter, the folded inference graph); a realisation that trains overrides it.
     *
     * @param name unique name
     * @param x input
     * @param p drop probability
     * @return same shape as x
     */
    default T dropout(String name, T x, double p) {
        return x;
    }

    /**
     * DySample dynamic upsampling ({@link io.hrnet4j.zoo.layers.DySample}); parameters {@code key.offset.weight},
     * {@code key.offset.bias} (and {@code key.scope.weight}), buffer {@code key.init_pos}.
     *
     * @param key module name
     * @param x input {@code [N, C, H, W]}
     * @param channels C
     * @param height H (static)
     * @param width W (static)
     * @param scale integer factor (2, 4, 8)
     * @param options DE-HRNet options (style, groups, scope)
     * @return {@code [N, C, H * scale, W * scale]}
     */
    T dySample(String key, T x, int channels, int height, int width, int scale, DeHrnetOptions options);

    /**
     * Marks the network output.
     *
     * @param heatmaps {@code [N, K, H / 4, W / 4]}
     */
    void output(T heatmaps);
}
