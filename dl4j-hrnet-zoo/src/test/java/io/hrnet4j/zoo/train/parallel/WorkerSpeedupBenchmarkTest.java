package io.hrnet4j.zoo.train.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.TinyConfigs;
import io.hrnet4j.zoo.train.TrainerFixture;
import io.hrnet4j.zoo.train.TrainingBackend;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Throughput of 1 vs 2 ParallelWrapper workers on the CPU backend, TinyConfigs.tiny() (input 128x96), minibatch 4,
 * measured in the same JVM run (one warm-up epoch each, then 1, 2, 1, 2 workers alternately, best epoch of each).
 * Prints examples/s and the ratio.
 */
@Tag("slow")
class WorkerSpeedupBenchmarkTest {
    @Test
    void oneVersusTwoWorkers() throws Exception {
        Random r = Nd4j.getRandomFactory().getNewRandomInstance(3);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batches.add(new DataSet(Nd4j.randn(r, 4, 3, 128, 96).castTo(DataType.FLOAT),
                    Nd4j.rand(r, 4, 17, 32, 24).castTo(DataType.FLOAT), null,
                    Nd4j.ones(DataType.FLOAT, 4, 17, 32, 24)));
        }
        // the machine is shared: alternate 1, 2, 1, 2 workers and keep each setting's best epoch
        double[] rate = new double[3];
        ParallelWrapperBackend[] backends = new ParallelWrapperBackend[3];
        TrainerFixture.RecordingSteps steps = new TrainerFixture.RecordingSteps();
        List<Double> losses = steps.losses();
        for (int w = 1; w <= 2; w++) {
            ComputationGraph g = new HRNet.Builder().config(TinyConfigs.tiny()).updater(new Adam(1e-3)).build().init();
            backends[w] = new ParallelWrapperBackend(new TrainingBackend.GraphBackend(TinyConfigs.tiny(), g),
                    ParallelTrainingConfig.builder().workers(w).prefetchBuffer(2).build());
            backends[w].fit(new ListDataSetIterator<>(batches, 1), steps); // warm-up epoch
        }
        for (int rep = 0; rep < 2; rep++) {
            for (int w = 1; w <= 2; w++) {
                losses.clear();
                long t0 = System.nanoTime();
                backends[w].fit(new ListDataSetIterator<>(batches, 1), steps);
                double s = (System.nanoTime() - t0) / 1e9;
                assertThat(losses).hasSize(8 / w);
                rate[w] = Math.max(rate[w], 8 * 4 / s);
                System.out.printf("ParallelWrapper workers=%d, repetition %d: %.2f examples/s (%.1f s for 32 "
                        + "examples)%n", w, rep, 8 * 4 / s, s);
            }
        }
        System.out.printf("ParallelWrapper speed-up 2 vs 1 workers: %.2fx%n", rate[2] / rate[1]);
        assertThat(rate[2]).isPositive();
    }
}
