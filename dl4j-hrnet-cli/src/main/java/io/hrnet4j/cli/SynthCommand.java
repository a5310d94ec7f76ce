package io.hrnet4j.cli;

import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.data.synthetic.SyntheticPoseDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hrnet synth}: writes the embedded synthetic COCO keypoint dataset ({@link SyntheticPoseDataset}) to a
 * folder: JPEG images, {@code annotations/person_keypoints_{train,val}.json} and val detection boxes. An existing
 * folder holding the same dataset is reused; a folder with other files is never overwritten (exit code 1). The
 * generator parameters are the table {@link #PARAMETERS} (defaults: those of {@link SyntheticPoseDataset#builder()}).
 */
@Command(name = "synth", mixinStandardHelpOptions = true, modelTransformer = SynthCommand.Parameters.class,
        description = "Write the synthetic COCO-format keypoint dataset (the embedded default) to a folder.")
public final class SynthCommand implements Callable<Integer> {
    /** The generator parameters ({@link SyntheticPoseDataset.Builder}). */
    static final List<OptionRow> PARAMETERS = List.of(
            new OptionRow("--train", "N", int.class, "2000", "Number of train images (default: ${DEFAULT-VALUE})."),
            new OptionRow("--val", "N", int.class, "200", "Number of held-out val images (default: ${DEFAULT-VALUE})."),
            new OptionRow("--seed", "S", long.class, "42",
                    "Random seed; the same seed gives the same bytes (default: ${DEFAULT-VALUE})."),
            new OptionRow("--width", "PX", int.class, "192", "Image width in pixels (default: ${DEFAULT-VALUE})."),
            new OptionRow("--height", "PX", int.class, "160", "Image height in pixels (default: ${DEFAULT-VALUE})."),
            new OptionRow("--max-people", "N", int.class, "3", "Most figures per image, 1..9 (default: ${DEFAULT-VALUE})."),
            new OptionRow("--occlusion", "P", double.class, "0.3",
                    "Probability of an occluding object over each figure (default: ${DEFAULT-VALUE})."));

    /** Adds {@link #PARAMETERS} to the command (picocli's {@code modelTransformer}). */
    public static final class Parameters implements CommandLine.IModelTransformer {
        /** Used by picocli. */
        public Parameters() {
        }

        /**
         * @param command the model of {@code synth}
         * @return the model with the generator parameters
         */
        @Override
        public CommandSpec transform(CommandSpec command) {
            return OptionRow.addAll(command, PARAMETERS);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Target folder (created; must be empty or hold this same dataset).")
    private Path out;

    private <T> T parameter(String name) {
        return spec.findOption(name).getValue();
    }

    @Override
    public Integer call() throws Exception {
        AtomicFiles.checkWritableFolder(out);
        SyntheticPoseDataset ds = SyntheticPoseDataset.builder()
                .seed(this.<Long>parameter("--seed"))
                .counts(this.<Integer>parameter("--train"), this.<Integer>parameter("--val"))
                .imageSize(this.<Integer>parameter("--width"), this.<Integer>parameter("--height"))
                .peoplePerImage(1, this.<Integer>parameter("--max-people"))
                .occlusionRate(this.<Double>parameter("--occlusion"))
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
