package io.carrara.batch;

import static io.carrara.registry.db.DatabaseTimes.toDb;
import static java.util.Objects.requireNonNull;

import io.carrara.batch.BatchJobInfo.ErrorInfo;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server process as a runner of batch jobs and workflow runs: it is recorded in
 * {@code batch_runners} and beats every {@code heartbeat}; each beat also marks failed the jobs and
 * runs left queued or running by runners that have not beaten for {@code stale} (a server that
 * crashed or was killed), so they do not show as running for ever. Servers sharing the database
 * watch each other this way; a lone server does it for its own previous process when it starts.
 */
public final class BatchRunner implements AutoCloseable {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_STALE = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    private final RegistryDatabase database;
    private final String id = UUID.randomUUID().toString();
    private final Duration stale;
    private final ScheduledExecutorService timer;

    public BatchRunner(RegistryDatabase database, Duration heartbeat, Duration stale) {
        this.database = requireNonNull(database, "database is null");
        this.stale = requireNonNull(stale, "stale is null");
        if (heartbeat.isNegative() || heartbeat.isZero() || stale.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the heartbeat must be positive and stale at least two heartbeats: "
                    + heartbeat + ", " + stale);
        }
        Instant now = DatabaseTimes.now();
        database.jdbi().useHandle(handle -> handle.createUpdate(
                        "INSERT INTO batch_runners (runner, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?)")
                .bind(0, id).bind(1, host()).bind(2, toDb(now)).bind(3, toDb(now)).execute());
        reap();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "batch-runner-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                beat();
            } catch (RuntimeException e) {
                log.atWarn().setMessage("cannot record the batch runner's heartbeat; retrying")
                        .addKeyValue("error", e.getMessage()).log();
            }
            reapQuietly();
        }, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This process's runner id, written on the jobs and runs it takes. */
    public String id() {
        return id;
    }

    void beat() {
        database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE batch_runners SET heartbeat_at = ? WHERE runner = ?")
                .bind(0, toDb(DatabaseTimes.now())).bind(1, id).execute());
    }

    /**
     * Marks failed the jobs and runs whose runner has not beaten within {@code stale}; answers how
     * many. Runners gone for a day are forgotten.
     */
    public int reap() {
        Instant now = DatabaseTimes.now();
        Instant alive = now.minus(stale);
        String jobError = RegistryJson.write(new ErrorInfo("UNAVAILABLE",
                "the server running this job stopped before it finished; submit it again", null));
        return database.inTransaction(handle -> {
            int jobs = handle.createUpdate("UPDATE batch_jobs SET status = 'failed', error = ?, finished_at = ?"
                            + " WHERE status IN ('queued', 'running')"
                            + " AND runner NOT IN (SELECT runner FROM batch_runners WHERE heartbeat_at >= ?)")
                    .bind(0, jobError).bind(1, toDb(now)).bind(2, toDb(alive)).execute();
            int runs = handle.createUpdate("UPDATE workflow_runs SET status = 'failed', error = ?, finished_at = ?"
                            + " WHERE status IN ('queued', 'running')"
                            + " AND runner NOT IN (SELECT runner FROM batch_runners WHERE heartbeat_at >= ?)")
                    .bind(0, "the server running this run stopped before it finished; retry it").bind(1, toDb(now))
                    .bind(2, toDb(alive)).execute();
            handle.createUpdate("DELETE FROM batch_runners WHERE heartbeat_at < ?").bind(0, toDb(now.minus(Duration.ofDays(1))))
                    .execute();
            if (jobs + runs > 0) {
                log.atWarn().setMessage("batch jobs and workflow runs of a stopped server marked failed")
                        .addKeyValue("jobs", jobs).addKeyValue("runs", runs).log();
            }
            return jobs + runs;
        });
    }

    private void reapQuietly() {
        try {
            reap();
        } catch (RuntimeException e) {
            log.atWarn().setMessage("cannot check for batch jobs of stopped servers; retrying")
                    .addKeyValue("error", e.getMessage()).log();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** Stops beating and removes this runner; its own unfinished work is marked failed by its services as they close. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            database.jdbi().useHandle(handle -> handle.createUpdate("DELETE FROM batch_runners WHERE runner = ?")
                    .bind(0, id).execute());
        } catch (RuntimeException e) {
            log.atWarn().setMessage("cannot remove the batch runner's record").addKeyValue("error", e.getMessage()).log();
        }
    }
}
