package io.hrnet4j.examples;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of the example programs: a fixed number of positional arguments followed by {@code --name value}
 * pairs. A wrong count or an unknown option prints the usage line and the problem to stderr and exits with status 2
 * (no stack trace). Copy this class along with an example.
 */
public final class ExampleArgs {
    private final List<String> positional;
    private final Map<String, String> options;

    private ExampleArgs(List<String> positional, Map<String, String> options) {
        this.positional = positional;
        this.options = options;
    }

    /**
     * @param args the arguments of {@code main}
     * @param positionalCount how many positional arguments come first
     * @param usage the usage line, e.g. {@code "PredictWithPretrainedWeights IMAGE OUT_DIR [--weights FILE]"}
     * @param known the option names the program accepts, with their dashes ({@code "--weights"})
     * @return the parsed arguments; exits the JVM with status 2 on a usage error
     */
    public static ExampleArgs parse(String[] args, int positionalCount, String usage, String... known) {
        if (args.length < positionalCount || (args.length - positionalCount) % 2 != 0) {
            fail(usage, args.length < positionalCount ? "expected " + positionalCount + " arguments before the options"
                    : "option " + args[args.length - 1] + " has no value");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = positionalCount; i < args.length; i += 2) {
            if (!Arrays.asList(known).contains(args[i])) {
                fail(usage, "unknown option " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        return new ExampleArgs(List.of(args).subList(0, positionalCount), options);
    }

    private static void fail(String usage, String problem) {
        System.err.println("usage: " + usage);
        System.err.println(problem);
        System.exit(2);
    }

    /**
     * @param index 0-based position
     * @return that positional argument as a path
     */
    public Path path(int index) {
        return Path.of(positional.get(index));
    }

    /**
     * @param option an option name, e.g. {@code --weights}
     * @param fallback the value when the option is absent (may be null)
     * @return the option's value as a path, or the fallback
     */
    public Path path(String option, Path fallback) {
        String v = options.get(option);
        return v == null ? fallback : Path.of(v);
    }

    /**
     * @param option an option name
     * @param fallback the value when the option is absent
     * @return the option's value, or the fallback
     */
    public String text(String option, String fallback) {
        return options.getOrDefault(option, fallback);
    }

    /**
     * @param option an option name
     * @param fallback the value when the option is absent
     * @return the option's value as a number, or the fallback
     * @throws NumberFormatException if the value is not a number
     */
    public double number(String option, double fallback) {
        String v = options.get(option);
        return v == null ? fallback : Double.parseDouble(v);
    }

    /**
     * @param option an option name
     * @param fallback the value when the option is absent
     * @return the option's value as an integer, or the fallback
     * @throws NumberFormatException if the value is not an integer
     */
    public long integer(String option, long fallback) {
        String v = options.get(option);
        return v == null ? fallback : Long.parseLong(v);
    }

    /**
     * @param option an option name
     * @return whether it was given
     */
    public boolean has(String option) {
        return options.containsKey(option);
    }
}
