/**
 * Data-parallel training on several devices of one machine:
 * {@link io.hrnet4j.zoo.train.parallel.ParallelWrapperBackend} is the {@code PoseTrainer} execution backend over DL4J's
 * {@code ParallelWrapper} for the {@code ComputationGraph} realisation (parameter averaging or shared gradients,
 * prefetch), checkpointed in the trainer's one format, which single-device training reads and writes too.
 *
 * <p>The SameDiff realisation has no {@code ParallelWrapper}: train the equivalent graph here and move the weights
 * through the shared official state dict ({@code SameDiffHRNet.stateDict()}, {@code GraphWeights.load}), or use the
 * Spark module's backend.
 */
package io.hrnet4j.zoo.train.parallel;
