package io.hrnet4j.cli;

import io.hrnet4j.zoo.train.ClusterBackends;
import io.hrnet4j.zoo.train.PoseTrainer;
import io.hrnet4j.zoo.train.TrainingBackend;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.listeners.PerformanceListener;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import picocli.CommandLine.Option;

/**
 * Where {@code hrnet train} runs the one trainer ({@link PoseTrainer}): {@code --backend graph|samediff} on one device
 * (default samediff), {@code --devices N} (ParallelWrapper) or {@code --spark MASTER} (the Spark backend of the
 * {@code dl4j-hrnet-spark} module, found through {@link ClusterBackends}), both of which train the graph realisation;
 * {@code --ui} attaches the DL4J training UI (graph only). These options may change when a run is resumed.
 */
public final class ExecutionOptions {
    @Option(names = "--backend", paramLabel = "graph|samediff",
            description = "Realisation trained (default samediff; graph with --devices or --spark).")
    String backend;

    @Option(names = "--devices", paramLabel = "N",
            description = "train on N devices with ParallelWrapper (graph realisation; default 1)")
    Integer devices;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "train on Apache Spark, e.g. local[2] or spark://host:7077 (graph realisation; needs the "
                    + "dl4j-hrnet-spark module: ./hrnet builds it with -P spark when --spark is given)")
    String spark;

    @Option(names = "--ui", description = "DL4J training UI (graph backend; needs deeplearning4j-ui on the "
            + "classpath: build with -Pui)")
    boolean ui;

    /**
     * @return the realisation to train
     * @throws IllegalArgumentException for {@code --devices} below 1, {@code --spark} with {@code --devices}, a
     *     SameDiff backend with either, or {@code --ui} without the graph backend
     */
    TrainingBackend.Kind kind() {
        if (deviceCount() < 1) {
            throw new IllegalArgumentException("--devices must be >= 1, got " + devices);
        }
        if (spark != null && deviceCount() > 1) {
            throw new IllegalArgumentException("--spark and --devices exclude each other (Spark spreads the work "
                    + "over its executors)");
        }
        boolean graphOnly = spark != null || deviceCount() > 1;
        TrainingBackend.Kind kind = backend != null ? TrainingBackend.Kind.parse(backend)
                : graphOnly ? TrainingBackend.Kind.GRAPH : TrainingBackend.Kind.SAMEDIFF;
        if (graphOnly && kind != TrainingBackend.Kind.GRAPH) {
            throw new IllegalArgumentException((spark != null ? "--spark" : "--devices") + " trains the graph "
                    + "realisation: drop --backend " + backend + " or use --backend graph");
        }
        return kind;
    }

    private int deviceCount() {
        return devices == null ? 1 : devices;
    }

    /** @return the execution in words, e.g. {@code samediff backend}, {@code 2 ParallelWrapper devices} */
    String describe() {
        return spark != null ? "Spark " + spark : deviceCount() > 1 ? deviceCount() + " ParallelWrapper devices"
                : kind().id() + " backend";
    }

    /**
     * Sets the realisation, the devices or the Spark backend, and for the graph the DL4J listeners (score and speed
     * every {@code logEvery} iterations, the UI with {@code --ui}).
     *
     * @param b the trainer being built
     * @param logEvery iterations between two listener lines
     * @throws IllegalArgumentException as {@link #kind()}, and for {@code --ui} without the graph backend
     * @throws IllegalStateException if {@code --ui} is given and the UI is not on the classpath
     */
    void configure(PoseTrainer.Builder b, int logEvery) {
        TrainingBackend.Kind kind = kind();
        b.backend(kind);
        if (kind == TrainingBackend.Kind.GRAPH) {
            List<TrainingListener> ls = new ArrayList<>();
            ls.add(new ScoreIterationListener(logEvery));
            ls.add(new PerformanceListener(logEvery, true));
            if (ui) {
                ls.add(TrainingUi.attach());
            }
            b.graphListeners(ls.toArray(new TrainingListener[0]));
        } else if (ui) {
            throw new IllegalArgumentException("--ui needs --backend graph (the DL4J training UI reads DL4J "
                    + "TrainingListener statistics, which the SameDiff backend does not produce)");
        }
        if (spark != null) {
            b.execution(ClusterBackends.factory("spark", spark));
        } else {
            b.devices(deviceCount());
        }
    }
}
