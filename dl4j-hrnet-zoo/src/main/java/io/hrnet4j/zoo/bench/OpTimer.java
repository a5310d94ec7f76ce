package io.hrnet4j.zoo.bench;

import io.hrnet4j.zoo.samediff.OpTimingListener;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Op-level wall-clock timing of everything ND4J executes in this JVM, whoever calls it (a DL4J
 * {@code ComputationGraph}'s layers, its updater, its workspaces' {@code assign}s): {@link #install()} puts a proxy
 * in front of ND4J's op executioner ({@code Nd4j.getExecutioner()}) that times each top-level {@code exec} /
 * {@code execAndReturn} call of an {@link Op} or {@link CustomOp} (the op's native execution, its output
 * allocation when the op allocates, and its JNI set-up) and adds it, under the op's name ({@code conv2d},
 * {@code batchnorm_bp}, {@code add}, {@code adam_updater}, ...), to an {@link OpTimingListener}. Nested
 * executions (an op executed from inside another's execution) count once, in the outer op. Everything else the
 * executioner offers (environment, shape calculation, profiling settings) is delegated untimed.
 *
 * <p>The timing of a {@code ComputationGraph.fit} is then {@link OpTimingListener#totalNanos()} inside ops, and the
 * rest of the call's wall-clock is DL4J's own Java work (graph traversal, workspaces, gradient views, listener
 * dispatch). Single-threaded use only (as DL4J's training loop): the nesting depth is not per thread.
 */
public final class OpTimer {
    private static OpTimingListener current;
    private static boolean installed;

    private OpTimer() {
    }

    /**
     * Installs the timing proxy (once per JVM; later calls do nothing). Costs two {@code System.nanoTime()} calls
     * and one map update per op.
     *
     * @return the profile that receives every op from now on (a new one at each call)
     * @throws IllegalStateException if ND4J's executioner field cannot be replaced (another ND4J version)
     */
    public static synchronized OpTimingListener install() {
        current = new OpTimingListener();
        if (!installed) {
            OpExecutioner real = Nd4j.getExecutioner();
            OpExecutioner proxy = (OpExecutioner) Proxy.newProxyInstance(OpExecutioner.class.getClassLoader(),
                    new Class<?>[] {OpExecutioner.class}, new Timing(real));
            try {
                // org.nd4j.linalg.factory.Nd4j: private static OpExecutioner OP_EXECUTIONER_INSTANCE (ND4J 1.0.0-M2.1)
                Field f = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
                f.setAccessible(true);
                f.set(null, proxy);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot install the op timer: ND4J's executioner field "
                        + "Nd4j.OP_EXECUTIONER_INSTANCE is not accessible (" + e + ")", e);
            }
            installed = true;
        }
        return current;
    }

    private static final class Timing implements InvocationHandler {
        private final OpExecutioner real;
        private int depth;

        Timing(OpExecutioner real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String op = opName(method, args);
            if (op == null || depth > 0) {
                return call(method, args);
            }
            depth++;
            long t0 = System.nanoTime();
            try {
                return call(method, args);
            } finally {
                long dt = System.nanoTime() - t0;
                depth--;
                OpTimingListener sink = current;
                if (sink != null) {
                    sink.record(op, dt);
                }
            }
        }

        private Object call(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private static String opName(Method method, Object[] args) {
            String m = method.getName();
            if (!(m.equals("exec") || m.equals("execAndReturn")) || args == null || args.length == 0) {
                return null;
            }
            if (args[0] instanceof CustomOp c) {
                return c.opName();
            }
            if (args[0] instanceof Op o) {
                return o.opName();
            }
            return null;
        }
    }
}
