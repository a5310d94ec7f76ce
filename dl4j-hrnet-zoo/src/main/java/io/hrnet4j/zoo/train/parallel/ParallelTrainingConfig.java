package io.hrnet4j.zoo.train.parallel;


/**
 * Settings of {@link ParallelWrapperBackend}, built with {@link #builder()}.
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
 * </ul>
 *
 * @param workers replicas, &gt;= 1
 * @param prefetchBuffer minibatches read ahead, &gt;= 0
 * @param mode averaging or gradient sharing
 * @param averagingFrequency rounds between averagings (AVERAGING mode), &gt;= 1
 * @param averageUpdaters also average the updater state (Adam moments)
 */
public record ParallelTrainingConfig(int workers, int prefetchBuffer, Mode mode, int averagingFrequency,
                                     boolean averageUpdaters) {

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
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
    }

    /** @return a builder: 2 workers, prefetch 4, averaging every round with updaters */
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

        /**
         * @return the settings
         * @throws IllegalArgumentException if a value is out of range
         */
        public ParallelTrainingConfig build() {
            return new ParallelTrainingConfig(workers, prefetchBuffer, mode, averagingFrequency, averageUpdaters);
        }
    }
}
