package io.hrnet4j.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One picocli option declared as data, for the commands whose options are a table ({@link RecipeOptions},
 * {@link SynthCommand}): picocli adds the rows to the command's model through a
 * {@link picocli.CommandLine.IModelTransformer}, and the command reads the parsed values back by name.
 *
 * @param name the option name, e.g. {@code --epochs}
 * @param label the parameter label in the help, e.g. {@code N}
 * @param type the value type; an array type takes comma-separated values
 * @param defaultValue the default value as text ({@code ${DEFAULT-VALUE}} in the description shows it), or null
 * @param description the help text
 */
record OptionRow(String name, String label, Class<?> type, String defaultValue, String description) {
    /** @return the picocli option */
    OptionSpec spec() {
        OptionSpec.Builder b = OptionSpec.builder(name).type(type).paramLabel(label).description(description)
                .defaultValue(defaultValue);
        return (type.isArray() ? b.splitRegex(",") : b).build();
    }

    /**
     * @param command the model to extend
     * @param rows the options to add
     * @return {@code command}
     */
    static CommandSpec addAll(CommandSpec command, List<OptionRow> rows) {
        for (OptionRow r : rows) {
            command.addOption(r.spec());
        }
        return command;
    }

    /**
     * @param command the parsed command
     * @param <T> the value type
     * @return the value of this option (its default when not given; null without a default)
     */
    <T> T value(CommandSpec command) {
        return command.findOption(name).getValue();
    }
}
