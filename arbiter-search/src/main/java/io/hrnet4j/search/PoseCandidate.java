package io.hrnet4j.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hrnet4j.data.io.EnumNames;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import io.hrnet4j.zoo.train.WarmupSchedule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * One point of a pose hyper-parameter search: what a trainer needs to train one model.
 *
 * @param optimizer the optimizer ({@link Optimizer})
 * @param lrSchedule the multi-step learning-rate schedule; {@code valueAt(0, 0)} is the base learning rate
 * @param warmupIterations linear warm-up length in iterations (0: none): the rate at iteration {@code i <
 *     warmupIterations} is {@code (i + 1) / warmupIterations} times the scheduled one
 *     ({@link WarmupSchedule}, the trainer's)
 * @param batchSize examples per minibatch, &gt;= 1
 * @param width HRNet width W (branch 0 channels, 32 for W32), &gt;= 1
 * @param momentum SGD momentum (official {@code TRAIN.MOMENTUM} 0.9); unused by Adam/AdamW
 * @param weightDecay weight decay ({@code TRAIN.WD} 1e-4) for SGD (L2) and AdamW (decoupled); unused by Adam
 * @param dem DE-HRNet switch: Detail Enhancement Modules (recorded in the candidate; see the trainer for support)
 * @param dysample DE-HRNet switch: DySample upsampling in fuse layers (recorded in the candidate)
 */
public record PoseCandidate(Optimizer optimizer, MapSchedule lrSchedule, int warmupIterations, int batchSize,
                            int width, double momentum, double weightDecay, boolean dem, boolean dysample)
        implements java.io.Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException if a count is out of range or a field is null */
    public PoseCandidate {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(lrSchedule, "lrSchedule");
        if (warmupIterations < 0 || batchSize < 1 || width < 1) {
            throw new IllegalArgumentException("warm-up must be >= 0, batch size and width >= 1, got "
                    + warmupIterations + ", " + batchSize + ", " + width);
        }
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) and weight decay >= 0, got " + momentum
                    + ", " + weightDecay);
        }
    }

    /** @return the base learning rate (the schedule's value before the first drop) */
    public double baseLearningRate() {
        return lrSchedule.valueAt(0, 0);
    }

    /** @return whether a DE-HRNet switch is on */
    public boolean isDeHrnet() {
        return dem || dysample;
    }

    /** @return the learning-rate schedule with the warm-up ramp applied (the schedule itself when no warm-up) */
    public ISchedule effectiveSchedule() {
        return warmupIterations > 0 ? new WarmupSchedule(warmupIterations, lrSchedule) : lrSchedule;
    }

    /** @return the DL4J updater with {@link #effectiveSchedule()} as its learning rate */
    public IUpdater updater() {
        ISchedule s = effectiveSchedule();
        return switch (optimizer) {
            case ADAM, ADAMW -> new Adam(s);
            case SGD -> new Nesterovs(s, momentum);
        };
    }

    /** @return the regularization to set on every layer (weights and biases); empty for Adam or zero decay */
    public List<Regularization> regularization() {
        if (weightDecay == 0) {
            return List.of();
        }
        return switch (optimizer) {
            case ADAM -> List.of();
            case ADAMW -> List.of(new WeightDecay(weightDecay, true));
            case SGD -> List.of(new L2Regularization(weightDecay));
        };
    }

    /**
     * The JSON form of a candidate (Jackson databind; the field order is the one hashed by {@link #hash()}).
     *
     * @param optimizer {@link Optimizer#id()}
     * @param learningRate the base learning rate
     * @param schedule the multi-step schedule
     * @param warmupIterations warm-up length
     * @param batchSize minibatch size
     * @param width HRNet width
     * @param momentum SGD momentum
     * @param weightDecay weight decay
     * @param dem DE-HRNet DEM switch
     * @param dysample DE-HRNet DySample switch
     */
    record Json(String optimizer, double learningRate, ScheduleJson schedule, int warmupIterations, int batchSize,
                int width, double momentum, double weightDecay, boolean dem, boolean dysample) {
    }

    /**
     * @param type {@code epoch} or {@code iteration}
     * @param values learning rate from each key on, keys as decimal strings in ascending order
     */
    record ScheduleJson(String type, Map<String, Double> values) {
    }

    /**
     * @return the configuration as JSON: {@code {"optimizer", "learningRate", "schedule": {"type", "values":
     *     {"0": lr, ...}}, "warmupIterations", "batchSize", "width", "momentum", "weightDecay", "dem", "dysample"}}
     */
    public ObjectNode toJson() {
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        for (int k : lrSchedule.getAllKeysSorted()) {
            values.put(Integer.toString(k), lrSchedule.getValues().get(k));
        }
        return JSON.valueToTree(new Json(optimizer.id(), baseLearningRate(), new ScheduleJson(
                EnumNames.id(lrSchedule.getScheduleType()), values), warmupIterations, batchSize,
                width, momentum, weightDecay, dem, dysample));
    }

    /**
     * Reads what {@link #toJson()} writes.
     *
     * @param n the JSON object
     * @param source a name for messages (the file)
     * @return the candidate
     * @throws InvalidConfigException naming the source and the field when a field is missing or malformed
     */
    public static PoseCandidate fromJson(JsonNode n, String source) {
        requireAll(n, Json.class, source);
        requireAll(n.get("schedule"), ScheduleJson.class, source);
        try {
            Json j = JSON.treeToValue(n, Json.class);
            Map<Integer, Double> values = new java.util.TreeMap<>();
            j.schedule().values().forEach((k, v) -> values.put(Integer.parseInt(k), v));
            return new PoseCandidate(EnumNames.parse(Optimizer.class, j.optimizer(), "optimizer"),
                    new MapSchedule(EnumNames.parse(ScheduleType.class, j.schedule().type(), "schedule type"), values),
                    j.warmupIterations(), j.batchSize(), j.width(), j.momentum(), j.weightDecay(), j.dem(),
                    j.dysample());
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(source + ": invalid candidate: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(source + ": invalid candidate: " + e.getMessage(), e);
        }
    }

    private static void requireAll(JsonNode n, Class<? extends Record> form, String source) {
        for (java.lang.reflect.RecordComponent c : form.getRecordComponents()) {
            JsonNode v = n == null ? null : n.get(c.getName());
            if (v == null || v.isNull()) {
                throw new InvalidConfigException(source + ": candidate field '" + c.getName() + "' is missing");
            }
        }
    }

    /** @return the first 8 hex digits of the SHA-256 of the canonical JSON: part of the stable candidate id */
    public String hash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(toJson().toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** @return a one-line summary, e.g. {@code adam lr=1.00e-03 drops{2:1.0e-04} warmup=0 batch=8 w=32} */
    public String summary() {
        List<String> drops = new ArrayList<>();
        for (int k : lrSchedule.getAllKeysSorted()) {
            if (k != 0) {
                drops.add(k + ":" + String.format(Locale.ROOT, "%.1e", lrSchedule.getValues().get(k)));
            }
        }
        return String.format(Locale.ROOT, "%s lr=%.2e drops%s warmup=%d batch=%d w=%d%s%s", optimizer.id(),
                baseLearningRate(), drops, warmupIterations, batchSize, width, dem ? " dem" : "",
                dysample ? " dysample" : "");
    }
}
