package io.hrnet4j.data.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Bad input in a data file: an annotation, detection, results, ground-truth, NumPy ({@code .npy}, an entry of a
 * {@code .npz}) or image file, or a synthetic dataset folder, that cannot be used faithfully. This is the project's one
 * exception for a bad data file (see {@link HrnetException} for the others); the message always names the file, the record
 * (e.g. {@code annotation id=442619 (#3)}, {@code results[3]}) and the field (e.g. {@code keypoints}), so the
 * offending entry can be found without a debugger: {@code "file: record R, field 'F': problem"} (the record and field
 * parts are left out when the whole file, or no single field, is at fault).
 *
 * <p>The same check on in-memory input (no file) throws an {@link IllegalArgumentException} whose message is
 * formatted by {@link #describe}.
 */
public class DataFormatException extends IOException implements HrnetException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String record;
    private final String field;

    /**
     * A problem of the whole file (or archive entry), not of one record or field: the message is
     * {@code "file: problem"}.
     *
     * @param file the file, or an archive entry such as {@code a.npz!w.npy}
     * @param problem what is wrong, e.g. {@code "truncated .npy data"}
     */
    public DataFormatException(String file, String problem) {
        this(file, "-", "-", problem, null);
    }

    /**
     * @param file the file, or an archive entry such as {@code a.npz!w.npy}
     * @param problem what is wrong
     * @param cause the underlying parser, decoder or I/O error
     */
    public DataFormatException(String file, String problem, Throwable cause) {
        this(file, "-", "-", problem, cause);
    }

    /**
     * @param file the file that holds the bad input
     * @param record the record inside the file (annotation id, list index, image id), or {@code "-"} for the whole file
     * @param field the field name (JSON key), or {@code "-"} when the problem is not one field
     * @param problem what is wrong, e.g. {@code "expected 51 values, got 50"}
     */
    public DataFormatException(Path file, String record, String field, String problem) {
        this(String.valueOf(file), record, field, problem, null);
    }

    /**
     * @param file the file that holds the bad input
     * @param record the record inside the file, or {@code "-"}
     * @param field the field name, or {@code "-"}
     * @param problem what is wrong
     * @param cause the underlying parser or decoder error, may be null
     */
    public DataFormatException(Path file, String record, String field, String problem, Throwable cause) {
        this(String.valueOf(file), record, field, problem, cause);
    }

    /**
     * @param file the file name as given by the user (or an archive entry such as {@code a.npz!w.npy})
     * @param record the record inside the file, or {@code "-"} / empty
     * @param field the field name, or {@code "-"} / empty
     * @param problem what is wrong
     */
    public DataFormatException(String file, String record, String field, String problem) {
        this(file, record, field, problem, null);
    }

    /**
     * @param file the file name as given by the user (or an archive entry such as {@code a.npz!w.npy})
     * @param record the record inside the file, or {@code "-"} / empty
     * @param field the field name, or {@code "-"} / empty
     * @param problem what is wrong
     * @param cause the underlying parser or decoder error, may be null
     */
    public DataFormatException(String file, String record, String field, String problem, Throwable cause) {
        super(describe(file, record, field, problem), cause);
        this.file = String.valueOf(file);
        this.record = blank(record) ? "-" : record;
        this.field = blank(field) ? "-" : field;
    }

    /**
     * The message format of this exception, also used for the same checks on in-memory input.
     *
     * @param source the file, or a name such as {@code "<memory>"} or {@code "validation"}
     * @param record the record, or {@code "-"} / empty / null for the whole source
     * @param field the field, or {@code "-"} / empty / null
     * @param problem what is wrong
     * @return {@code "source: record R, field 'F': problem"} without the absent parts
     */
    public static String describe(String source, String record, String field, String problem) {
        StringBuilder sb = new StringBuilder(source == null ? "<memory>" : source).append(": ");
        if (!blank(record)) {
            sb.append("record ").append(record).append(blank(field) ? ": " : ", ");
        }
        if (!blank(field)) {
            sb.append("field '").append(field).append("': ");
        }
        return sb.append(problem).toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty() || s.equals("-");
    }

    /** @return the file named in the message */
    public String file() {
        return file;
    }

    /** @return the record named in the message, {@code "-"} for the whole file */
    public String record() {
        return record;
    }

    /** @return the field named in the message, {@code "-"} when not one field */
    public String field() {
        return field;
    }
}
