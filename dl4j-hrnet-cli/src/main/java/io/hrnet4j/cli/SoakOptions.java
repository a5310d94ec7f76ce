package io.hrnet4j.cli;

import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.RssSampler;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The memory-sampling options of {@code hrnet train}: {@code --rss-every N} samples the resident set every N steps of
 * any run into {@code rss.csv} / {@code rss.json} / {@code rss.png} ({@link RssSampler}); {@code --soak [N]} (default
 * 1000) is the memory soak: a fresh run of N iterations (epochs extended to cover them), sampled every
 * {@code --rss-every} (default N/100) iterations, whose least-squares slope after the warm-up (the first
 * {@link RssSampler#WARMUP_FRACTION} of the samples), in MiB per 100 iterations, decides the exit code against
 * {@code --soak-limit} (default {@link RssSampler#FLAT_LIMIT_MIB_PER_100}).
 */
public final class SoakOptions {
    @Option(names = "--rss-every", paramLabel = "N",
            description = "sample the resident memory every N steps into rss.csv and print its slope after warm-up "
                    + "(memory soak: --max-iterations 1000 --rss-every 10)")
    Integer rssEvery;

    @Option(names = "--soak", arity = "0..1", fallbackValue = "1000", paramLabel = "ITERATIONS",
            description = "memory soak: train ITERATIONS iterations (default 1000; epochs extended to cover them), "
                    + "sample the resident memory every --rss-every (default ITERATIONS/100) into rss.csv, rss.json, "
                    + "rss.png, print the slope after the warm-up (first 20%%) in MiB per 100 iterations; exit 1 "
                    + "when it exceeds --soak-limit")
    Integer soak;

    @Option(names = "--soak-limit", paramLabel = "MIB", defaultValue = "" + RssSampler.FLAT_LIMIT_MIB_PER_100,
            description = "--soak: largest slope counted as flat, MiB per 100 iterations (default ${DEFAULT-VALUE})")
    double soakLimit;

    /**
     * Checks the soak options (before any data is read) and makes the soak's sampler.
     *
     * @param excluded the name of a given option a soak excludes because it sets the run's length itself
     *     ({@code --resume}, {@code --max-iterations}), or null
     * @return the sampler of {@code --soak}: every {@code --rss-every} (default N/100, at least 1) iterations, the
     *     default warm-up fraction, {@code --soak-limit} MiB per 100 iterations; null without {@code --soak}
     * @throws IllegalArgumentException for a soak below 10 iterations, an {@code excluded} option, an interval that
     *     leaves fewer than 3 samples, or a limit that is negative, infinite or NaN
     */
    RssSampler sampler(String excluded) {
        if (soak == null) {
            return null;
        }
        if (soak < 10) {
            throw new IllegalArgumentException("--soak needs at least 10 iterations, got " + soak);
        }
        if (excluded != null) {
            throw new IllegalArgumentException("--soak runs a fresh training of its own length: it excludes "
                    + excluded);
        }
        int every = rssEvery != null ? rssEvery : Math.max(1, soak / 100);
        if (every < 1 || every > soak / 3) {
            throw new IllegalArgumentException("--rss-every with --soak " + soak + " must be 1.." + soak / 3
                    + " (at least 3 samples), got " + every);
        }
        if (!(soakLimit >= 0) || Double.isInfinite(soakLimit)) {
            throw new IllegalArgumentException("--soak-limit must be a finite number >= 0, got " + soakLimit);
        }
        return new RssSampler(every, RssSampler.WARMUP_FRACTION, soakLimit);
    }

    /**
     * @param epochs the recipe's epochs
     * @param batchesPerEpoch iterations per epoch
     * @return the epochs a soak needs to run its iterations: {@code epochs}, or more when they hold fewer than the
     *     soak's iterations (also {@code epochs} without {@code --soak})
     */
    int epochsCovering(int epochs, int batchesPerEpoch) {
        if (soak == null || (long) epochs * batchesPerEpoch >= soak) {
            return epochs;
        }
        return (soak + batchesPerEpoch - 1) / batchesPerEpoch;
    }

    /**
     * Sets the trainer's memory sampling: the soak's length and sampler, or {@code --rss-every} on an ordinary run.
     *
     * @param b the trainer being built
     * @param sampler the soak's sampler from {@link #sampler(String)}, or null
     */
    void configure(PoseTrainer.Builder b, RssSampler sampler) {
        if (sampler != null) {
            b.maxIterations(soak).rssSampler(sampler);
        } else if (rssEvery != null) {
            b.rssEvery(rssEvery);
        }
    }

    /**
     * The soak's verdict after the run.
     *
     * @param sampler the soak's sampler after the run, or null (no soak)
     * @param output the run folder (holding {@code rss.csv})
     * @param err where a resident set that is not flat is reported, in one line
     * @return the exit code: 1 when the soak's slope exceeds its limit, else 0
     */
    static int exitCode(RssSampler sampler, Path output, PrintWriter err) {
        if (sampler == null || sampler.flat()) {
            return 0;
        }
        err.println("hrnet train --soak: " + sampler.summary() + " (samples in " + output.resolve("rss.csv") + ")");
        err.flush();
        return 1;
    }
}
