package io.carrara.batch;

import static io.carrara.spi.error.StandardErrorCode.UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.spark.batch.CarraraSpark;
import io.carrara.spark.batch.SparkSettings;
import io.carrara.spark.sql.SqlPolicy;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.io.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one Spark session, started on first use: a server that never touches a table or a
 * batch job never pays Spark's start-up. Every table call and batch job of the server runs in it,
 * so the embedded Derby metastore, which only one process may open, is opened once.
 */
public final class SparkRuntime implements AutoCloseable {
    /** Spark's own setting for its scratch space; the server points it under the home. */
    public static final String LOCAL_DIRECTORY = "spark.local.dir";
    private static final Logger log = LoggerFactory.getLogger(SparkRuntime.class);

    private final SparkSettings settings;
    private final SqlPolicy policy;
    private SparkSession session;
    private boolean closed;

    public SparkRuntime(SparkSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        // Tables users may read through SQL must hold their data in this server's warehouse.
        this.policy = SqlPolicy.of(settings.warehouseLocation());
    }

    /** What SQL from users (table conditions, batch queries, workflow steps) may do in this session. */
    public SqlPolicy policy() {
        return policy;
    }

    /** The running session, started now if this is the first call. */
    public synchronized SparkSession session() {
        if (closed) {
            throw new CarraraException(UNAVAILABLE, "the server is stopping and Spark is closed; try again once it is up", null);
        }
        if (session == null) {
            long started = System.nanoTime();
            removeLeftovers();
            try {
                session = CarraraSpark.session(settings);
            } catch (RuntimeException | LinkageError e) {
                throw new CarraraException(UNAVAILABLE, "Spark did not start: " + e.getMessage()
                        + "; check the server's spark.* settings and its log", null, e);
            }
            log.atInfo().setMessage("Spark started")
                    .addKeyValue("master", session.sparkContext().master())
                    .addKeyValue("warehouse", session.conf().get("spark.sql.warehouse.dir", ""))
                    .addKeyValue("millis", (System.nanoTime() - started) / 1_000_000)
                    .log();
        }
        return session;
    }

    /**
     * Empties the local directory Spark was given under the home ({@code spark.local.dir}: its shuffle
     * and block files, the files shipped with tasks, Hive's resources) before Spark starts: Spark
     * removes them when it stops, but not after a crash. A local directory Spark was not given by
     * Carrara (the JVM's temporary directory) is left alone.
     */
    private void removeLeftovers() {
        String local = settings.config().get(LOCAL_DIRECTORY);
        if (local == null || settings.home().isEmpty() || !Path.of(local).startsWith(settings.home().get())) {
            return;
        }
        try {
            FileTrees.deleteContents(Path.of(local));
        } catch (IOException e) {
            log.atWarn().setMessage("cannot empty Spark's local directory").addKeyValue("error", e.getMessage()).log();
        }
    }

    /** Whether the session has been started. */
    public synchronized boolean started() {
        return session != null;
    }

    public SparkSettings settings() {
        return settings;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.stop();
            session = null;
        }
    }
}
