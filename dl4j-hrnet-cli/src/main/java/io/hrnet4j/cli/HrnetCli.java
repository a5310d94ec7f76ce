package io.hrnet4j.cli;

import io.hrnet4j.zoo.arch.MemoryBudget;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code hrnet} command-line tool (run through the {@code ./hrnet} launcher at the repository root). Each
 * subcommand has {@code --help}; errors go to stderr as one line {@code hrnet CMD: error: ...} with a non-zero exit
 * code (1 for bad input or a failed run, 2 for usage), never a stack trace unless {@code --verbose} is given (or the
 * system property {@code hrnet.stacktrace} is true). Out-of-memory and stack-overflow errors are reported the same
 * way, with the memory budget ({@link MemoryBudget}).
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

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print the stack trace after the one-line message.")
    boolean verbose;

    /**
     * Entry point. Sets JavaCPP's off-heap limits from the memory budget before any native library loads.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        try {
            MemoryBudget.configureJavaCpp();
        } catch (RuntimeException e) {
            System.err.println("hrnet: error: " + describe(e));
            System.exit(2);
        }
        NativeSelection.configure();
        System.exit(commandLine().execute(args));
    }

    /** @return the configured picocli command line (shared by {@link #main} and the tests) */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HrnetCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (OutOfMemoryError | StackOverflowError e) {
                // picocli passes only Exceptions to the handler: wrap the Error so it is reported the same way
                throw new CommandLine.ExecutionException(last(parseResult).commandSpec().commandLine(),
                        String.valueOf(e.getMessage()), e);
            }
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable t = ex instanceof CommandLine.ExecutionException && ex.getCause() instanceof Error
                    ? ex.getCause() : ex;
            cmd.getErr().println("hrnet " + cmd.getCommandName() + ": error: " + describe(t));
            if (verbose(parseResult)) {
                t.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    private static ParseResult last(ParseResult pr) {
        ParseResult p = pr;
        while (p.subcommand() != null) {
            p = p.subcommand();
        }
        return p;
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return Boolean.getBoolean("hrnet.stacktrace");
    }

    /**
     * @param ex an error of a command
     * @return its one-line description: the library's message, or for the JDK's terse exceptions (a missing file, a
     *     denied permission, out of memory) a sentence naming what happened
     */
    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException && ex.getCause() != null) {
            return describe(ex.getCause());
        }
        if (ex instanceof OutOfMemoryError) {
            return "out of memory (" + ex.getMessage() + "); memory budget " + MemoryBudget.describe()
                    + ": use a smaller --batch or --input, or raise " + MemoryBudget.ENV;
        }
        if (ex instanceof StackOverflowError) {
            return "stack overflow (an input nested too deeply?)";
        }
        if (ex instanceof NoSuchFileException e) {
            return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "no such file");
        }
        if (ex instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (ex instanceof FileSystemException e && e.getReason() != null) {
            return e.getFile() + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": " + e.getReason();
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            return ex.getClass().getSimpleName() + " (run with --verbose for the stack trace)";
        }
        if (ex instanceof NullPointerException || ex instanceof ClassCastException
                || ex instanceof ArrayIndexOutOfBoundsException || ex instanceof ArithmeticException) {
            return "internal error: " + ex.getClass().getSimpleName() + ": " + msg.strip()
                    + " (run with --verbose for the stack trace)";
        }
        return msg.strip();
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }
}
