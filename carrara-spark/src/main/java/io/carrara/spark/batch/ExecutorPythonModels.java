package io.carrara.spark.batch;

import io.carrara.python.Environment;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonModel;
import io.carrara.python.PythonSettings;
import io.carrara.spark.ShippedModel;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python models an executor JVM runs: one {@link PythonModel} per model (by the digest of its
 * files), started by the first task that needs it and reused by every later partition and job, its
 * environment built once per content hash (or found already built) under the settings' environments
 * folder. A JVM shutdown hook stops the workers. In local mode this is the server's JVM, so batch
 * jobs share the environments the server builds for online serving.
 */
final class ExecutorPythonModels {
    private static final Logger log = LoggerFactory.getLogger(ExecutorPythonModels.class);
    private static final Map<String, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    private static boolean hooked;

    /** A started model and the home it was read from. */
    record Loaded(ModelHome home, PythonModel model) {
    }

    private ExecutorPythonModels() {
    }

    /**
     * The started model of {@code shipped}, started (after building its environment if needed) on first
     * use in this JVM; with {@code validate} false its workers skip validation/ (an instance uploaded
     * with {@code --skip-validation}), and are kept apart from the same files' validated workers.
     */
    static Loaded get(ShippedModel shipped, PythonSettings settings, boolean validate) {
        String key = validate ? shipped.digest() : shipped.digest() + "/unvalidated";
        Loaded loaded = MODELS.get(key);
        if (loaded != null && loaded.model().health().state() != PythonModel.State.CLOSED) {
            return loaded;
        }
        synchronized (LOCKS.computeIfAbsent(key, digest -> new Object())) {
            loaded = MODELS.get(key);
            // A model closed under us (closeAll, or its JVM stopping) is started again rather than failing every task.
            if (loaded != null && loaded.model().health().state() != PythonModel.State.CLOSED) {
                return loaded;
            }
            ModelHome home = ModelHome.read(shipped.directory());
            String label = "batch-" + shipped.digest().substring(0, 12);
            Environment environment = new PythonEnvironments(settings).prepare(home,
                    line -> log.atInfo().setMessage("python environment").addKeyValue("model", label).addKeyValue("line", line).log());
            PythonModel model = PythonModel.start(home, environment, settings, label, validate);
            loaded = new Loaded(home, model);
            hook();
            MODELS.put(key, loaded);
            log.atInfo().setMessage("python model started for batch scoring").addKeyValue("model", label)
                    .addKeyValue("environment", environment.hash()).log();
            return loaded;
        }
    }

    private static synchronized void hook() {
        if (hooked) {
            return;
        }
        hooked = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPythonModels::closeAll, "carrara-python-batch-models"));
    }

    /** Stops every model's workers; a later task starts its model again. */
    static void closeAll() {
        for (String digest : new ArrayList<>(MODELS.keySet())) {
            Loaded loaded = MODELS.remove(digest);
            if (loaded != null) {
                try {
                    loaded.model().close();
                } catch (Exception e) {
                    log.warn("cannot stop the python model " + digest, e);
                }
            }
        }
    }

    /** How many models this JVM keeps started (for tests). */
    static int size() {
        return MODELS.size();
    }
}
