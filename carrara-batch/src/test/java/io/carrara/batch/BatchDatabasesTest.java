package io.carrara.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.batch.BatchJobInfo.Status;
import io.carrara.batch.workflow.WorkflowInfo;
import io.carrara.batch.workflow.WorkflowService;
import io.carrara.batch.workflow.WorkflowStore;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.spark.batch.SparkSettings;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.net.OutboundAddressPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch tables of migration V3 and the SQL over them on every database the registry runs on:
 * jobs stored and read back, runner heartbeats and the reaping of a stopped runner's jobs, and
 * db-scheduler's table (register, reschedule, unregister). Spark is never started.
 */
class BatchDatabasesTest {
    private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");

    @ParameterizedTest
    @EnumSource(DatabaseDialect.class)
    void jobsRunsRunnersAndSchedulesWorkOn(DatabaseDialect dialect, @TempDir Path home) throws IOException {
        try (TestDatabases.TestDatabase testDatabase = TestDatabases.create(dialect);
                RegistryDatabase database = RegistryDatabase.open(testDatabase.config());
                FileSystemBlobStore blobs = new FileSystemBlobStore(home.resolve("blobs"))) {
            BatchRunner runner = new BatchRunner(database, Duration.ofSeconds(1), Duration.ofSeconds(3));
            SparkRuntime spark = new SparkRuntime(SparkSettings.embedded(home));
            BatchJobStore store = new BatchJobStore(database, runner.id());
            BatchJobService jobs = new BatchJobService(spark, new ModelRegistry(database, blobs), new DeploymentRegistry(database),
                    artifact -> {
                        throw new IOException("no job runs in this test");
                    }, store, 1, new SimpleMeterRegistry());
            WorkflowService workflows = new WorkflowService(database, new WorkflowStore(database, runner.id()), jobs, spark,
                    Duration.ofSeconds(1), OutboundAddressPolicy.PUBLIC_ONLY, new SimpleMeterRegistry());
            try {
                Instant submitted = Instant.now().truncatedTo(ChronoUnit.MICROS);
                BatchJobInfo job = job(UUID.randomUUID(), submitted);
                store.insert(job);
                store.markRunning(job.id(), submitted.plusSeconds(1));
                store.markFinished(job.id(), Status.SUCCEEDED, Map.of("rowsRead", 10, "rowsWritten", 9), null,
                        submitted.plusSeconds(2));
                BatchJobInfo read = jobs.get(job.id());
                assertThat(read.status()).isEqualTo(Status.SUCCEEDED);
                assertThat(read.executionDate()).isEqualTo(NOV_1);
                assertThat(read.columns()).containsExactly("prediction");
                assertThat(read.submittedAt()).isEqualTo(submitted);
                assertThat(read.finishedAt()).isEqualTo(submitted.plusSeconds(2));
                assertThat(((Number) read.result().get("rowsWritten")).intValue()).isEqualTo(9);
                assertThat(jobs.list(10, 0)).extracting(BatchJobInfo::id).containsExactly(job.id());

                BatchJobInfo orphan = job(UUID.randomUUID(), submitted);
                new BatchJobStore(database, UUID.randomUUID().toString()).insert(orphan);
                runner.reap(); // the heartbeat thread may have reaped it first
                assertThat(jobs.get(orphan.id()).error().code()).isEqualTo("UNAVAILABLE");
                assertThat(jobs.get(job.id()).status()).isEqualTo(Status.SUCCEEDED);

                String yaml = """
                        name: nightly
                        schedule: "0 3 * * *"
                        inputs: [{table: ml.trips, max_sla: 1d}]
                        steps:
                          - {name: features, sql: "SELECT * FROM ml.trips WHERE ds = '{{ execution_date }}'", output: ml.f}
                        """;
                WorkflowService.Registered registered = workflows.register(yaml, "alice");
                assertThat(registered.created()).isTrue();
                assertThat(registered.workflow().nextRunAt()).isEqualTo(next(3, 0));
                WorkflowService.Registered moved = workflows.register(yaml.replace("0 3 * * *", "30 4 * * *"), "bob");
                assertThat(moved.created()).isFalse();
                assertThat(moved.workflow().nextRunAt()).isEqualTo(next(4, 30));
                assertThat(workflows.list()).extracting(WorkflowInfo::registeredBy).containsExactly("bob");
                workflows.unregister("nightly");
                assertThatThrownBy(() -> workflows.get("nightly")).isInstanceOf(CarraraException.class);

            } finally {
                workflows.close();
                jobs.close();
                spark.close();
                runner.close();
            }
        }
    }

    private static BatchJobInfo job(UUID id, Instant submitted) {
        return new BatchJobInfo(id, Status.QUEUED, "demand/trips", UUID.randomUUID(), null, "SELECT * FROM ml.trips", "ml.out",
                "ml.out_errors", NOV_1, List.of("prediction"), BatchJobInfo.Progress.QUEUED, null, null, submitted, "alice", null,
                null, null, null);
    }

    /** The next time after now at {@code hour}:00 UTC. */
    /** The next UTC time of day hour:minute after now (today's if it is still ahead, else tomorrow's). */
    private static Instant next(int hour, int minute) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime at = now.truncatedTo(ChronoUnit.DAYS).withHour(hour).withMinute(minute);
        return (at.isAfter(now) ? at : at.plusDays(1)).toInstant();
    }
}
