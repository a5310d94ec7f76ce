package io.hrnet4j.zoo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.zoo.samediff.OpTimingListener;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/** {@link OpTimer} (op-level timing of any ND4J execution) and {@link GraphProfile}'s variant specs. */
class GraphProfileTest {

    @Test
    void opTimerRecordsEveryTopLevelOpByNameAndKeepsResults() {
        OpTimingListener timing = OpTimer.install();
        INDArray a = Nd4j.createFromArray(1f, 2f, 3f);
        INDArray b = Nd4j.createFromArray(10f, 20f, 30f);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 3);
        Nd4j.exec(new AddOp(a, b, out));
        INDArray x = Nd4j.ones(DataType.FLOAT, 1, 1, 3, 3);
        INDArray w = Nd4j.ones(DataType.FLOAT, 1, 3, 3, 1);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, 1, 1, 1, 1);
        // conv2d NCHW, weights [out, kH, kW, in] (weight format 2), no padding: the sum of the nine ones
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(y)
                .addIntegerArguments(3, 3, 1, 1, 0, 0, 1, 1, 0, 0, 2).build());

        assertThat(out.toFloatVector()).containsExactly(11f, 22f, 33f);
        assertThat(y.getFloat(0)).isEqualTo(9f);
        Map<String, OpTimingListener.Row> rows = new java.util.HashMap<>();
        timing.rows().forEach(r -> rows.put(r.op(), r));
        assertThat(rows).containsKeys("add", "conv2d");
        assertThat(rows.get("add").calls()).isEqualTo(1);
        assertThat(rows.get("conv2d").calls()).isEqualTo(1);
        assertThat(rows.get("conv2d").nanos()).isPositive();
        assertThat(timing.totalNanos()).isEqualTo(timing.rows().stream().mapToLong(OpTimingListener.Row::nanos).sum());

        OpTimingListener next = OpTimer.install();
        Nd4j.exec(new AddOp(a, b, out));
        assertThat(next.rows()).extracting(OpTimingListener.Row::op).containsExactly("add");
        assertThat(timing.rows().stream().filter(r -> r.op().equals("add")).findFirst().orElseThrow().calls())
                .isEqualTo(1);
    }

    @Test
    void variantSpecSplitsEnvironmentAndJvmOptions() {
        GraphProfile.Variant v = GraphProfile.Variant.parse(
                "2t-pool1:OMP_NUM_THREADS=2,-Dhrnet.profile.maxThreads=1,-XX:+UseSerialGC");
        assertThat(v.label()).isEqualTo("2t-pool1");
        assertThat(v.env()).containsExactly(Map.entry("OMP_NUM_THREADS", "2"));
        assertThat(v.properties()).isEqualTo(List.of("-Dhrnet.profile.maxThreads=1", "-XX:+UseSerialGC"));
    }

    @Test
    void variantSpecWithoutLabelOrValueIsRejected() {
        assertThatThrownBy(() -> GraphProfile.Variant.parse("OMP_NUM_THREADS=2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--variant must be LABEL:KEY=VALUE[,KEY=VALUE...], got 'OMP_NUM_THREADS=2'");
        assertThatThrownBy(() -> GraphProfile.Variant.parse("2t:OMP_NUM_THREADS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--variant item must be KEY=VALUE or a JVM option (-...), got 'OMP_NUM_THREADS' in "
                        + "'2t:OMP_NUM_THREADS'");
    }
}
