package io.hrnet4j.cli;

import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet synth}: writes the embedded synthetic COCO keypoint dataset ({@link SyntheticPoseDataset}) to a
 * folder: JPEG images, {@code annotations/person_keypoints_{train,val}.json} and val detection boxes. An existing
 * folder holding the same dataset is reused; a folder with other files is never overwritten (exit code 1).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write the synthetic COCO-format keypoint dataset (the embedded default) to a folder.")
public final class SynthCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Target folder (created; must be empty or hold this same dataset).")
    private Path out;

    @Option(names = "--train", paramLabel = "N", defaultValue = "2000",
            description = "Number of train images (default: ${DEFAULT-VALUE}).")
    private int train;

    @Option(names = "--val", paramLabel = "N", defaultValue = "200",
            description = "Number of held-out val images (default: ${DEFAULT-VALUE}).")
    private int val;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Random seed; the same seed gives the same bytes (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--width", paramLabel = "PX", defaultValue = "192",
            description = "Image width in pixels (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--height", paramLabel = "PX", defaultValue = "160",
            description = "Image height in pixels (default: ${DEFAULT-VALUE}).")
    private int height;

    @Option(names = "--max-people", paramLabel = "N", defaultValue = "3",
            description = "Most figures per image, 1..9 (default: ${DEFAULT-VALUE}).")
    private int maxPeople;

    @Option(names = "--occlusion", paramLabel = "P", defaultValue = "0.3",
            description = "Probability of an occluding object over each figure (default: ${DEFAULT-VALUE}).")
    private double occlusion;

    @Override
    public Integer call() throws Exception {
        AtomicFiles.checkWritableFolder(out);
        SyntheticPoseDataset ds = SyntheticPoseDataset.builder()
                .seed(seed)
                .counts(train, val)
                .imageSize(width, height)
                .peoplePerImage(1, maxPeople)
                .occlusionRate(occlusion)
                .generateInto(out);
        var w = spec.commandLine().getOut();
        w.println("synthetic dataset: " + ds.root());
        w.println("  parameters:       " + ds.parameters().canonical());
        w.println("  train images:     " + ds.train().imageDir() + " (" + ds.train().imageCount() + ")");
        w.println("  train keypoints:  " + ds.train().annotationFile());
        w.println("  val images:       " + ds.val().imageDir() + " (" + ds.val().imageCount() + ")");
        w.println("  val keypoints:    " + ds.val().annotationFile());
        w.println("  val boxes:        " + ds.valDetections());
        w.flush();
        return 0;
    }
}
