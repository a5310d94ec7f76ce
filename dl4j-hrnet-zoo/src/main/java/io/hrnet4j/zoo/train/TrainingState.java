package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainer's position and history, stored as {@code state.json} in every checkpoint whatever the execution
 * backend (single device, ParallelWrapper, Spark). Together with the model and updater arrays it lets a run continue
 * exactly: the data order of epoch {@code e} is a function of (seed, e), the first {@code batchInEpoch} minibatches of
 * the epoch are skipped, and ND4J's random generator is re-seeded from (seed, step) before every step, so no generator
 * state needs saving.
 *
 * <p>Counting: a <em>minibatch</em> is one batch taken from the epoch's iterator ({@code iteration} counts them); a
 * <em>step</em> is one optimizer update with its recorded loss ({@code losses} has one entry per step). On a single
 * device they coincide; with ParallelWrapper one step (round) trains one minibatch per worker; on Spark one step is a
 * whole epoch (the loss is {@code SparkComputationGraph.getScore()}). {@code updates} is the updater's iteration count
 * (Adam bias correction, iteration-based schedules), restored into the network on resume.
 *
 * <p>Serialised with Jackson as a plain tree ({@link #toJson()} / {@link #fromJson}); NaN is written as JSON
 * {@code null}.
 *
 * @param formatVersion checkpoint format version ({@link #FORMAT_VERSION})
 * @param backend the execution backend that wrote it: {@code graph}, {@code samediff}, {@code parallel},
 *     {@code spark}
 * @param arrays the array layout of the checkpoint ({@link TrainingBackend#arrayLayout()}): {@code graph} (flattened
 *     ComputationGraph parameters and updater state, shared by the graph, parallel and Spark backends) or
 *     {@code samediff}
 * @param experiment the run's experiment as an official-format tree ({@code MODEL}, {@code TRAIN}, {@code DATASET};
 *     {@link ExperimentFile#toTree()}), the same content as the run's {@code config.yaml}
 * @param epoch the epoch in progress (0-based); equals the epoch count when the checkpoint closes an epoch
 * @param batchInEpoch minibatches of {@code epoch} already trained
 * @param iteration minibatches trained in total
 * @param updates the updater's iteration count (optimizer updates applied to the checkpointed network)
 * @param learningRate the learning rate of the last step (NaN before any)
 * @param bestMetric the best validation metric so far (NaN when not validated yet)
 * @param bestEpoch the epoch (1-based count of epochs done) of the best metric, 0 if none
 * @param peakRssBytes the highest resident set size of the training processes so far, bytes (0 when unknown)
 * @param losses every step's loss so far
 * @param epochs one row per finished epoch
 */
public record TrainingState(int formatVersion, String backend, String arrays, JsonNode experiment, int epoch,
                            int batchInEpoch, long iteration, long updates, double learningRate, double bestMetric,
                            int bestEpoch, long peakRssBytes, List<Double> losses, List<EpochRecord> epochs) {
    /** Current checkpoint format version. */
    public static final int FORMAT_VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the lists. */
    public TrainingState {
        losses = List.copyOf(losses);
        epochs = List.copyOf(epochs);
    }

    /**
     * One finished epoch.
     *
     * @param epoch 1-based count of epochs done
     * @param iteration minibatches done at its end
     * @param steps optimizer steps (recorded losses) done at its end
     * @param meanLoss mean training loss of the epoch's steps
     * @param learningRate learning rate of its last step, as the network's updater applied it
     * @param seconds wall time of the epoch, seconds (training and validation)
     * @param metricName validation metric name ({@code AP}, {@code PCKh}), or null when not validated
     * @param metric the validation metric, NaN when not validated
     */
    public record EpochRecord(int epoch, long iteration, int steps, double meanLoss, double learningRate, double seconds,
                              String metricName, double metric) {
        /** @return this record as a JSON object (NaN as null) */
        public ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("epoch", epoch);
            n.put("iteration", iteration);
            n.put("steps", steps);
            putNumber(n, "meanLoss", meanLoss);
            putNumber(n, "learningRate", learningRate);
            n.put("seconds", seconds);
            if (metricName != null) {
                n.put("metricName", metricName);
                putNumber(n, "metric", metric);
            }
            return n;
        }

        /**
         * @param n what {@link #toJson()} wrote
         * @return the record
         * @throws IllegalArgumentException naming a missing field
         */
        public static EpochRecord fromJson(JsonNode n) {
            return new EpochRecord(required(n, "epoch").asInt(), required(n, "iteration").asLong(),
                    required(n, "steps").asInt(),
                    number(n.get("meanLoss")), number(n.get("learningRate")), number(n.get("seconds")),
                    n.hasNonNull("metricName") ? n.get("metricName").asText() : null, number(n.get("metric")));
        }
    }

    /** @return the loss of the last step, NaN before any */
    public double lastLoss() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    /** @return this state as a JSON object (what {@code state.json} holds) */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("formatVersion", formatVersion);
        o.put("backend", backend);
        o.put("arrays", arrays);
        o.set("experiment", experiment);
        o.put("epoch", epoch);
        o.put("batchInEpoch", batchInEpoch);
        o.put("iteration", iteration);
        o.put("updates", updates);
        putNumber(o, "learningRate", learningRate);
        putNumber(o, "bestMetric", bestMetric);
        o.put("bestEpoch", bestEpoch);
        o.put("peakRssBytes", peakRssBytes);
        ArrayNode l = o.putArray("losses");
        for (double v : losses) {
            if (Double.isFinite(v)) {
                l.add(v);
            } else {
                l.addNull();
            }
        }
        ArrayNode e = o.putArray("epochs");
        for (EpochRecord r : epochs) {
            e.add(r.toJson());
        }
        return o;
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @param n the JSON object
     * @return the state
     * @throws IllegalArgumentException naming the missing or malformed field, or an unsupported format version
     */
    public static TrainingState fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("state is not a JSON object");
        }
        int version = required(n, "formatVersion").asInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint format " + version + ", this version reads "
                    + FORMAT_VERSION);
        }
        List<Double> losses = new ArrayList<>();
        for (JsonNode v : required(n, "losses")) {
            losses.add(number(v));
        }
        List<EpochRecord> epochs = new ArrayList<>();
        for (JsonNode v : required(n, "epochs")) {
            epochs.add(EpochRecord.fromJson(v));
        }
        long iteration = required(n, "iteration").asLong();
        int epoch = required(n, "epoch").asInt();
        int batch = required(n, "batchInEpoch").asInt();
        if (iteration < 0 || epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("negative count: epoch " + epoch + ", batchInEpoch " + batch
                    + ", iteration " + iteration);
        }
        return new TrainingState(version, required(n, "backend").asText(), required(n, "arrays").asText(),
                required(n, "experiment"), epoch, batch, iteration, required(n, "updates").asLong(),
                number(n.get("learningRate")), number(n.get("bestMetric")), n.path("bestEpoch").asInt(0),
                n.path("peakRssBytes").asLong(0), losses, epochs);
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return v;
    }

    static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    static double number(JsonNode v) {
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
