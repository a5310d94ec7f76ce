package io.hrnet4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hrnet} command-line tool (run through the {@code ./hrnet} launcher at the repository root). Each
 * subcommand has {@code --help}; errors go to stderr with a non-zero exit code (1 for bad input, 2 for usage).
 */
@Command(name = "hrnet", mixinStandardHelpOptions = true, version = "hrnet 0.1.0-SNAPSHOT",
        description = "HRNet / DE-HRNet human pose estimation on Deeplearning4j.",
        subcommands = {
                CommandLine.HelpCommand.class,
                SummaryCommand.class,
                BenchCommand.class,
                EvalCommand.class,
                InferRawCommand.class,
                EvalCocoCommand.class,
                EvalMpiiCommand.class,
                TrainCommand.class,
                InspectCommand.class,
                PredictCommand.class,
                SearchCommand.class,
                SynthCommand.class,
        })
public final class HrnetCli implements Callable<Integer> {

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        NativeSelection.configure();
        System.exit(commandLine().execute(args));
    }

    /** @return the configured picocli command line (shared by {@link #main} and the tests) */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HrnetCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("hrnet " + cmd.getCommandName() + ": error: " + describe(ex));
            if (Boolean.getBoolean("hrnet.stacktrace")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }
}
