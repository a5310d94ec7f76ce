package io.hrnet4j.zoo.samediff;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Base of this package's libnd4j custom ops ({@link FusedBatchNorm}, {@link FusedBatchNorm.Backprop},
 * {@link FastRelu}): an op that keeps its whole configuration in the op's integer / floating arguments and whose
 * class is mapped to its op hash in ND4J's op registry ({@link #registerCustomOp}).
 * <p>
 * Why (ND4J 1.0.0-M2.1): {@code SameDiff.createGradFunction} clones every op through FlatBuffers
 * ({@code FlatBuffersMapper.cloneViaSerialize}), which carries the op arguments and re-creates the op as the class
 * registered for its hash; the registration makes the clone an instance of the subclass (with its derivative), and
 * keeping the configuration in the arguments makes the clone complete.
 */
public abstract class RegisteredCustomOp extends DynamicCustomOp {

    /** For ND4J's op registry and deserialisation (the arguments come from the serialised op). */
    protected RegisteredCustomOp() {
    }

    /**
     * @param sd     the graph
     * @param inputs the op's inputs
     */
    protected RegisteredCustomOp(SameDiff sd, SDVariable[] inputs) {
        super(null, sd, inputs, false);
    }

    /**
     * Ignores the named properties that SameDiff's gradient-graph clone hands over (for batch norm, those of
     * ND4J's own {@code BatchNorm}: {@code applyOffset}, {@code applyScale}, {@code dimensions}, ...): the op's
     * whole configuration is in its arguments, which the clone carries, and it has no such fields (ND4J would log
     * one warning per property and op, hundreds per network).
     *
     * @param properties the clone's named properties (unused)
     */
    @Override
    public void setPropertiesForFunction(Map<String, Object> properties) {
        // configuration is in iArgs / tArgs
    }

    /**
     * One output, of the first input's data type (the forward ops); an op with more outputs overrides it.
     *
     * @param dataTypes the input data types
     * @return the output data types
     */
    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> dataTypes) {
        return Collections.singletonList(dataTypes.get(0));
    }

    /**
     * @param y    an op's output
     * @param name the name to give it, or null to keep the generated one
     * @return {@code y}, renamed when a name is given
     */
    static SDVariable named(SDVariable y, String name) {
        return name == null ? y : y.rename(name);
    }

    /**
     * Maps a custom-op hash to a class in ND4J's op registry ({@code DifferentialFunctionClassHolder}), so that ops
     * re-created from their hash (the gradient-graph clone, deserialisation) are instances of that class.
     *
     * @param hash the libnd4j op hash ({@code opHash()} of an instance)
     * @param name the libnd4j op name
     * @param c the class implementing the op
     * @throws IllegalStateException if this ND4J version's registry does not have the expected structure
     */
    @SuppressWarnings("unchecked")
    static synchronized void registerCustomOp(long hash, String name, Class<?> c) {
        try {
            DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
            Field single = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
            Field multi = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClasses");
            single.setAccessible(true);
            multi.setAccessible(true);
            Map<Long, Class<?>> byHash = (Map<Long, Class<?>>) single.get(holder);
            Map<Long, Map<String, Class<?>>> byHashAndName = (Map<Long, Map<String, Class<?>>>) multi.get(holder);
            Map<String, Class<?>> named = byHashAndName.get(hash);
            if (named != null) {
                named.put(name, c);
            } else {
                byHash.put(hash, c);
            }
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot register the " + name + " op with ND4J's op registry "
                    + "(DifferentialFunctionClassHolder of ND4J 1.0.0-M2.1 expected): " + e, e);
        }
    }
}
