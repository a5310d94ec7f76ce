package io.hrnet4j.cli;

import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.data.keypoints.KeypointSchema;
import io.hrnet4j.zoo.PoseNetwork;
import io.hrnet4j.zoo.PoseNetworks;
import io.hrnet4j.zoo.arch.HRNetConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet infer-raw}: runs the network on a raw NCHW float32 tensor ({@code .npy}, {@code [N, 3, H, W]}, used
 * as stored: no normalisation) and writes the raw heatmaps {@code [N, K, H/4, W/4]} as {@code .npy}. The input
 * size comes from {@code --input HxW} or, when absent, from the tensor's shape. The output location is checked
 * before any work; a NaN or infinity in the input (a {@link DataFormatException} naming the element) or in the
 * heatmaps (non-finite weights) fails the command and nothing is written; the file is written through {@link
 * AtomicFiles}, so an existing output is never replaced by a partial or invalid one.
 */
@Command(name = "infer-raw", mixinStandardHelpOptions = true,
        description = "Run the network on a raw NCHW float32 .npy tensor and write the raw heatmaps as .npy.")
public class InferRawCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions network;

    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "heatmaps output file")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ArchOptions arch = network.arch;
        arch.inputFilesAllowed = true;
        List<String> files = arch.inputFiles();
        if (files.size() != 1) {
            throw new IllegalArgumentException("give exactly one input tensor: --input IN.npy (got " + files + ")");
        }
        Path in = Path.of(files.get(0));
        if (!Files.isRegularFile(in)) {
            throw new NoSuchFileException(in.toString(), null, "input tensor not found");
        }
        AtomicFiles.checkWritable(output);
        INDArray x = NumpyFiles.readNpy(in);
        if (x.rank() != 4 || x.size(1) != 3 || x.size(0) < 1) {
            throw new DataFormatException(in, "-", "shape", "expected a [N, 3, H, W] tensor, got "
                    + Arrays.toString(x.shape()));
        }
        if (x.size(2) > Integer.MAX_VALUE || x.size(3) > Integer.MAX_VALUE) {
            throw new DataFormatException(in, "-", "shape", "H and W must fit an int, got " + Arrays.toString(x.shape()));
        }
        x = x.castTo(DataType.FLOAT);
        String bad = firstNonFinite(x);
        if (bad != null) {
            throw new DataFormatException(in, bad, "-", "not a finite number: the network input must be finite");
        }
        arch.defaultSize((int) x.size(2), (int) x.size(3));
        HRNetConfig cfg = arch.resolve(KeypointSchema.COCO);
        PoseNetwork net = PoseNetworks.load(cfg, network.weights, PoseNetworks.Backend.byName(network.backend));
        INDArray out = net.output(x);
        String badOut = firstNonFinite(out);
        if (badOut != null) {
            throw new IllegalStateException("the network output " + badOut + " is not finite for a finite input "
                    + in + " (non-finite weights in " + network.weights + "?); nothing written to " + output);
        }
        NumpyFiles.writeNpy(out, output); // through AtomicFiles
        PrintWriter pw = spec.commandLine().getOut();
        pw.println("wrote " + output + " " + Arrays.toString(out.shape()));
        pw.flush();
        return 0;
    }

    /**
     * @param a a float tensor
     * @return {@code "element [n, c, y, x] = NaN (first of M non-finite)"} for the first NaN or infinity in C
     *     order, or null when every element is finite
     */
    static String firstNonFinite(INDArray a) {
        float[] v = a.dup('c').data().asFloat();
        int first = -1;
        long count = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (first < 0) {
            return null;
        }
        long[] shape = a.shape();
        long[] idx = new long[shape.length];
        long rest = first;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        return "element " + Arrays.toString(idx) + " = " + v[first] + " (first of " + count + " non-finite)";
    }
}
