package io.carrara.spark.batch;

import io.carrara.python.Environment;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonModel;
import io.carrara.python.PythonSettings;
import io.carrara.python.RowOutcome;
import io.carrara.spark.ShippedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python models an executor JVM runs: one {@link PythonModel} per model (by the digest of its
 * files), started by the first task that needs it and reused by every later partition and job, its
 * environment built once per content hash (or found already built) under the settings' environments
 * folder. A model whose last batch is older than the settings' {@code batchIdleTimeout} is stopped
 * (a later task starts it again), and a JVM shutdown hook stops the rest. In local mode this is the
 * server's JVM, so batch jobs share the environments the server builds for online serving, and a
 * long-running server does not keep the workers of every model it ever batch-scored.
 */
final class ExecutorPythonModels {
    private static final Logger log = LoggerFactory.getLogger(ExecutorPythonModels.class);
    private static final Map<String, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    private static boolean hooked;
    private static ScheduledExecutorService evictor;

    /**
     * A started model and the home it was read from, with the calls in flight and the time of the last
     * one, so that it is stopped only when idle and never under a call.
     */
    static final class Loaded {
        private final ModelHome home;
        private final PythonModel model;
        private final long idleNanos;
        private int inFlight;
        private long lastUsed = System.nanoTime();
        private boolean evicted;

        Loaded(ModelHome home, PythonModel model, long idleNanos) {
            this.home = home;
            this.model = model;
            this.idleNanos = idleNanos;
        }

        ModelHome home() {
            return home;
        }

        PythonModel model() {
            return model;
        }

        /** The model's answers, or null when it was stopped for idleness before this call: get it again. */
        List<RowOutcome> score(List<Map<String, Object>> rows) {
            synchronized (this) {
                if (evicted) {
                    return null;
                }
                inFlight++;
            }
            try {
                return model.score(rows);
            } finally {
                synchronized (this) {
                    inFlight--;
                    lastUsed = System.nanoTime();
                }
            }
        }

        private boolean usable() {
            synchronized (this) {
                if (evicted) {
                    return false;
                }
                lastUsed = System.nanoTime();
            }
            return model.health().state() != PythonModel.State.CLOSED;
        }

        /** Marks it stopped when nothing runs on it and its last call is older than its idle timeout. */
        private synchronized boolean evictIfIdle(long now) {
            if (evicted || inFlight > 0 || now - lastUsed < idleNanos) {
                return false;
            }
            evicted = true;
            return true;
        }
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
        if (loaded != null && loaded.usable()) {
            return loaded;
        }
        synchronized (LOCKS.computeIfAbsent(key, digest -> new Object())) {
            loaded = MODELS.get(key);
            // A model closed under us (idle, closeAll, or its JVM stopping) is started again rather than failing every task.
            if (loaded != null && loaded.usable()) {
                return loaded;
            }
            ModelHome home = ModelHome.read(shipped.directory());
            String label = "batch-" + shipped.digest().substring(0, 12);
            Environment environment = new PythonEnvironments(settings).prepare(home,
                    line -> log.atInfo().setMessage("python environment").addKeyValue("model", label).addKeyValue("line", line).log());
            PythonModel model = PythonModel.start(home, environment, settings, label, validate);
            loaded = new Loaded(home, model, settings.batchIdleTimeout().toNanos());
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
        evictor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "carrara-python-batch-idle");
            thread.setDaemon(true);
            return thread;
        });
        evictor.scheduleWithFixedDelay(ExecutorPythonModels::evictIdle, 1, 1, TimeUnit.SECONDS);
    }

    /** Stops the models idle past their timeout (run every second). */
    static void evictIdle() {
        long now = System.nanoTime();
        for (Map.Entry<String, Loaded> entry : MODELS.entrySet()) {
            Loaded loaded = entry.getValue();
            if (loaded.evictIfIdle(now)) {
                MODELS.remove(entry.getKey(), loaded);
                try {
                    loaded.model().close();
                    log.atInfo().setMessage("python model stopped after its idle timeout").addKeyValue("model", entry.getKey())
                            .addKeyValue("idleSeconds", TimeUnit.NANOSECONDS.toSeconds(loaded.idleNanos)).log();
                } catch (RuntimeException e) {
                    log.warn("cannot stop the idle python model " + entry.getKey(), e);
                }
            }
        }
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
