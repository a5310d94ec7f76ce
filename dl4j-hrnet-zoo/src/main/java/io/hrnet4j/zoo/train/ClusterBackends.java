package io.hrnet4j.zoo.train;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Execution backends that live in optional modules (the {@code dl4j-hrnet-spark} module's Spark backend), found on the
 * class path through {@link ServiceLoader} so that the core and the command line do not depend on them. A module
 * registers a {@link Provider} in {@code META-INF/services/io.hrnet4j.zoo.train.ClusterBackends$Provider}.
 */
public final class ClusterBackends {
    private ClusterBackends() {
    }

    /** A cluster execution backend offered by an optional module. */
    public interface Provider {
        /** @return the backend's name, e.g. {@code spark} */
        String name();

        /**
         * @param address where the cluster is, e.g. a Spark master URL ({@code local[2]}, {@code spark://host:7077})
         * @return a factory of backends connected to it (each backend releases its connection on close)
         * @throws IllegalArgumentException for a malformed address
         */
        TrainingBackend.Factory factory(String address);
    }

    /**
     * @param name a backend name, e.g. {@code spark}
     * @param address the cluster address
     * @return the factory of the provider of that name
     * @throws TrainingException when no module on the class path provides it, naming the module to add
     */
    public static TrainingBackend.Factory factory(String name, String address) {
        List<String> known = new ArrayList<>();
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.name().equalsIgnoreCase(name)) {
                return p.factory(address);
            }
            known.add(p.name());
        }
        throw new TrainingException("no " + name + " execution backend on the class path (found: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + "); the Spark backend is the "
                + "dl4j-hrnet-spark module, built with the Maven profile -P spark");
    }
}
