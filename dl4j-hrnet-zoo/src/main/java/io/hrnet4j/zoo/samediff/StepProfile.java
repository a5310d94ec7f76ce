package io.hrnet4j.zoo.samediff;

import io.hrnet4j.zoo.arch.HRNetConfig;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Op-level profile of the SameDiff training step ({@link SameDiffHRNet#fit}, Adam 1e-3, JointsMSELoss) of a standard
 * HRNet on a random batch (inputs U(0, 1) {@code [N, 3, H, W]}, targets U(0, 1) {@code [N, 17, H/4, W/4]}, target
 * weights 1), with {@link OpTimingListener}: prints a Markdown table of the op types with their calls, milliseconds
 * and share per step, and the time outside ops.
 *
 * <p>Usage: {@code java -cp ... io.hrnet4j.zoo.samediff.StepProfile [width [height inputWidth [batch [warmup
 * [steps]]]]]}, defaults {@code 32 256 192 8 2 3}. Thread count: {@code OMP_NUM_THREADS}. A benchmark command, not a
 * test.
 */
public final class StepProfile {
    private StepProfile() {
    }

    /**
     * @param args width, input height, input width, batch, warm-up steps, profiled steps (all optional)
     * @throws NumberFormatException for a non-integer argument
     */
    public static void main(String[] args) {
        int width = arg(args, 0, 32);
        int h = arg(args, 1, 256);
        int w = arg(args, 2, 192);
        int batch = arg(args, 3, 8);
        int warmup = arg(args, 4, 2);
        int steps = arg(args, 5, 3);
        HRNetConfig cfg = HRNetConfig.standard(width, 17, h, w);
        SameDiffHRNet model = SameDiffHRNet.create(cfg, 7, new Adam(1e-3));
        model.prepareTraining();
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, h, w);
        INDArray y = Nd4j.rand(DataType.FLOAT, batch, 17, cfg.heatmapHeight(), cfg.heatmapWidth());
        DataSet ds = new DataSet(x, y, null, Nd4j.onesLike(y));
        OpTimingListener timing = new OpTimingListener();
        long stepNanos = 0;
        long opsBefore = 0;
        for (int i = 0; i < warmup + steps; i++) {
            if (i == warmup) {
                timing.reset();
                opsBefore = 0;
            }
            long t0 = System.nanoTime();
            model.fit(new SingletonDataSetIterator(ds), 1, timing);
            long dt = System.nanoTime() - t0;
            System.out.printf(Locale.ROOT, "step %d: %.3f s (ops %.3f s)%n", i, dt / 1e9,
                    (timing.totalNanos() - opsBefore) / 1e9);
            if (i >= warmup) {
                stepNanos += dt;
            }
            opsBefore = timing.totalNanos();
        }
        System.out.printf(Locale.ROOT, "HRNet-W%d %dx%d batch %d, %d steps, OMP_NUM_THREADS=%s: %.3f s per step%n",
                width, h, w, batch, steps, System.getenv("OMP_NUM_THREADS"), stepNanos / 1e9 / steps);
        System.out.print(timing.markdown(steps, stepNanos, 15));
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }
}
