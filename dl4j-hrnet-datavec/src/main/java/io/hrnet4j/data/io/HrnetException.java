package io.hrnet4j.data.io;

/**
 * Marks the exceptions hrnet4j throws for a failure it can name: its whole error vocabulary. Each is thrown by the
 * library with a one- or two-line message naming the file, record, field, key or setting at fault, never a command
 * line option:
 * <ul>
 *   <li>{@link DataFormatException} (an {@link java.io.IOException}): a bad data file (annotations, detections,
 *       results, ground truth, NumPy arrays, images, a synthetic dataset folder);</li>
 *   <li>{@code io.hrnet4j.zoo.arch.InvalidConfigException} (an {@link IllegalArgumentException}): a bad
 *       configuration (architecture, experiment YAML, search space, benchmark setting);</li>
 *   <li>{@code io.hrnet4j.zoo.weights.CheckpointFormatException} (an {@link java.io.IOException}): a bad or foreign
 *       weights file (malformed, wrong checksum, non-finite values: its {@code reason()});</li>
 *   <li>{@code io.hrnet4j.zoo.weights.WeightMismatchException} (an {@link java.io.IOException}): weights that do not
 *       fit the network (missing, unexpected, mis-shaped keys);</li>
 *   <li>{@code io.hrnet4j.zoo.train.TrainingException} (a {@link RuntimeException}): training cannot start or
 *       continue (diverged loss, unusable checkpoint or output folder);</li>
 *   <li>{@code io.hrnet4j.zoo.inference.NonFiniteOutputException} (a {@link RuntimeException}): the network produced
 *       a NaN or infinite prediction.</li>
 * </ul>
 * A failure of the file system or the network is the JDK's {@link java.io.IOException} (e.g.
 * {@link java.nio.file.NoSuchFileException}); a programming error (null argument, out-of-range index) is the JDK's
 * unchecked exception.
 *
 * <p>Java cannot catch an interface: to handle "any hrnet4j error" catch {@link Exception} and test
 * {@code e instanceof HrnetException}; its message is meant for the user as it stands.
 */
public interface HrnetException {
}
