package io.hrnet4j.data.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Bad input in a dataset file: an annotation, detection or image file that cannot be used. The message always names
 * the file, the record (e.g. {@code annotation id=442619 (#3)}) and the field (e.g. {@code keypoints}), so the
 * offending entry can be found without a debugger.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String record;
    private final String field;

    /**
     * @param file the file that holds the bad input
     * @param record the record inside the file (annotation id, list index, image id), or {@code "-"} for the whole file
     * @param field the field name (JSON key), or {@code "-"} when the problem is not one field
     * @param problem what is wrong, e.g. {@code "expected 51 values, got 50"}
     */
    public DataFormatException(Path file, String record, String field, String problem) {
        this(file, record, field, problem, null);
    }

    /**
     * @param file the file that holds the bad input
     * @param record the record inside the file, or {@code "-"}
     * @param field the field name, or {@code "-"}
     * @param problem what is wrong
     * @param cause the underlying parser or decoder error, may be null
     */
    public DataFormatException(Path file, String record, String field, String problem, Throwable cause) {
        super(String.valueOf(file) + ": record " + record + ", field '" + field + "': " + problem, cause);
        this.file = String.valueOf(file);
        this.record = record;
        this.field = field;
    }

    /** @return the file named in the message */
    public String file() {
        return file;
    }

    /** @return the record named in the message */
    public String record() {
        return record;
    }

    /** @return the field named in the message */
    public String field() {
        return field;
    }
}
