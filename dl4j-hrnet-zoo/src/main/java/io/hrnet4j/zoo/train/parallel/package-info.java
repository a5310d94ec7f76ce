/**
 * Data-parallel training on several devices of one machine: {@link io.hrnet4j.zoo.train.parallel.ParallelGraphTrainer}
 * wraps DL4J's {@code ParallelWrapper} for the {@code ComputationGraph} realisation (parameter averaging or shared
 * gradients, prefetch), with atomic checkpoints ({@link io.hrnet4j.zoo.train.parallel.TrainingCheckpoint},
 * {@link io.hrnet4j.zoo.train.parallel.CheckpointStore}) that single-device training reads and writes too.
 *
 * <p>The SameDiff realisation has no {@code ParallelWrapper}: train the equivalent graph here and move the weights
 * through the shared official state dict ({@code SameDiffHRNet.stateDict()}, {@code GraphWeights.load}), or use the
 * Spark module, or run one process per device and average the state dicts between epochs.
 */
package io.hrnet4j.zoo.train.parallel;
