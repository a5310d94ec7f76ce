package io.hrnet4j.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.io.HrnetException;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.inference.NonFiniteOutputException;
import io.hrnet4j.zoo.train.TrainingException;
import io.hrnet4j.zoo.weights.CheckpointFormatException;
import io.hrnet4j.zoo.weights.WeightMismatchException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's error vocabulary: every type is marked {@link HrnetException} and keeps the JDK kind callers catch
 * (checked {@link IOException} for files, unchecked for configuration and state), with the typed details callers
 * branch on instead of parsing messages.
 */
class ErrorVocabularyTest {

    @Test
    void everyTypeIsMarkedAndKeepsItsJdkKind() {
        assertThat(new DataFormatException("a.npz!w.npy", "truncated .npy data")).isInstanceOf(HrnetException.class)
                .isInstanceOf(IOException.class).hasMessage("a.npz!w.npy: truncated .npy data");
        assertThat(new InvalidConfigException("exp.yaml: MODEL.NUM_JOINTS: must be >= 1"))
                .isInstanceOf(HrnetException.class).isInstanceOf(IllegalArgumentException.class);
        assertThat(new CheckpointFormatException("w.pth: truncated pickle")).isInstanceOf(HrnetException.class)
                .isInstanceOf(IOException.class);
        assertThat(new WeightMismatchException("1 missing", List.of("final_layer.bias"), List.of(), List.of()))
                .isInstanceOf(HrnetException.class).isInstanceOf(IOException.class);
        assertThat(new TrainingException("cannot write metrics")).isInstanceOf(HrnetException.class)
                .isInstanceOf(RuntimeException.class);
        // a NaN prediction is a state of the network, not an arithmetic programming error
        assertThat(new NonFiniteOutputException("crop #0: joint 3 is NaN")).isInstanceOf(HrnetException.class)
                .isInstanceOf(IllegalStateException.class).isNotInstanceOf(ArithmeticException.class);
    }

    @Test
    void aBadCheckpointTellsItsReason() {
        CheckpointFormatException malformed = new CheckpointFormatException("w.pth: no state dict", null);
        assertThat(malformed.reason()).isEqualTo(CheckpointFormatException.Reason.MALFORMED);
        assertThat(malformed.key()).isNull();
        assertThat(malformed.expectedSha256()).isNull();

        CheckpointFormatException sum = CheckpointFormatException.checksum("w.pth: SHA-256 cd... does not match ab12",
                "ab12cd34", "cd".repeat(32));
        assertThat(sum.reason()).isEqualTo(CheckpointFormatException.Reason.CHECKSUM);
        assertThat(sum.expectedSha256()).isEqualTo("ab12cd34");
        assertThat(sum.actualSha256()).isEqualTo("cd".repeat(32));
        assertThat(sum.key()).isNull();
        assertThat(sum).hasMessage("w.pth: SHA-256 cd... does not match ab12");

        CheckpointFormatException nan = CheckpointFormatException.nonFinite("w.pth: weight 'conv1.weight' holds 1 NaN",
                "conv1.weight");
        assertThat(nan.reason()).isEqualTo(CheckpointFormatException.Reason.NON_FINITE);
        assertThat(nan.key()).isEqualTo("conv1.weight");
        assertThat(nan.actualSha256()).isNull();
    }

    @Test
    void aDivergedRunIsTypedNotParsed() {
        assertThat(TrainingException.diverged("loss is NaN at epoch 1, iteration 3").diverged()).isTrue();
        assertThat(new TrainingException("no checkpoint to resume from in /run").diverged()).isFalse();
        assertThat(new TrainingException("cannot write", new IOException("disk full")).diverged()).isFalse();
    }
}
