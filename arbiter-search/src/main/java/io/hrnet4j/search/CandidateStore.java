package io.hrnet4j.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.data.io.AtomicFiles;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results folder of a search, one sub-folder per candidate:
 * <pre>
 * OUT/candidates/c0003-1a2b3c4d/
 *   candidate.json        the configuration (PoseCandidate JSON)
 *   result-2e.json        status, score, failure, iterations at budget 2e (one file per budget reached)
 *   history.json/.csv     per-epoch history (epoch, iterations, train loss, learning rate, validation score, s)
 *   checkpoints/, config.yaml, final.npz, metrics.json   the candidate's training run (PoseTrainer)
 * </pre>
 * The id is stable across runs: the generator index (deterministic under the search seed) and the first 8 hex digits
 * of the configuration's SHA-256, so a restarted search finds and skips the results already there, and a changed
 * space never reuses another configuration's folder.
 */
public final class CandidateStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;

    /** @param root the search's output folder */
    public CandidateStore(Path root) {
        this.root = root;
    }

    /** @return the output folder */
    public Path root() {
        return root;
    }

    /**
     * @param index generator index
     * @param c the candidate
     * @return the stable id, {@code c%04d-<hash>}
     */
    public static String id(int index, PoseCandidate c) {
        return String.format(Locale.ROOT, "c%04d-%s", index, c.hash());
    }

    /** @param id a candidate id @return its folder */
    public Path folder(String id) {
        return root.resolve("candidates").resolve(id);
    }

    /**
     * @param id the candidate id
     * @param index its generator index
     * @param c the candidate
     * @param budget the budget
     * @return the stored record for that budget, or null if none (not run, or interrupted)
     * @throws IOException if a stored file cannot be read
     * @throws InvalidConfigException if a stored result is malformed (names the file)
     */
    public CandidateRecord load(String id, int index, PoseCandidate c, TrainingBudget budget) throws IOException {
        Path f = folder(id).resolve("result-" + budget + ".json");
        if (!Files.exists(f)) {
            return null;
        }
        JsonNode n = JSON.readTree(f.toFile());
        if (n == null || !n.has("status") || !n.has("iterations")) {
            throw new InvalidConfigException(f + ": a stored result needs 'status' and 'iterations'");
        }
        CandidateResult.Status st;
        try {
            st = CandidateResult.Status.valueOf(n.get("status").asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(f + ": status must be COMPLETED or FAILED, got " + n.get("status"), e);
        }
        List<EpochRecord> history = new ArrayList<>();
        Path h = folder(id).resolve("history.json");
        if (Files.exists(h)) {
            for (JsonNode r : JSON.readTree(h.toFile())) {
                if (r.get("iterations").asLong() <= n.get("iterations").asLong()) {
                    history.add(recordFromJson(r));
                }
            }
        }
        CandidateResult res = new CandidateResult(st, num(n.get("score")), n.get("iterations").asLong(), history,
                n.hasNonNull("failure") ? n.get("failure").asText() : null);
        return new CandidateRecord(id, index, c, budget, res, 0, true);
    }

    /**
     * Writes a record: configuration, result for its budget, history (JSON and CSV).
     *
     * @param r the record
     * @throws IOException on a write error
     */
    public void save(CandidateRecord r) throws IOException {
        Path dir = folder(r.id());
        Files.createDirectories(dir);
        write(dir.resolve("candidate.json"), r.candidate().toJson());
        ObjectNode res = JSON.createObjectNode();
        res.put("id", r.id());
        res.put("index", r.index());
        res.put("budget", r.budget().toString());
        res.put("status", r.result().status().name());
        putNum(res, "score", r.result().score());
        res.put("iterations", r.result().iterations());
        res.put("seconds", r.seconds());
        if (r.result().failure() != null) {
            res.put("failure", r.result().failure());
        }
        var h = JSON.createArrayNode();
        List<List<Object>> csv = new ArrayList<>();
        for (EpochRecord e : r.result().history()) {
            h.add(toJson(e));
            csv.add(List.of(e.epoch(), e.iterations(), csvNum(e.trainLoss()), csvNum(e.learningRate()),
                    csvNum(e.validationScore()), String.format(Locale.ROOT, "%.3f", e.seconds())));
        }
        write(dir.resolve("history.json"), h);
        io.hrnet4j.data.io.CsvFiles.write(dir.resolve("history.csv"), List.of("epoch", "iterations", "train_loss",
                "learning_rate", "validation_score", "seconds"), csv);
        write(dir.resolve("result-" + r.budget() + ".json"), res);
    }

    /**
     * Writes the ranking table as CSV ({@code OUT/ranking.csv}, by {@link io.hrnet4j.data.io.CsvFiles}: RFC 4180,
     * so the schedule column holds the JSON of the schedule's values unchanged).
     *
     * @param ranked records, best first
     * @param score the metric (for the header)
     * @throws IOException on a write error
     */
    public void writeRanking(List<CandidateRecord> ranked, PoseScore score) throws IOException {
        List<List<Object>> rows = new ArrayList<>(ranked.size());
        int rank = 1;
        for (CandidateRecord r : ranked) {
            PoseCandidate c = r.candidate();
            rows.add(List.of(rank++, r.id(), r.result().status(), csvNum(r.result().score()), r.budget(),
                    c.optimizer().id(), csvNum(c.baseLearningRate()), c.toJson().get("schedule").get("values")
                            .toString(), c.warmupIterations(), c.batchSize(), c.width(),
                    r.result().failure() == null ? "" : r.result().failure()));
        }
        io.hrnet4j.data.io.CsvFiles.write(root.resolve("ranking.csv"), List.of("rank", "id", "status",
                score.kind().id(), "budget", "optimizer", "learning_rate", "schedule", "warmup", "batch_size", "width",
                "failure"), rows);
    }

    /**
     * @param folder a candidate's folder
     * @return the history saved there ({@code history.json}), empty when none
     * @throws IOException if the file cannot be read
     * @throws InvalidConfigException naming the file when a row is malformed
     */
    public static List<EpochRecord> readHistory(Path folder) throws IOException {
        Path h = folder.resolve("history.json");
        List<EpochRecord> out = new ArrayList<>();
        if (Files.exists(h)) {
            for (JsonNode r : JSON.readTree(h.toFile())) {
                if (!r.has("epoch") || !r.has("iterations")) {
                    throw new InvalidConfigException(h + ": a history row needs 'epoch' and 'iterations', got " + r);
                }
                out.add(recordFromJson(r));
            }
        }
        return out;
    }

    static ObjectNode toJson(EpochRecord e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("epoch", e.epoch());
        o.put("iterations", e.iterations());
        putNum(o, "trainLoss", e.trainLoss());
        putNum(o, "learningRate", e.learningRate());
        putNum(o, "validationScore", e.validationScore());
        o.put("seconds", e.seconds());
        return o;
    }

    static EpochRecord recordFromJson(JsonNode r) {
        return new EpochRecord(r.get("epoch").asInt(), r.get("iterations").asLong(), num(r.get("trainLoss")),
                num(r.get("learningRate")), num(r.get("validationScore")), num(r.get("seconds")));
    }

    /** NaN and infinities are written as JSON null (standard JSON has no NaN). */
    private static void putNum(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

    private static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    private static String csvNum(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static void write(Path f, JsonNode n) throws IOException {
        AtomicFiles.writeBytes(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }
}
