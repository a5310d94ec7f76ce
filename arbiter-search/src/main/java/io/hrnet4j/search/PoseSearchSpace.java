package io.hrnet4j.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hrnet4j.data.io.EnumNames;
import io.hrnet4j.zoo.arch.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The Arbiter parameter space of {@link PoseCandidate}s: optimizer, multi-step learning-rate schedule (base rate,
 * drop points, factor: {@link MapScheduleSpace}), warm-up length, batch size, width, SGD momentum, weight decay and
 * the DE-HRNet switches. Works with Arbiter's random and grid generators.
 *
 * <p>Search space file (JSON or YAML, chosen by the extension {@code .json} / {@code .yaml|.yml}); every key is
 * optional and takes either one value (fixed) or a list of alternatives; the learning rate and the factor also take
 * a range {@code {min, max, log}} (log-uniform when {@code log} is true, the default for the learning rate):
 * <pre>
 * optimizer: [adam, adamw, sgd]          # default adam
 * learningRate: {min: 1.0e-4, max: 1.0e-2, log: true}   # default 1e-3
 * schedule:
 *   unit: epoch                          # epoch (default) or iteration
 *   drops: [[170, 200], [140, 190]]      # alternatives, each a list of drop points; default [[170, 200]]
 *   factor: 0.1                          # default 0.1 (official LR_FACTOR)
 * warmupIterations: [0, 500]             # default 0
 * batchSize: [16, 32]                    # default 32
 * width: 32                              # default 32
 * momentum: 0.9                          # default 0.9
 * weightDecay: 1.0e-4                    # default 1e-4
 * dem: false                             # DE-HRNet switches, default false
 * dysample: false
 * </pre>
 * Defaults are the official recipe ({@code experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml}). A list of one
 * value is a fixed value (Arbiter's grid generator would otherwise mis-index a one-value discrete space).
 */
public class PoseSearchSpace extends CompositeSpace<PoseCandidate> {
    /** Name of the built-in preset searching learning rate, optimizer and schedule. */
    public static final String PRESET_LR_SCHEDULE = "lr-schedule";
    private static final List<String> KEYS = List.of("optimizer", "learningRate", "schedule", "warmupIterations",
            "batchSize", "width", "momentum", "weightDecay", "dem", "dysample");

    private final ParameterSpace<Optimizer> optimizer;
    private final MapScheduleSpace schedule;
    private final ParameterSpace<Integer> warmupIterations;
    private final ParameterSpace<Integer> batchSize;
    private final ParameterSpace<Integer> width;
    private final ParameterSpace<Double> momentum;
    private final ParameterSpace<Double> weightDecay;
    private final ParameterSpace<Boolean> dem;
    private final ParameterSpace<Boolean> dysample;

    /**
     * @param optimizer optimizer space
     * @param schedule learning-rate schedule space (holds the base learning rate)
     * @param warmupIterations warm-up length space, iterations
     * @param batchSize batch size space
     * @param width HRNet width space
     * @param momentum SGD momentum space
     * @param weightDecay weight decay space
     * @param dem DE-HRNet DEM switch space
     * @param dysample DE-HRNet DySample switch space
     */
    public PoseSearchSpace(ParameterSpace<Optimizer> optimizer, MapScheduleSpace schedule,
                           ParameterSpace<Integer> warmupIterations, ParameterSpace<Integer> batchSize,
                           ParameterSpace<Integer> width, ParameterSpace<Double> momentum,
                           ParameterSpace<Double> weightDecay, ParameterSpace<Boolean> dem,
                           ParameterSpace<Boolean> dysample) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.warmupIterations = Objects.requireNonNull(warmupIterations, "warmupIterations");
        this.batchSize = Objects.requireNonNull(batchSize, "batchSize");
        this.width = Objects.requireNonNull(width, "width");
        this.momentum = Objects.requireNonNull(momentum, "momentum");
        this.weightDecay = Objects.requireNonNull(weightDecay, "weightDecay");
        this.dem = Objects.requireNonNull(dem, "dem");
        this.dysample = Objects.requireNonNull(dysample, "dysample");
    }

    @Override
    protected List<ParameterSpace<?>> parts() {
        return List.of(optimizer, schedule, warmupIterations, batchSize, width, momentum, weightDecay, dem, dysample);
    }

    /**
     * @param values the candidate's values in [0, 1]
     * @return the candidate
     * @throws IllegalArgumentException if the drawn values are inconsistent (reported by Arbiter as a failed
     *     candidate)
     */
    @Override
    public PoseCandidate getValue(double[] values) {
        return new PoseCandidate(optimizer.getValue(values), (MapSchedule) schedule.getValue(values),
                warmupIterations.getValue(values), batchSize.getValue(values), width.getValue(values),
                momentum.getValue(values), weightDecay.getValue(values), dem.getValue(values),
                dysample.getValue(values));
    }

    /**
     * @param name a preset name ({@value #PRESET_LR_SCHEDULE})
     * @return the preset space
     * @throws InvalidConfigException for an unknown preset
     */
    public static PoseSearchSpace preset(String name) {
        String res = "presets/" + name + ".yaml";
        try (InputStream in = PoseSearchSpace.class.getResourceAsStream(res)) {
            if (in == null || !PRESET_LR_SCHEDULE.equals(name)) {
                throw new InvalidConfigException("unknown preset '" + name + "': available: " + PRESET_LR_SCHEDULE);
            }
            return fromTree(new ObjectMapper(new YAMLFactory()).readTree(in), "preset " + name);
        } catch (IOException e) {
            throw new InvalidConfigException("preset " + name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a search space file (JSON, or YAML for {@code .yaml}/{@code .yml}).
     *
     * @param file the file
     * @return the space
     * @throws InvalidConfigException naming the file and the field on any invalid content
     * @throws IOException if the file cannot be read
     */
    public static PoseSearchSpace read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
                : new ObjectMapper();
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = m.readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidConfigException(file + ": not valid " + (m.getFactory() instanceof YAMLFactory ? "YAML"
                    : "JSON") + ": " + e.getOriginalMessage(), e);
        }
        return fromTree(root, file.toString());
    }

    /**
     * @param root the parsed file (an object)
     * @param source a name for messages
     * @return the space
     * @throws InvalidConfigException naming the source and the field
     */
    public static PoseSearchSpace fromTree(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException(source + ": a search space must be an object with keys " + KEYS);
        }
        root.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new InvalidConfigException(source + ": unknown key '" + k + "' (expected one of " + KEYS + ")");
            }
        });
        ParameterSpace<Optimizer> opt = discrete(root.get("optimizer"), source, "optimizer", Optimizer.ADAM,
                n -> EnumNames.parse(Optimizer.class, n.asText(), "optimizer"));
        ParameterSpace<Double> lr = continuous(root.get("learningRate"), source, "learningRate", 1e-3, true);
        JsonNode s = root.get("schedule");
        ScheduleType unit = ScheduleType.EPOCH;
        ParameterSpace<List<Integer>> drops = new FixedValue<>(List.of(170, 200));
        ParameterSpace<Double> factor = new FixedValue<>(0.1);
        if (s != null) {
            if (!s.isObject()) {
                throw new InvalidConfigException(source + ": 'schedule' must be an object {unit, drops, factor}");
            }
            if (s.has("unit")) {
                String u = s.get("unit").asText();
                if (!u.equals("epoch") && !u.equals("iteration")) {
                    throw new InvalidConfigException(source + ": schedule.unit must be epoch or iteration, got '" + u
                            + "'");
                }
                unit = u.equals("epoch") ? ScheduleType.EPOCH : ScheduleType.ITERATION;
            }
            if (s.has("drops")) {
                drops = dropsSpace(s.get("drops"), source);
            }
            factor = continuous(s.get("factor"), source, "schedule.factor", 0.1, false);
        }
        PoseSearchSpace space = new PoseSearchSpace(opt, new MapScheduleSpace(unit, lr, factor, drops),
                discrete(root.get("warmupIterations"), source, "warmupIterations", 0, n -> intValue(n, source,
                        "warmupIterations", 0)),
                discrete(root.get("batchSize"), source, "batchSize", 32, n -> intValue(n, source, "batchSize", 1)),
                discrete(root.get("width"), source, "width", 32, n -> intValue(n, source, "width", 1)),
                continuous(root.get("momentum"), source, "momentum", 0.9, false),
                continuous(root.get("weightDecay"), source, "weightDecay", 1e-4, false),
                discrete(root.get("dem"), source, "dem", false, n -> bool(n, source, "dem")),
                discrete(root.get("dysample"), source, "dysample", false, n -> bool(n, source, "dysample")));
        return space;
    }

    private static int intValue(JsonNode n, String source, String field, int min) {
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min) {
            throw new InvalidConfigException(source + ": " + field + " values must be integers >= " + min + ", got "
                    + n);
        }
        return n.asInt();
    }

    private static boolean bool(JsonNode n, String source, String field) {
        if (!n.isBoolean()) {
            throw new InvalidConfigException(source + ": " + field + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    private static <T> ParameterSpace<T> discrete(JsonNode n, String source, String field, T def,
                                                  Function<JsonNode, T> parse) {
        if (n == null || n.isNull()) {
            return new FixedValue<>(def);
        }
        List<T> values = new ArrayList<>();
        try {
            if (n.isArray()) {
                if (n.isEmpty()) {
                    throw new InvalidConfigException(source + ": " + field + " is an empty list");
                }
                n.forEach(e -> values.add(parse.apply(e)));
            } else {
                values.add(parse.apply(n));
            }
        } catch (InvalidConfigException e) {
            throw e; // already names the source and the field
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(source + ": " + field + ": " + e.getMessage(), e);
        }
        return values.size() == 1 ? new FixedValue<>(values.get(0)) : new DiscreteParameterSpace<>(values);
    }

    private static ParameterSpace<List<Integer>> dropsSpace(JsonNode n, String source) {
        if (!n.isArray() || n.isEmpty()) {
            throw new InvalidConfigException(source + ": schedule.drops must be a non-empty list of alternatives, "
                    + "each a list of drop points, e.g. [[170, 200], [140, 190]]");
        }
        List<List<Integer>> alts = new ArrayList<>();
        boolean nested = n.get(0).isArray();
        for (JsonNode alt : nested ? n : List.of(n)) {
            if (!alt.isArray()) {
                throw new InvalidConfigException(source + ": schedule.drops mixes lists and numbers: " + n);
            }
            List<Integer> pts = new ArrayList<>();
            int prev = 0;
            for (JsonNode p : alt) {
                int v = intValue(p, source, "schedule.drops", 1);
                if (v <= prev) {
                    throw new InvalidConfigException(source + ": schedule.drops " + alt
                            + " must be strictly increasing positive integers");
                }
                pts.add(v);
                prev = v;
            }
            alts.add(List.copyOf(pts));
        }
        return alts.size() == 1 ? new FixedValue<>(alts.get(0)) : new DiscreteParameterSpace<>(alts);
    }

    private static ParameterSpace<Double> continuous(JsonNode n, String source, String field, double def,
                                                     boolean logDefault) {
        if (n == null || n.isNull()) {
            return new FixedValue<>(def);
        }
        if (n.isObject()) {
            JsonNode min = n.get("min");
            JsonNode max = n.get("max");
            if (min == null || max == null || !min.isNumber() || !max.isNumber()
                    || !(min.asDouble() < max.asDouble())) {
                throw new InvalidConfigException(source + ": " + field + " range needs numbers min < max, got " + n);
            }
            boolean log = n.has("log") ? n.get("log").asBoolean() : logDefault;
            if (log && !(min.asDouble() > 0)) {
                throw new InvalidConfigException(source + ": " + field + " log-uniform range needs min > 0, got " + n);
            }
            return log ? new ContinuousParameterSpace(new LogUniformDistribution(min.asDouble(), max.asDouble()))
                    : new ContinuousParameterSpace(min.asDouble(), max.asDouble());
        }
        return discrete(n, source, field, def, e -> {
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw new InvalidConfigException(source + ": " + field + " values must be numbers, got " + e);
            }
            return e.asDouble();
        });
    }

    /** @return the sub-spaces by name, as written in a space file */
    public Map<String, ParameterSpace<?>> spaces() {
        Map<String, ParameterSpace<?>> m = new LinkedHashMap<>();
        List<ParameterSpace<?>> p = parts();
        List<String> names = List.of("optimizer", "schedule", "warmupIterations", "batchSize", "width", "momentum",
                "weightDecay", "dem", "dysample");
        for (int i = 0; i < p.size(); i++) {
            m.put(names.get(i), p.get(i));
        }
        return m;
    }
}
