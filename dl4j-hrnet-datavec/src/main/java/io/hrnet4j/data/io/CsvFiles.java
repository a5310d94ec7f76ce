package io.hrnet4j.data.io;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way this project writes a CSV file: Jackson's CSV writer (RFC 4180: a field holding a comma, a quote or a
 * line break is quoted and inner quotes doubled; one header line), through {@link AtomicFiles}. Callers pass each
 * row's values already formatted as they want them to read (e.g. {@code "0.000100000"}); a {@code null} value is an
 * empty field.
 */
public final class CsvFiles {
    private static final CsvMapper CSV = new CsvMapper();

    private CsvFiles() {
    }

    /**
     * @param file the CSV file to create or replace (atomically)
     * @param header the column names
     * @param rows the rows, each with exactly {@code header.size()} values ({@code toString()} of each, null empty)
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if a row has another number of values than the header
     */
    public static void write(Path file, List<String> header, List<? extends List<?>> rows) throws IOException {
        CsvSchema.Builder b = CsvSchema.builder();
        for (String h : header) {
            b.addColumn(h);
        }
        CsvSchema schema = b.build().withHeader();
        List<List<String>> text = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<?> r = rows.get(i);
            if (r.size() != header.size()) {
                throw new IllegalArgumentException(file + ": row " + (i + 1) + " has " + r.size() + " values for "
                        + header.size() + " columns");
            }
            List<String> t = new ArrayList<>(r.size());
            for (Object v : r) {
                t.add(v == null ? "" : v.toString());
            }
            text.add(t);
        }
        byte[] bytes = CSV.writer(schema).writeValueAsBytes(text);
        AtomicFiles.writeBytes(file, bytes);
    }
}
