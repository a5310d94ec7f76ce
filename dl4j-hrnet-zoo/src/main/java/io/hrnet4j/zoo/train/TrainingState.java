package io.hrnet4j.zoo.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
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
 * <p>Serialised with Jackson databind, field by field ({@link #toJson()} / {@link #fromJson}); NaN is written as JSON
 * {@code null} and read back as NaN ({@link #JSON}).
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
public record TrainingState(@JsonProperty(required = true) int formatVersion,
                            @JsonProperty(required = true) String backend,
                            @JsonProperty(required = true) String arrays,
                            @JsonProperty(required = true) JsonNode experiment,
                            @JsonProperty(required = true) int epoch,
                            @JsonProperty(required = true) int batchInEpoch,
                            @JsonProperty(required = true) long iteration,
                            @JsonProperty(required = true) long updates,
                            double learningRate, double bestMetric, int bestEpoch, long peakRssBytes,
                            @JsonProperty(required = true) List<Double> losses,
                            @JsonProperty(required = true) List<EpochRecord> epochs) {
    /** Current checkpoint format version. */
    public static final int FORMAT_VERSION = 2;
    /**
     * The mapper of {@code state.json} and of the epoch records in {@code metrics.json}: non-finite doubles are
     * written as {@code null}, and {@code null} is read back as NaN.
     */
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new SimpleModule("nan-as-null")
            .addSerializer(Double.class, new NanAsNull()).addSerializer(Double.TYPE, new NanAsNull())
            .addDeserializer(Double.class, new NullAsNan()).addDeserializer(Double.TYPE, new NullAsNan()));

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException for a negative epoch, batch or iteration count
     */
    public TrainingState {
        if (iteration < 0 || epoch < 0 || batchInEpoch < 0) {
            throw new IllegalArgumentException("negative count: epoch " + epoch + ", batchInEpoch " + batchInEpoch
                    + ", iteration " + iteration);
        }
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
    public record EpochRecord(@JsonProperty(required = true) int epoch,
                              @JsonProperty(required = true) long iteration,
                              @JsonProperty(required = true) int steps,
                              double meanLoss, double learningRate, double seconds, String metricName, double metric) {
        /** @return this record as a JSON object (NaN as null) */
        public ObjectNode toJson() {
            return JSON.valueToTree(this);
        }
    }

    /** @return the loss of the last step, NaN before any */
    public double lastLoss() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    /** @return this state as a JSON object (what {@code state.json} holds) */
    public ObjectNode toJson() {
        return JSON.valueToTree(this);
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
        int version = n.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint format " + (version < 0 ? "unknown (no formatVersion)"
                    : version) + ", this version reads " + FORMAT_VERSION);
        }
        try {
            return JSON.treeToValue(n, TrainingState.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String msg = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(msg, e);
        }
    }

    /** Writes a non-finite double as {@code null}. */
    private static final class NanAsNull extends StdSerializer<Double> {
        NanAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
    }

    /** Reads {@code null} as NaN. */
    private static final class NullAsNan extends StdScalarDeserializer<Double> {
        NullAsNan() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return p.getValueAsDouble(Double.NaN);
        }

        @Override
        public Double getNullValue(DeserializationContext ctxt) {
            return Double.NaN;
        }
    }
}
