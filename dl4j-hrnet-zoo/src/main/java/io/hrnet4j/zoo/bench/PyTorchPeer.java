package io.hrnet4j.zoo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.zoo.arch.ExperimentConfig;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The PyTorch side of {@code hrnet bench --vs-pytorch}: this repository's {@code bench/pytorch_hrnet.py}, an HRNet
 * written in PyTorch from the paper's architecture with the official module layout (so official state-dict keys),
 * run with Debian's {@code python3-torch} under {@code /usr/bin/python3}.
 *
 * <p>Before any comparison the peer is proven to be the official network: {@link #verify} loads the shared tiny
 * oracle weights ({@code tiny_hrnet.npz}, official keys, strict) and must reproduce {@code tiny_output.npy} within
 * {@link #TOLERANCE}. Then {@link #start} runs it in its line-protocol mode ({@link RoundProcess}) with
 * {@code torch.set_num_threads(n)}, built from the same {@link HRNetConfig} as this project's networks
 * (written with {@link ExperimentConfig#toTree}).
 */
public final class PyTorchPeer {
    /** Largest accepted max-abs difference between the peer's tiny-oracle output and {@code tiny_output.npy}. */
    public static final double TOLERANCE = 1e-4;
    /** The interpreter of Debian's {@code python3-torch}. */
    public static final Path DEFAULT_PYTHON = Path.of("/usr/bin/python3");
    /** The script, relative to the repository root. */
    public static final String SCRIPT = "bench/pytorch_hrnet.py";
    /** System property that overrides the script location. */
    public static final String SCRIPT_PROPERTY = "hrnet.bench.script";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PyTorchPeer() {
    }

    /**
     * The result of {@link #verify}.
     *
     * @param maxAbsDiff largest absolute difference from {@code tiny_output.npy}
     * @param ok whether {@code maxAbsDiff <= TOLERANCE}
     * @param torchVersion {@code torch.__version__}
     * @param report the script's whole JSON report
     */
    public record Verification(double maxAbsDiff, boolean ok, String torchVersion, JsonNode report) {
    }

    /**
     * Finds the script: the {@value #SCRIPT_PROPERTY} property, else {@value #SCRIPT} in the working directory or a
     * parent, else beside the code of this class (its {@code target/classes} or jar inside the checkout) or a parent.
     *
     * @return the script
     * @throws InvalidConfigException if it is nowhere, or the property names no file
     */
    public static Path locateScript() {
        String p = System.getProperty(SCRIPT_PROPERTY);
        if (p != null && !p.isBlank()) {
            Path f = Path.of(p);
            if (!Files.isRegularFile(f)) {
                throw new InvalidConfigException(SCRIPT_PROPERTY + "=" + p + ": no such file");
            }
            return f;
        }
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(PyTorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // only the working directory then
        }
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                Path f = d.resolve(SCRIPT);
                if (Files.isRegularFile(f)) {
                    return f.normalize();
                }
            }
        }
        throw new InvalidConfigException(SCRIPT + " not found above " + starts.get(0) + ": run from the checkout or set -D"
                + SCRIPT_PROPERTY);
    }

    /**
     * @param python the interpreter
     * @return whether it imports {@code torch} and {@code numpy}
     */
    public static boolean torchAvailable(Path python) {
        if (!Files.isExecutable(python)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch, numpy")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Makes sure {@code python} has PyTorch: when it is missing, runs {@code apt-get update} and
     * {@code apt-get install -y python3-torch python3-numpy} (Debian's packages, which provide
     * {@code /usr/bin/python3}'s torch), saying so through {@code say} first.
     *
     * @param python the interpreter ({@link #DEFAULT_PYTHON} for the Debian packages)
     * @param say receives one line before the installation and apt's output lines
     * @throws IllegalStateException in one line when torch is missing and cannot be installed (not root, no apt-get,
     *     apt failed, or still missing afterwards)
     */
    public static void ensureTorch(Path python, Consumer<String> say) {
        if (torchAvailable(python)) {
            return;
        }
        String hint = "install it with: apt-get update && apt-get install -y python3-torch python3-numpy";
        if (!python.equals(DEFAULT_PYTHON)) {
            throw new IllegalStateException(python + " has no PyTorch (torch, numpy): " + hint + ", or use "
                    + DEFAULT_PYTHON);
        }
        Path apt = Path.of("/usr/bin/apt-get");
        if (!Files.isExecutable(apt)) {
            throw new IllegalStateException("PyTorch is missing for " + python + " and there is no apt-get to install "
                    + "python3-torch: install PyTorch for it");
        }
        if (!isRoot()) {
            throw new IllegalStateException("PyTorch is missing for " + python + " and installing python3-torch needs "
                    + "root: " + hint + " (as root)");
        }
        say.accept("PyTorch is missing: installing Debian's python3-torch python3-numpy with apt-get (needs network)");
        runApt(List.of(apt.toString(), "update"), say);
        runApt(List.of(apt.toString(), "install", "-y", "python3-torch", "python3-numpy"), say);
        if (!torchAvailable(python)) {
            throw new IllegalStateException("apt-get installed python3-torch but " + python + " still cannot import "
                    + "torch");
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static void runApt(List<String> cmd, Consumer<String> say) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    say.accept(line);
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue()
                        + "): PyTorch cannot be installed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", cmd) + " interrupted", e);
        }
    }

    /**
     * Runs {@code pytorch_hrnet.py --verify}: the tiny oracle network (official config in
     * {@code tiny_config.json}, weights {@code tiny_hrnet.npz} loaded strictly) on {@code tiny_input.npy}
     * {@code [2, 3, 128, 96]}, compared with {@code tiny_output.npy} {@code [2, 17, 32, 24]}.
     *
     * @param python the interpreter
     * @param script the script
     * @param oracle the oracle folder, or null for the script's default ({@code ../shared/oracle} beside the
     *     checkout)
     * @param threads {@code torch.set_num_threads} (the oracle was made with 2; 1 differs by float summation order)
     * @return the verification (check {@link Verification#ok()})
     * @throws IllegalStateException if the script fails to run or report (missing oracle files, bad keys)
     */
    public static Verification verify(Path python, Path script, Path oracle, int threads) {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), "--verify", "--threads",
                Integer.toString(threads)));
        if (oracle != null) {
            cmd.addAll(List.of("--oracle", oracle.toString()));
        }
        String[] outErr = run(cmd);
        JsonNode v;
        try {
            v = JSON.readTree(outErr[0]).path("verify");
        } catch (IOException e) {
            v = null;
        }
        if (v == null || !v.path("max_abs_diff").isNumber()) {
            throw new IllegalStateException(script + " --verify gave no report: " + firstLine(outErr[1]));
        }
        double d = v.get("max_abs_diff").asDouble();
        return new Verification(d, d <= TOLERANCE, v.path("torch").asText(), v);
    }

    /**
     * Starts the peer for one configuration and thread count and waits until its network is built.
     *
     * @param python the interpreter
     * @param script the script
     * @param cfg the architecture (plain HRNet; the peer has no DE-HRNet)
     * @param threads {@code torch.set_num_threads(threads)}
     * @param inferBatches inference batch sizes ({@code infer_b<n>} keys)
     * @param trainBatch training-step batch size ({@code train_b<n>}), 0 for none
     * @param workDir where the configuration file is written (a temporary folder)
     * @return the running peer; {@link RoundProcess#round()} answers {@code {"seconds": {...}, "peak_rss_bytes": n}}
     * @throws InvalidConfigException if the configuration is a DE-HRNet
     * @throws IllegalStateException if the peer fails to start
     */
    public static RoundProcess start(Path python, Path script, HRNetConfig cfg, int threads, int[] inferBatches,
                                     int trainBatch, Path workDir) {
        Objects.requireNonNull(cfg, "cfg");
        if (cfg.isDeHrnet()) {
            throw new InvalidConfigException("the PyTorch peer is plain HRNet: it cannot run a DE-HRNet "
                    + "configuration (compare the DE-HRNet with its plain HRNet instead)");
        }
        try {
            Path conf = workDir.resolve("pytorch_hrnet_config.json");
            AtomicFiles.writeString(conf, JSON.writeValueAsString(ExperimentConfig.toTree(cfg)));
            List<String> cmd = List.of(python.toString(), script.toString(), "--serve", "--config", conf.toString(),
                    "--threads", Integer.toString(threads), "--infer-batches", Arrays.stream(inferBatches)
                            .mapToObj(Integer::toString).collect(Collectors.joining(",")),
                    "--train-batch", Integer.toString(trainBatch));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new RoundProcess("PyTorch peer (" + threads + (threads == 1 ? " thread)" : " threads)"), p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + python + " " + script + ": " + e.getMessage(), e);
        }
    }

    /** @return {stdout, stderr} of a finished command */
    private static String[] run(List<String> cmd) {
        try {
            File errFile = File.createTempFile("pytorch_hrnet", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(errFile).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                return new String[] {out, Files.readString(errFile.toPath())};
            } finally {
                Files.deleteIfExists(errFile.toPath());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return t.isEmpty() ? "(no error output)" : nl < 0 ? t : t.substring(0, nl);
    }
}
