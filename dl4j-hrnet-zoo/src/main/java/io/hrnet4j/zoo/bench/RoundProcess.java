package io.hrnet4j.zoo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark process driven one round at a time over a line protocol, so that two such processes (this
 * project's child JVM and the PyTorch peer) can be alternated round by round and any load drift on the machine
 * hits both. Protocol: the process prints one JSON object line when ready ({@code {"ready": true, ...}}); each
 * {@code round} line written to its stdin makes it time every measurement once and print one JSON object line;
 * {@code quit} ends it. Its stderr is not read here (the caller inherits or redirects it).
 */
public final class RoundProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final BufferedReader in;
    private final Writer out;
    private final JsonNode ready;

    /**
     * The start of a child JVM's command line, shared by every benchmark that runs its measurements in child JVMs
     * ({@code hrnet bench --vs-pytorch / --scaling / --natives}, {@link GraphProfile}): this JVM's {@code java}
     * executable, then this JVM's options (heap, system properties) without debugging and profiling agents
     * ({@code -agentlib}, {@code -javaagent}, {@code -Xdebug}: a second JVM cannot attach to the same agent port).
     * The caller appends its own options, {@code -cp}, the main class and the arguments.
     *
     * @return a new, modifiable list: the executable first, then the inherited options
     */
    public static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xdebug")) {
                cmd.add(a);
            }
        }
        return cmd;
    }

    /**
     * Waits for the process's ready line.
     *
     * @param name what the process is, for messages (e.g. {@code PyTorch peer (2 threads)})
     * @param process the started process (stdout and stdin piped)
     * @throws IllegalStateException if it exits or prints something else than a JSON object first
     */
    public RoundProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        JsonNode r = readLine();
        if (!r.path("ready").asBoolean(false)) {
            close();
            throw new IllegalStateException(name + ": expected a ready line first, got " + r);
        }
        this.ready = r;
    }

    /** @return the ready line (versions, threads, parameter count as the process reports them) */
    public JsonNode ready() {
        return ready;
    }

    /** @return the process id (e.g. for {@link MemoryUsage#ofProcess}) */
    public long pid() {
        return process.pid();
    }

    /**
     * @return the process's answer to one {@code round}: a JSON object with at least {@code seconds}
     * @throws IllegalStateException if the process died or answered something else
     */
    public JsonNode round() {
        try {
            out.write("round\n");
            out.flush();
        } catch (IOException e) {
            throw failure("stopped accepting commands", e);
        }
        JsonNode r = readLine();
        if (!r.path("seconds").isObject()) {
            throw new IllegalStateException(name + ": a round answered without \"seconds\": " + r);
        }
        return r;
    }

    private JsonNode readLine() {
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            throw failure("output unreadable", e);
        }
        if (line == null) {
            throw failure("ended without an answer", null);
        }
        try {
            JsonNode n = JSON.readTree(line);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // reported below
        }
        String shown = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        throw new IllegalStateException(name + ": expected a JSON line, got: " + shown);
    }

    private IllegalStateException failure(String what, Throwable cause) {
        String exit = "";
        try {
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                exit = " (exit " + process.exitValue() + "; its error output is above)";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException(name + ": " + what + exit, cause);
    }

    /** Sends {@code quit} and waits up to 30 s for the process to end, then kills it. */
    @Override
    public void close() {
        try {
            out.write("quit\n");
            out.flush();
            out.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
