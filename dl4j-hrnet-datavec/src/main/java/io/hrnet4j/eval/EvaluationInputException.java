package io.hrnet4j.eval;

/**
 * Bad evaluation input: a ground-truth or results file (or its in-memory equivalent) that cannot be evaluated
 * faithfully. The message names the source (file name or {@code "<memory>"}), the record (e.g. {@code
 * "annotations[12]"}, {@code "results[3]"}) and the field; the same three are available as properties.
 */
public class EvaluationInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The file (or {@code "<memory>"}) the bad record comes from. */
    private final String source;
    /** The record, e.g. {@code "results[3]"}; may be empty when the whole file is at fault. */
    private final String record;
    /** The field, e.g. {@code "keypoints"}; may be empty. */
    private final String field;

    /**
     * @param source the file or {@code "<memory>"}
     * @param record the record (e.g. {@code "results[3]"}), or empty
     * @param field the field (e.g. {@code "keypoints"}), or empty
     * @param problem what is wrong
     */
    public EvaluationInputException(String source, String record, String field, String problem) {
        super(format(source, record, field, problem));
        this.source = source;
        this.record = record == null ? "" : record;
        this.field = field == null ? "" : field;
    }

    /**
     * @param source the file or {@code "<memory>"}
     * @param record the record, or empty
     * @param field the field, or empty
     * @param problem what is wrong
     * @param cause the underlying error (e.g. a JSON parse error)
     */
    public EvaluationInputException(String source, String record, String field, String problem, Throwable cause) {
        this(source, record, field, problem);
        initCause(cause);
    }

    private static String format(String source, String record, String field, String problem) {
        StringBuilder sb = new StringBuilder(source == null ? "<memory>" : source);
        if (record != null && !record.isEmpty()) {
            sb.append(": ").append(record);
        }
        if (field != null && !field.isEmpty()) {
            sb.append(record != null && !record.isEmpty() ? "." : ": ").append(field);
        }
        return sb.append(": ").append(problem).toString();
    }

    /** @return the file (or {@code "<memory>"}) the bad record comes from */
    public String getSource() {
        return source;
    }

    /** @return the record, e.g. {@code "results[3]"}; empty when the whole input is at fault */
    public String getRecord() {
        return record;
    }

    /** @return the field, e.g. {@code "keypoints"}; empty when not field-specific */
    public String getField() {
        return field;
    }
}
