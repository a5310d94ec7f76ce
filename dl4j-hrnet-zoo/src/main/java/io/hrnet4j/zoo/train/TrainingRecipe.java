package io.hrnet4j.zoo.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The training recipe: optimiser, learning-rate schedule, epochs, batch, data workers, seed and the trainer's
 * bookkeeping intervals. {@link #published()} is the official HRNet recipe (Sun et al., CVPR 2019, section 4.1;
 * {@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}: {@code TRAIN.OPTIMIZER adam}, {@code LR 0.001},
 * {@code WD 0.0}, {@code LR_STEP [170, 200]}, {@code LR_FACTOR 0.1}, {@code END_EPOCH 210},
 * {@code BATCH_SIZE_PER_GPU 32}); the loss is {@link JointsMSELoss} (target weights on) in both realisations.
 *
 * <p>The learning rate is a DL4J {@link MapSchedule} of type {@link ScheduleType#EPOCH}: {@code lr} from epoch 0,
 * {@code lr * factor^m} from the m-th milestone on (PyTorch {@code MultiStepLR} stepped once per epoch), optionally
 * behind a linear {@link WarmupSchedule} over the first iterations.
 *
 * @param epochs number of epochs (210)
 * @param milestones epochs at which the learning rate is multiplied by {@code factor} ({170, 200}), increasing
 * @param factor the multiplier (0.1)
 * @param learningRate the initial learning rate (1e-3)
 * @param batchSize examples per iteration (32)
 * @param workers data-loading threads (the official {@code WORKERS} is 24 on 4 GPUs; here default 2)
 * @param seed seed of the weight initialisation, data order, augmentation and ND4J's random generator
 * @param warmupIterations linear warm-up iterations (0: none, as the official recipe)
 * @param checkpointEveryIterations a checkpoint every this many iterations (0: only at epoch ends)
 * @param keepCheckpoints how many of the latest checkpoints are kept (&gt;= 1; 2 or more lets a corrupt last one
 *     fall back)
 * @param validateEveryEpochs validation every this many epochs, and after the last (0: only after the last)
 * @param logEveryIterations one progress line every this many iterations
 * @param flipTest validate with the flip test ({@code TEST.FLIP_TEST}, true officially)
 */
public record TrainingRecipe(int epochs, int[] milestones, double factor, double learningRate, int batchSize,
                             int workers, long seed, int warmupIterations, int checkpointEveryIterations,
                             int keepCheckpoints, int validateEveryEpochs, int logEveryIterations, boolean flipTest) {

    /** @throws IllegalArgumentException naming the first field out of range */
    public TrainingRecipe {
        milestones = milestones.clone();
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        for (int i = 0; i < milestones.length; i++) {
            require(milestones[i] >= 0 && (i == 0 || milestones[i] > milestones[i - 1]),
                    "milestones must be increasing epochs >= 0, got " + Arrays.toString(milestones));
        }
        require(factor > 0 && Double.isFinite(factor), "factor must be positive, got " + factor);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, got " + learningRate);
        require(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
        require(workers >= 1, "workers must be >= 1, got " + workers);
        require(warmupIterations >= 0, "warm-up iterations must be >= 0, got " + warmupIterations);
        require(checkpointEveryIterations >= 0, "checkpoint interval must be >= 0, got " + checkpointEveryIterations);
        require(keepCheckpoints >= 1, "keep checkpoints must be >= 1, got " + keepCheckpoints);
        require(validateEveryEpochs >= 0, "validation interval must be >= 0, got " + validateEveryEpochs);
        require(logEveryIterations >= 1, "log interval must be >= 1, got " + logEveryIterations);
    }

    /**
     * The argument check of this package's constructors and builders.
     *
     * @param ok the condition the argument must meet
     * @param message the message naming the argument, the range and the value given
     * @throws IllegalArgumentException with {@code message} when {@code ok} is false
     */
    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The check of this package's counts and sizes where 0 means "off" or "no limit".
     *
     * @param value the count or size
     * @param what its name for the message (e.g. {@code max iterations})
     * @return {@code value}
     * @throws IllegalArgumentException "{@code <what> must be >= 0, got <value>}" when {@code value < 0}
     */
    static long nonNegative(long value, String what) {
        require(value >= 0, what + " must be >= 0, got " + value);
        return value;
    }

    /**
     * @return the published recipe: 210 epochs, Adam 1e-3, x0.1 at 170 and 200, batch 32, no warm-up, 2 workers,
     *     seed 0, a checkpoint at each epoch end and every 1,000 iterations, the last 3 kept, validation every 10
     *     epochs, a progress line every 50 iterations, flip test on
     */
    public static TrainingRecipe published() {
        return new TrainingRecipe(210, new int[] {170, 200}, 0.1, 1e-3, 32, 2, 0, 0, 1000, 3, 10, 50, true);
    }

    /**
     * The embedded default's recipe ({@code ./hrnet train} with no arguments, model
     * {@link io.hrnet4j.zoo.arch.Presets#EMBEDDED}): the published one (Adam, no weight decay, step x0.1) shortened to
     * {@code epochs} with the drop at 80% of them (rounded, at least epoch 1), lr 5e-3 (the small model from the
     * official N(0, 0.001) initialisation leaves the all-zero-heatmap plateau several times sooner than at 1e-3),
     * batch 32, 2 data workers, validation every 2 epochs and after the last, a checkpoint every 100 iterations and
     * at epoch ends, progress every 10 iterations.
     *
     * @param epochs number of epochs
     * @return the recipe
     */
    public static TrainingRecipe embedded(int epochs) {
        return builder().epochs(epochs).milestones(Math.max(1, (int) Math.round(epochs * 0.8)))
                .learningRate(5e-3).batchSize(32).workers(2).seed(0).checkpointEveryIterations(100)
                .keepCheckpoints(3).validateEveryEpochs(2).logEveryIterations(10).flipTest(true).build();
    }

    /**
     * The seed handed to ND4J's random generators for a run seed. ND4J 1.0.0-M2.1's native generator started from
     * seed 0 ({@code Nd4j.getRandomFactory().getNewRandomInstance(0)}) yields a different stream in every process
     * (measured: {@code nextLong()} of two JVMs differ; any other seed repeats), which made two runs with the default
     * {@code --seed 0} start from different weights. The run seed is therefore mixed by SplitMix64 (Steele et al.,
     * OOPSLA 2014, {@code mix64} of {@code seed + 0x9E3779B97F4A7C15}), a bijection, and a zero result replaced by 1.
     *
     * @param seed a run seed (any value, 0 included)
     * @return a non-zero seed for ND4J, the same for the same run seed in every process
     */
    public static long nd4jSeed(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return z == 0 ? 1 : z;
    }

    /** @return a copy of the milestones */
    @Override
    public int[] milestones() {
        return milestones.clone();
    }

    /**
     * @return the learning-rate schedule: a {@link MapSchedule} by epoch ({@code lr}, then {@code lr * factor^m} from
     *     milestone m), wrapped in a {@link WarmupSchedule} when {@code warmupIterations > 0}
     */
    public ISchedule learningRateSchedule() {
        Map<Integer, Double> values = new HashMap<>();
        values.put(0, learningRate);
        double lr = learningRate;
        for (int m : milestones) {
            lr *= factor;
            values.put(m, lr);
        }
        ISchedule s = new MapSchedule(ScheduleType.EPOCH, values);
        return warmupIterations > 0 ? new WarmupSchedule(warmupIterations, s) : s;
    }

    /** @return Adam (beta1 0.9, beta2 0.999, eps 1e-8, PyTorch's defaults) over {@link #learningRateSchedule()} */
    public IUpdater updater() {
        return new Adam(learningRateSchedule());
    }

    /**
     * @param iteration 0-based iteration
     * @param epoch 0-based epoch
     * @return the learning rate there
     */
    public double learningRateAt(int iteration, int epoch) {
        return learningRateSchedule().valueAt(iteration, epoch);
    }

    /**
     * Lists what a continued run may not change: the fields that decide the optimisation path (learning rate,
     * milestones, factor, batch size, seed, warm-up). The epoch count and the bookkeeping intervals may change
     * (extending a run, checkpointing more often).
     *
     * @param other the recipe of the continuing run
     * @return one {@code "field run-value -> other-value"} entry per difference, empty when none
     */
    public java.util.List<String> contradictions(TrainingRecipe other) {
        java.util.List<String> d = new java.util.ArrayList<>();
        diff(d, "lr", learningRate, other.learningRate);
        diff(d, "milestones", Arrays.toString(milestones), Arrays.toString(other.milestones));
        diff(d, "factor", factor, other.factor);
        diff(d, "batch", batchSize, other.batchSize);
        diff(d, "seed", seed, other.seed);
        diff(d, "warmup", warmupIterations, other.warmupIterations);
        return d;
    }

    private static void diff(java.util.List<String> d, String name, Object a, Object b) {
        if (!a.equals(b)) {
            d.add(name + " " + a + " (run) vs " + b);
        }
    }

    /** @return a builder starting from {@link #published()} */
    public static Builder builder() {
        return new Builder(published());
    }

    /** @return a builder starting from this recipe */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingRecipe r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "TrainingRecipe[epochs=" + epochs + ", milestones=" + Arrays.toString(milestones) + ", factor=" + factor
                + ", lr=" + learningRate + ", batch=" + batchSize + ", workers=" + workers + ", seed=" + seed
                + ", warmup=" + warmupIterations + ", checkpointEvery=" + checkpointEveryIterations + ", keep="
                + keepCheckpoints + ", validateEvery=" + validateEveryEpochs + ", logEvery=" + logEveryIterations
                + ", flipTest=" + flipTest + "]";
    }

    /** Builder of {@link TrainingRecipe}; every setter names the field it sets. */
    public static final class Builder {
        private int epochs;
        private int[] milestones;
        private double factor;
        private double learningRate;
        private int batchSize;
        private int workers;
        private long seed;
        private int warmupIterations;
        private int checkpointEveryIterations;
        private int keepCheckpoints;
        private int validateEveryEpochs;
        private int logEveryIterations;
        private boolean flipTest;

        private Builder(TrainingRecipe r) {
            epochs = r.epochs;
            milestones = r.milestones.clone();
            factor = r.factor;
            learningRate = r.learningRate;
            batchSize = r.batchSize;
            workers = r.workers;
            seed = r.seed;
            warmupIterations = r.warmupIterations;
            checkpointEveryIterations = r.checkpointEveryIterations;
            keepCheckpoints = r.keepCheckpoints;
            validateEveryEpochs = r.validateEveryEpochs;
            logEveryIterations = r.logEveryIterations;
            flipTest = r.flipTest;
        }

        /** @param n epochs @return this */
        public Builder epochs(int n) {
            epochs = n;
            return this;
        }

        /** @param m learning-rate milestones, epochs @return this */
        public Builder milestones(int... m) {
            milestones = m.clone();
            return this;
        }

        /** @param f learning-rate multiplier at each milestone @return this */
        public Builder factor(double f) {
            factor = f;
            return this;
        }

        /** @param lr initial learning rate @return this */
        public Builder learningRate(double lr) {
            learningRate = lr;
            return this;
        }

        /** @param n batch size @return this */
        public Builder batchSize(int n) {
            batchSize = n;
            return this;
        }

        /** @param n data-loading threads @return this */
        public Builder workers(int n) {
            workers = n;
            return this;
        }

        /** @param s seed @return this */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** @param n warm-up iterations @return this */
        public Builder warmupIterations(int n) {
            warmupIterations = n;
            return this;
        }

        /** @param n checkpoint interval in iterations (0: epoch ends only) @return this */
        public Builder checkpointEveryIterations(int n) {
            checkpointEveryIterations = n;
            return this;
        }

        /** @param n checkpoints kept @return this */
        public Builder keepCheckpoints(int n) {
            keepCheckpoints = n;
            return this;
        }

        /** @param n validation interval in epochs (0: after the last only) @return this */
        public Builder validateEveryEpochs(int n) {
            validateEveryEpochs = n;
            return this;
        }

        /** @param n progress-line interval in iterations @return this */
        public Builder logEveryIterations(int n) {
            logEveryIterations = n;
            return this;
        }

        /** @param b flip test during validation @return this */
        public Builder flipTest(boolean b) {
            flipTest = b;
            return this;
        }

        /** @return the recipe @throws IllegalArgumentException naming a field out of range */
        public TrainingRecipe build() {
            return new TrainingRecipe(epochs, milestones, factor, learningRate, batchSize, workers, seed,
                    warmupIterations, checkpointEveryIterations, keepCheckpoints, validateEveryEpochs,
                    logEveryIterations, flipTest);
        }
    }
}
