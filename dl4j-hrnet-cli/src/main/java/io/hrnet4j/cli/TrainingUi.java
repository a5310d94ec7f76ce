package io.hrnet4j.cli;

import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * The optional DL4J training UI ({@code deeplearning4j-ui}, http://localhost:9000). The UI module and its web server
 * add about 60 MB of dependencies, so it is not a default dependency: build dl4j-hrnet-cli with the Maven profile
 * {@code ui} ({@code mvn -Pui package}) to put it on the classpath. It is reached by reflection so that the default
 * build neither needs nor bundles it.
 */
final class TrainingUi {
    private TrainingUi() {
    }

    /**
     * Starts the UI server, attaches an in-memory stats storage and returns the listener feeding it.
     *
     * @return a {@code StatsListener}
     * @throws IllegalStateException when {@code deeplearning4j-ui} is not on the classpath, saying how to add it
     */
    static TrainingListener attach() {
        try {
            Class<?> storageClass = Class.forName("org.deeplearning4j.ui.model.storage.InMemoryStatsStorage");
            Object storage = storageClass.getConstructor().newInstance();
            Class<?> serverClass = Class.forName("org.deeplearning4j.ui.api.UIServer");
            Object server = serverClass.getMethod("getInstance").invoke(null);
            Class<?> routerClass = Class.forName("org.deeplearning4j.core.storage.StatsStorageRouter");
            Class<?> statsStorageClass = Class.forName("org.deeplearning4j.core.storage.StatsStorage");
            serverClass.getMethod("attach", statsStorageClass).invoke(server, storage);
            Class<?> listenerClass = Class.forName("org.deeplearning4j.ui.model.stats.StatsListener");
            return (TrainingListener) listenerClass.getConstructor(routerClass).newInstance(storage);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("--ui needs the DL4J training UI (org.deeplearning4j:deeplearning4j-ui) on "
                    + "the classpath, which the default build leaves out (~60 MB): rebuild with "
                    + "'mvn -Pui -DskipTests package' (missing class " + e.getMessage() + ")", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the DL4J training UI: " + e, e);
        }
    }
}
