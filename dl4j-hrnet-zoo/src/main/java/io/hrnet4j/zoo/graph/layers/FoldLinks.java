package io.hrnet4j.zoo.graph.layers;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a {@link NativeBatchNormLayer} finds the {@link NativeConvolutionLayer} whose output it reads, to fold its
 * inference into that convolution (DL4J layers have no reference to their graph): each not-yet-linked convolution
 * that is configured to fold announces itself here after an {@code output()} forward, and the batch norm that then
 * receives that very array (compared by identity) links the two. Per thread (one forward pass runs on one thread);
 * the last {@value #CAPACITY} announcements are kept, more than the convolutions a topological order puts between a
 * convolution and its batch norm, as weak references (a discarded network is not kept alive).
 */
final class FoldLinks {
    static final int CAPACITY = 64;
    private static final ThreadLocal<ArrayDeque<WeakReference<NativeConvolutionLayer>>> RECENT =
            ThreadLocal.withInitial(ArrayDeque::new);

    private FoldLinks() {
    }

    /**
     * Links every convolution of {@code graph} configured to fold a batch norm ({@link
     * NativeConvolution#getFoldedBatchNorm()}) to that batch-norm layer, so that the first {@code output()} call is
     * folded like every later one (without it, a graph links itself during its first {@code output()} call, which
     * then runs unfolded: float rounding differs from later calls).
     *
     * @param graph an initialised graph (its layers exist)
     * @return the convolutions linked
     */
    static int linkAll(org.deeplearning4j.nn.graph.ComputationGraph graph) {
        int linked = 0;
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l instanceof NativeConvolutionLayer conv && !conv.isFoldingBatchNorm()) {
                String bnName = ((NativeConvolution) conv.conf().getLayer()).getFoldedBatchNorm();
                if (bnName != null && graph.getLayer(bnName) instanceof NativeBatchNormLayer bn) {
                    conv.foldInto(bn);
                    bn.linkFoldSource(conv);
                    linked++;
                }
            }
        }
        return linked;
    }

    /** @param conv a convolution that has just run an {@code output()} forward and is not linked yet */
    static void offer(NativeConvolutionLayer conv) {
        ArrayDeque<WeakReference<NativeConvolutionLayer>> q = RECENT.get();
        q.removeIf(r -> r.get() == null || r.get() == conv);
        q.addLast(new WeakReference<>(conv));
        while (q.size() > CAPACITY) {
            q.removeFirst();
        }
    }

    /**
     * @param input the batch norm's input
     * @param bnName the batch norm's vertex name
     * @return the convolution that produced {@code input} and is configured to fold into {@code bnName}
     *     (removed from the announcements), or null
     */
    static NativeConvolutionLayer take(INDArray input, String bnName) {
        Iterator<WeakReference<NativeConvolutionLayer>> it = RECENT.get().iterator();
        while (it.hasNext()) {
            NativeConvolutionLayer c = it.next().get();
            if (c != null && c.produced(input, bnName)) {
                it.remove();
                return c;
            }
        }
        return null;
    }
}
