package io.hrnet4j.zoo.train.parallel;

import java.nio.file.Path;

/**
 * Settings of {@link ParallelGraphTrainer}, built with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code workers}: model replicas trained side by side, one per device ({@code ParallelWrapper} assigns
 *       worker {@code i} to device {@code i % devices}; on the CPU backend all share the host). Each round hands one
 *       minibatch to each worker, so the effective batch is {@code workers x batch}: scale the learning rate as
 *       for multi-GPU training in the official code (32 per GPU).</li>
 *   <li>{@code prefetchBuffer}: minibatches {@code ParallelWrapper} reads ahead on its own thread (0: none).</li>
 *   <li>{@code mode}: {@link Mode#AVERAGING} (parameters, and updater state when {@code averageUpdaters}, averaged
 *       every {@code averagingFrequency} rounds) or {@link Mode#SHARED_GRADIENTS} (threshold-encoded gradient
 *       sharing after every minibatch; {@code averagingFrequency} is ignored).</li>
 *   <li>{@code checkpointDir} / {@code checkpointEveryRounds} / {@code keepCheckpoints}: a checkpoint at the end of
 *       every epoch and, if {@code checkpointEveryRounds > 0}, every that many rounds within an epoch
 *       ({@link CheckpointStore}); {@code null} folder: no checkpoints.</li>
 * </ul>
 *
 * @param workers replicas, &gt;= 1
 * @param prefetchBuffer minibatches read ahead, &gt;= 0
 * @param mode averaging or gradient sharing
 * @param averagingFrequency rounds between averagings (AVERAGING mode), &gt;= 1
 * @param averageUpdaters also average the updater state (Adam moments)
 * @param checkpointDir checkpoint folder, or null
 * @param checkpointEveryRounds rounds between checkpoints within an epoch (0: only at epoch ends); rounded up to a
 *        multiple of {@code averagingFrequency} so that checkpoints always follow an averaging
 * @param keepCheckpoints newest checkpoints kept, &gt;= 2
 */
public record ParallelTrainingConfig(int workers, int prefetchBuffer, Mode mode, int averagingFrequency,
                                     boolean averageUpdaters, Path checkpointDir, int checkpointEveryRounds,
                                     int keepCheckpoints) {

    /** How the replicas are kept in step. */
    public enum Mode {
        /** Parameter (and updater) averaging every {@code averagingFrequency} rounds. */
        AVERAGING,
        /** Threshold-encoded gradient sharing between replicas after each minibatch (Strom 2015). */
        SHARED_GRADIENTS
    }

    /**
     * @throws IllegalArgumentException if a count is out of range (message names the field and value)
     */
    public ParallelTrainingConfig {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (prefetchBuffer < 0) {
            throw new IllegalArgumentException("prefetchBuffer must be >= 0, got " + prefetchBuffer);
        }
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
        }
        if (checkpointEveryRounds < 0) {
            throw new IllegalArgumentException("checkpointEveryRounds must be >= 0, got " + checkpointEveryRounds);
        }
        if (keepCheckpoints < 2) {
            throw new IllegalArgumentException("keepCheckpoints must be >= 2, got " + keepCheckpoints);
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
    }

    /**
     * @return rounds per slice between two checkpoints within an epoch (0: the whole epoch in one slice)
     */
    int roundsPerSlice() {
        if (checkpointDir == null || checkpointEveryRounds == 0) {
            return 0;
        }
        int f = mode == Mode.AVERAGING ? averagingFrequency : 1;
        return (checkpointEveryRounds + f - 1) / f * f;
    }

    /** @return a builder: 2 workers, prefetch 4, averaging every round with updaters, no checkpoints, keep 3 */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ParallelTrainingConfig}. */
    public static final class Builder {
        private int workers = 2;
        private int prefetchBuffer = 4;
        private Mode mode = Mode.AVERAGING;
        private int averagingFrequency = 1;
        private boolean averageUpdaters = true;
        private Path checkpointDir;
        private int checkpointEveryRounds;
        private int keepCheckpoints = 3;

        private Builder() {
        }

        /** @param n replicas (one per GPU), &gt;= 1 @return this */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** @param n minibatches read ahead, &gt;= 0 @return this */
        public Builder prefetchBuffer(int n) {
            this.prefetchBuffer = n;
            return this;
        }

        /** @param m averaging or gradient sharing @return this */
        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        /** @param n rounds between parameter averagings, &gt;= 1 @return this */
        public Builder averagingFrequency(int n) {
            this.averagingFrequency = n;
            return this;
        }

        /** @param b average the updater state too (default true) @return this */
        public Builder averageUpdaters(boolean b) {
            this.averageUpdaters = b;
            return this;
        }

        /** @param dir checkpoint folder (null: none) @return this */
        public Builder checkpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /** @param n rounds between checkpoints within an epoch (0: epoch ends only) @return this */
        public Builder checkpointEveryRounds(int n) {
            this.checkpointEveryRounds = n;
            return this;
        }

        /** @param n newest checkpoints kept, &gt;= 2 @return this */
        public Builder keepCheckpoints(int n) {
            this.keepCheckpoints = n;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException if a value is out of range
         */
        public ParallelTrainingConfig build() {
            return new ParallelTrainingConfig(workers, prefetchBuffer, mode, averagingFrequency, averageUpdaters,
                    checkpointDir, checkpointEveryRounds, keepCheckpoints);
        }
    }
}
