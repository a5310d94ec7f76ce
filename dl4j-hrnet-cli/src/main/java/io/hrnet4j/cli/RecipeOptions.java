package io.hrnet4j.cli;

import io.hrnet4j.zoo.train.TrainingRecipe;
import java.util.List;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The training-recipe options of {@code hrnet train} as one table: each row is an option name, its parameter label,
 * value type, help text and the {@link TrainingRecipe.Builder} setter its value goes to. picocli adds the rows to the
 * command's model when it builds it ({@code @Command(modelTransformer = RecipeOptions.class)}), and
 * {@link #apply(CommandSpec, TrainingRecipe)} writes the options given on the command line over a base recipe (the
 * published recipe, the embedded default's, a config file's {@code TRAIN} section, or a resumed run's recipe).
 *
 * <p>The defaults named in the help are those of {@link TrainingRecipe#published()} (the {@code TRAIN} section of the
 * official {@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}: Adam 1e-3, x0.1 at epochs 170 and 200, 210
 * epochs, batch 32) and of {@link TrainingRecipe#embedded(int)} for the synthetic default.
 */
public final class RecipeOptions implements CommandLine.IModelTransformer {
    /**
     * One recipe option.
     *
     * @param option the option
     * @param setter where its value goes
     * @param <T> the value type
     */
    private record Row<T>(OptionRow option, BiConsumer<TrainingRecipe.Builder, T> setter) {
        Row(String name, String label, Class<T> type, String description,
            BiConsumer<TrainingRecipe.Builder, T> setter) {
            this(new OptionRow(name, label, type, null, description), setter);
        }

        void apply(CommandSpec command, TrainingRecipe.Builder recipe) {
            T v = option.value(command);
            if (v != null) {
                setter.accept(recipe, v);
            }
        }
    }

    private static final List<Row<?>> ROWS = List.of(
            new Row<>("--epochs", "N", Integer.class, "epochs (default 210; synthetic 6)", TrainingRecipe.Builder::epochs),
            new Row<>("--milestones", "E", int[].class, "epochs of the x0.1 steps, comma-separated (default 170,200; "
                    + "synthetic at 80%% of the epochs)", TrainingRecipe.Builder::milestones),
            new Row<>("--batch", "N", Integer.class, "batch size (default 32)", TrainingRecipe.Builder::batchSize),
            new Row<>("--lr", "LR", Double.class, "initial learning rate (default 1e-3; synthetic 5e-3)",
                    TrainingRecipe.Builder::learningRate),
            new Row<>("--warmup", "N", Integer.class, "linear warm-up iterations (default 0)",
                    TrainingRecipe.Builder::warmupIterations),
            new Row<>("--workers", "N", Integer.class, "data-loading threads (default 2)", TrainingRecipe.Builder::workers),
            new Row<>("--seed", "S", Long.class, "seed of weights, data order and augmentation (default 0)",
                    TrainingRecipe.Builder::seed),
            new Row<>("--checkpoint-every", "N", Integer.class, "checkpoint every N iterations (0: epoch ends only)",
                    TrainingRecipe.Builder::checkpointEveryIterations),
            new Row<>("--keep", "K", Integer.class, "checkpoints kept (default 3)", TrainingRecipe.Builder::keepCheckpoints),
            new Row<>("--validate-every", "N", Integer.class, "validate every N epochs (0: after the last only)",
                    TrainingRecipe.Builder::validateEveryEpochs),
            new Row<>("--log-every", "N", Integer.class, "progress line every N iterations",
                    TrainingRecipe.Builder::logEveryIterations));

    /** Used by picocli ({@code @Command(modelTransformer = ...)}). */
    public RecipeOptions() {
    }

    /**
     * Adds the recipe options to a command's model.
     *
     * @param command the model picocli built from the command's annotations
     * @return the same model, with the options of {@link #ROWS}
     */
    @Override
    public CommandSpec transform(CommandSpec command) {
        return OptionRow.addAll(command, ROWS.stream().<OptionRow>map(Row::option).toList());
    }

    /**
     * @param command the parsed command
     * @param base the recipe the options change
     * @return {@code base} with every recipe option given on the command line
     */
    static TrainingRecipe apply(CommandSpec command, TrainingRecipe base) {
        TrainingRecipe.Builder b = base.toBuilder();
        for (Row<?> r : ROWS) {
            r.apply(command, b);
        }
        return b.build();
    }

    /**
     * @param command the parsed command
     * @return the {@code --epochs} value, or null when not given
     */
    static Integer epochs(CommandSpec command) {
        return command.findOption("--epochs").getValue();
    }
}
