package io.hrnet4j.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Writes a bad data file and checks that a reader refuses it with a {@link DataFormatException} naming it. */
public final class BadFiles {
    private BadFiles() {
    }

    /**
     * @param file where to write the bad content (its name should appear in the message)
     * @param content the file's text
     * @param read the read that must fail
     * @param message a part the exception's message must contain (file, record, field, problem)
     * @return the assertion on the exception, for further checks
     * @throws IOException if the file cannot be written
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path file, String content,
                                                                                 ThrowingCallable read,
                                                                                 String message)
            throws IOException {
        Files.writeString(file, content);
        return assertThatThrownBy(read).isInstanceOf(DataFormatException.class).hasMessageContaining(message);
    }
}
