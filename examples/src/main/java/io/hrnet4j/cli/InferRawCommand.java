package io.hrnet4j.cli;

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
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet infer-raw}: runs the network on a raw NCHW float32 tensor ({@code .npy}, {@code [N, 3, H, W]}, used
 * as stored: no normalisation) and writes the raw heatmaps {@code [N, K, H/4, W/4]} as {@code .npy}. The input
 * size comes from {@code --input HxW} or, when absent, from the tensor's shape.
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
        INDArray x = NumpyFiles.readNpy(in);
        if (x.rank() != 4 || x.size(1) != 3) {
            throw new IllegalArgumentException(in + ": expected a [N, 3, H, W] tensor, got "
                    + Arrays.toString(x.shape()));
        }
        arch.defaultSize((int) x.size(2), (int) x.size(3));
        HRNetConfig cfg = arch.resolve(KeypointSchema.COCO);
        PoseNetwork net = PoseNetworks.load(cfg, network.weights, PoseNetworks.Backend.byName(network.backend));
        INDArray out = net.output(x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        NumpyFiles.writeNpy(out, output);
        PrintWriter pw = spec.commandLine().getOut();
        pw.println("wrote " + output + " " + Arrays.toString(out.shape()));
        pw.flush();
        return 0;
    }
}
