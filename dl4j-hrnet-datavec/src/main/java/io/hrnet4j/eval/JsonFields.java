package io.hrnet4j.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Typed access to required JSON fields; every failure is an {@link EvaluationInputException}. */
final class JsonFields {
    /** Accepts Python's {@code NaN}/{@code Infinity} (json.dump writes them) so they can be reported precisely. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private JsonFields() {
    }

    static JsonNode readTree(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (Files.size(file) == 0) {
            throw new EvaluationInputException(file.toString(), "", "", "the file is empty");
        }
        try (JsonParser p = MAPPER.createParser(file.toFile())) {
            JsonNode n = MAPPER.readTree(p);
            if (n == null || n.isMissingNode()) {
                throw new EvaluationInputException(file.toString(), "", "", "the file holds no JSON value");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EvaluationInputException(file.toString(), "", "", "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode field(JsonNode rec, String name, String source, String record) {
        JsonNode n = rec.get(name);
        if (n == null || n.isNull()) {
            throw new EvaluationInputException(source, record, name, "missing");
        }
        return n;
    }

    static long integer(JsonNode rec, String name, String source, String record) {
        JsonNode n = field(rec, name, source, record);
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber() && n.doubleValue() == Math.rint(n.doubleValue()) && Double.isFinite(n.doubleValue())) {
            return (long) n.doubleValue();
        }
        throw new EvaluationInputException(source, record, name, "expected an integer, got " + n);
    }

    static double finite(JsonNode rec, String name, String source, String record) {
        JsonNode n = field(rec, name, source, record);
        if (!n.isNumber()) {
            throw new EvaluationInputException(source, record, name, "expected a number, got " + n);
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw new EvaluationInputException(source, record, name, "not finite: " + v);
        }
        return v;
    }

    static double[] finiteArray(JsonNode rec, String name, String source, String record) {
        JsonNode n = field(rec, name, source, record);
        if (!n.isArray()) {
            throw new EvaluationInputException(source, record, name, "expected an array of numbers, got " + n.getNodeType());
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isNumber()) {
                throw new EvaluationInputException(source, record, name + "[" + i + "]", "expected a number, got " + e);
            }
            out[i] = e.doubleValue();
            if (!Double.isFinite(out[i])) {
                throw new EvaluationInputException(source, record, name + "[" + i + "]", "not finite: " + out[i]);
            }
        }
        return out;
    }
}
