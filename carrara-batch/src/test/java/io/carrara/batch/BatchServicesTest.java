package io.carrara.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.carrara.batch.BatchJobInfo.Status;
import io.carrara.batch.workflow.WorkflowInfo;
import io.carrara.batch.workflow.WorkflowRunInfo;
import io.carrara.batch.workflow.WorkflowRunInfo.RunStatus;
import io.carrara.batch.workflow.WorkflowRunInfo.StepStatus;
import io.carrara.batch.workflow.WorkflowService;
import io.carrara.batch.workflow.WorkflowStore;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.serving.engine.ModelCache;
import io.carrara.serving.engine.ModelCacheConfig;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.spark.batch.SparkSettings;
import io.carrara.spark.table.FileFormat;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables, batch jobs and workflows on real local Spark with the Hive catalog, an H2 registry and
 * the golden trips pipeline: what the server runs, without HTTP. One Spark session for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchServicesTest {
    private static final ModelRef TRIPS = new ModelRef("demand", "trips");
    private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");
    private static final LocalDate NOV_2 = LocalDate.parse("2026-11-02");
    private static final LocalDate NOV_3 = LocalDate.parse("2026-11-03");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    private TestDatabases.TestDatabase testDatabase;
    private RegistryDatabase database;
    private FileSystemBlobStore blobs;
    private ModelRegistry registry;
    private DeploymentRegistry deployments;
    private ModelCache cache;
    private SparkRuntime spark;
    private TableService tables;
    private BatchRunner runner;
    private BatchJobService jobs;
    private WorkflowService workflows;
    private Instance first;
    private Instance second;
    private final Map<LocalDate, Long> rowsPerDate = new java.util.TreeMap<>();
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    @BeforeAll
    void start() throws IOException {
        testDatabase = TestDatabases.create(DatabaseDialect.H2);
        database = RegistryDatabase.open(testDatabase.config());
        blobs = new FileSystemBlobStore(home.resolve("blobs"));
        registry = new ModelRegistry(database, blobs);
        deployments = new DeploymentRegistry(database);
        registry.createProject(new NewProject("demand", null), "alice");
        registry.createModel("demand", NewModel.named("trips"), "alice");
        first = upload();
        second = upload();
        cache = new ModelCache(new ModelCacheConfig(home.resolve("models"), ModelCacheConfig.DEFAULT_MEMORY_BUDGET,
                ModelCacheConfig.DEFAULT_MEMORY_FACTOR, Duration.ofSeconds(1)), registry, ModelRuntimes.discover());
        spark = new SparkRuntime(SparkSettings.embedded(home).withMaster("local[2]")
                .withConfig("spark.sql.shuffle.partitions", "2"));
        tables = new TableService(spark, home.resolve("spark").resolve("scratch"));
        runner = new BatchRunner(database, Duration.ofSeconds(1), Duration.ofSeconds(3));
        jobs = new BatchJobService(spark, registry, deployments, cache::fetch, new BatchJobStore(database, runner.id()), 1, meters);
        // The alert webhooks of these tests listen on loopback, which only an allowed host may be.
        workflows = new WorkflowService(database, new WorkflowStore(database, runner.id()), jobs, spark, Duration.ofSeconds(1),
                OutboundAddressPolicy.of(false, List.of("127.0.0.1")), meters);
        byte[] csv = tripsCsv();
        var imported = tables.importFile(new ByteArrayInputStream(csv), "ml.trips", FileFormat.CSV, true, Optional.empty(), false);
        assertThat(imported.rowsImported()).isEqualTo(rowsPerDate.values().stream().mapToLong(Long::longValue).sum());
    }

    @AfterAll
    void stop() throws IOException {
        workflows.close();
        jobs.close();
        spark.close();
        runner.close();
        cache.close();
        database.close();
        blobs.close();
        testDatabase.close();
    }

    @Test
    void tablesAreListedDescribedAndExported() throws IOException {
        assertThat(tables.list(Optional.of("ml"))).anySatisfy(table -> assertThat(table.name().toString()).isEqualTo("ml.trips"));
        var description = tables.describe("ml.trips", true);
        assertThat(description.columns()).extracting(column -> column.name()).contains("id", "city", "distance", "ds");
        assertThat(description.columns()).filteredOn(column -> column.name().equals("distance"))
                .extracting(column -> column.type()).containsExactly("double");
        assertThat(description.rows().getAsLong()).isEqualTo(total());

        var export = tables.export("ml.trips", FileFormat.JSON_LINES, Optional.of("ds = '2026-11-02'"));
        try {
            List<String> lines = Files.readAllLines(export.output());
            assertThat(lines).hasSize((int) (long) rowsPerDate.get(NOV_2));
            assertThat(JSON.readTree(lines.get(0)).get("ds").asText()).isEqualTo("2026-11-02");
        } finally {
            TableService.deleteQuietly(export.output());
        }
        assertThatThrownBy(() -> tables.describe("ml.nothing", false)).isInstanceOf(CarraraException.class);
    }

    @Test
    void aBatchJobScoresItsDateAndARerunReplacesOnlyThatPartition() throws Exception {
        BatchJobInfo queued = jobs.submit(spec(first.id(), "SELECT * FROM ml.trips WHERE ds = '2026-11-01'",
                "ml.trip_predictions", NOV_1), "alice");
        assertThat(queued.status()).isEqualTo(Status.QUEUED);
        assertThat(queued.model()).isEqualTo("demand/trips");
        BatchJobInfo done = await(queued.id());
        assertThat(done.status()).as("error: %s", done.error()).isEqualTo(Status.SUCCEEDED);
        long read = ((Number) done.result().get("rowsRead")).longValue();
        long scored = ((Number) done.result().get("rowsScored")).longValue();
        long failed = ((Number) done.result().get("rowsFailed")).longValue();
        long skipped = ((Number) done.result().get("rowsSkipped")).longValue();
        assertThat(read).isEqualTo(rowsPerDate.get(NOV_1));
        assertThat(scored + failed + skipped).isEqualTo(read);
        assertThat(((Number) done.result().get("rowsWritten")).longValue()).isEqualTo(scored);
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());

        jobs.submit(spec(first.id(), "SELECT * FROM ml.trips WHERE ds = '2026-11-02'", "ml.trip_predictions", NOV_2), "alice");
        BatchJobInfo again = await(jobs.submit(spec(first.id(), "SELECT * FROM ml.trips WHERE ds = '2026-11-01'",
                "ml.trip_predictions", NOV_1), "alice").id());
        assertThat(again.status()).isEqualTo(Status.SUCCEEDED);

        Map<String, Long> perDate = countByDate("ml.trip_predictions");
        assertThat(perDate).containsEntry("2026-11-01", scored);
        assertThat(perDate).containsKey("2026-11-02");
        List<JsonNode> rows = export("ml.trip_predictions", "execution_date = '2026-11-01'");
        assertThat(rows).hasSize((int) scored).allSatisfy(row -> {
            assertThat(row.get("model_instance").asText()).isEqualTo(first.id().toString());
            assertThat(row.get("model_name").asText()).isEqualTo("demand/trips");
            assertThat(row.has("prediction")).isTrue();
        });
        assertThat(rows.stream().map(row -> row.get("id").asLong()).distinct().count()).isEqualTo(scored);
        assertThat(jobs.list(10, 0)).extracting(BatchJobInfo::id).contains(queued.id(), again.id());
        assertThat(meters.counter("carrara.batch.jobs", "status", "succeeded").count()).isGreaterThanOrEqualTo(3);
        assertThat(meters.counter("carrara.batch.rows", "outcome", "scored").count()).isGreaterThanOrEqualTo(2 * scored);
    }

    @Test
    void aDeploymentNamesTheInstanceAndBadRequestsAreRefusedWithTheirField() throws Exception {
        deployments.deploy(NewDeployment.pinned("trips-live", second.id()), "alice");
        BatchJobInfo job = jobs.submit(new BatchJobSpec(Optional.empty(), Optional.of("trips-live"),
                "SELECT * FROM ml.trips WHERE ds = '2026-11-03'", "ml.deployed_predictions", NOV_3, List.of("prediction")),
                "alice");
        assertThat(job.instance()).isEqualTo(second.id());
        assertThat(job.deployment()).isEqualTo("trips-live");
        BatchJobInfo done = await(job.id());
        assertThat(done.status()).as("error: %s", done.error()).isEqualTo(Status.SUCCEEDED);
        List<JsonNode> rows = export("ml.deployed_predictions", null);
        assertThat(rows).isNotEmpty().allSatisfy(row -> {
            assertThat(row.has("prediction")).isTrue();
            assertThat(row.has("probability")).as("narrowed by columns").isFalse();
        });

        deployments.deploy(NewDeployment.partitioned("trips-by-city", "city", Map.of("new_york", first.id()), second.id()),
                "alice");
        assertField(() -> jobs.submit(new BatchJobSpec(Optional.empty(), Optional.of("trips-by-city"), "SELECT * FROM ml.trips",
                "ml.x", NOV_1, List.of()), "alice"), "deployment");
        assertField(() -> jobs.submit(spec(UUID.randomUUID(), "SELECT * FROM ml.trips", "ml.x", NOV_1), "alice"), null);
        assertField(() -> jobs.submit(spec(first.id(), "SELECT * FROM ml.trips", "ml.bad-name", NOV_1), "alice"), "output");
        assertField(() -> new BatchJobSpec(Optional.of(first.id()), Optional.of("trips-live"), "SELECT 1", "ml.x", NOV_1,
                List.of()), "instance");

        Instance deprecated = upload();
        registry.deprecate(deprecated.id(), "superseded", "alice");
        assertField(() -> jobs.submit(spec(deprecated.id(), "SELECT * FROM ml.trips", "ml.x", NOV_1), "alice"), "instance");

        BatchJobInfo broken = await(jobs.submit(spec(first.id(), "SELECT no_such_column FROM ml.trips", "ml.broken", NOV_1),
                "alice").id());
        assertThat(broken.status()).isEqualTo(Status.FAILED);
        assertThat(broken.error().message()).contains("no_such_column");
        assertThat(broken.result()).isNull();
    }

    @Test
    void aRunningOrQueuedJobCanBeCancelledAndWritesNothing() throws Exception {
        // About 8 million rows to score: minutes of work, cancelled within seconds.
        BatchJobInfo slow = jobs.submit(spec(first.id(), "SELECT t.* FROM ml.trips t CROSS JOIN range(200000)",
                "ml.cancelled_predictions", NOV_1), "alice");
        BatchJobInfo queued = jobs.submit(spec(first.id(), "SELECT * FROM ml.trips", "ml.cancelled_too", NOV_1), "alice");
        eventually(() -> {
            BatchJobInfo job = jobs.get(slow.id());
            return job.status() == Status.RUNNING && job.progress().tasksTotal() > 0 ? job : null;
        }, Duration.ofMinutes(2));
        assertThat(jobs.cancel(queued.id(), "bob").status()).isEqualTo(Status.QUEUED);
        jobs.cancel(slow.id(), "bob");

        BatchJobInfo stopped = jobs.completion(slow.id()).get(2, TimeUnit.MINUTES);
        assertThat(stopped.status()).isEqualTo(Status.FAILED);
        assertThat(stopped.error().code()).isEqualTo("CANCELLED");
        assertThat(stopped.error().message()).contains("cancelled by bob");
        BatchJobInfo neverRan = jobs.completion(queued.id()).get(2, TimeUnit.MINUTES);
        assertThat(neverRan.error().code()).isEqualTo("CANCELLED");
        assertThat(neverRan.startedAt()).isNull();
        assertThat(tables.list(Optional.of("ml"))).extracting(table -> table.name().toString())
                .doesNotContain("ml.cancelled_too");
        if (tables.list(Optional.of("ml")).stream().anyMatch(table -> table.name().toString().equals("ml.cancelled_predictions"))) {
            assertThat(countByDate("ml.cancelled_predictions")).isEmpty();
        }
        assertField(() -> jobs.cancel(slow.id(), "bob"), "id");
    }

    @Test
    void theJobsOfAServerThatStoppedBeatingAreMarkedFailedAndOnlyThose() {
        String crashed = UUID.randomUUID().toString();
        BatchJobInfo orphan = new BatchJobInfo(UUID.randomUUID(), Status.RUNNING, "demand/trips", first.id(), null, "SELECT 1",
                "ml.orphan", "ml.orphan_errors", NOV_1, List.of(), BatchJobInfo.Progress.QUEUED, null, null,
                java.time.Instant.now(), "alice", null, null, null, null);
        new BatchJobStore(database, crashed).insert(orphan);
        BatchJobInfo mine = new BatchJobInfo(UUID.randomUUID(), Status.QUEUED, "demand/trips", first.id(), null, "SELECT 1",
                "ml.mine", "ml.mine_errors", NOV_1, List.of(), BatchJobInfo.Progress.QUEUED, null, null,
                java.time.Instant.now(), "alice", null, null, null, null);
        new BatchJobStore(database, runner.id()).insert(mine);

        runner.reap(); // the heartbeat thread may have reaped it first
        BatchJobInfo reaped = jobs.get(orphan.id());
        assertThat(reaped.status()).isEqualTo(Status.FAILED);
        assertThat(reaped.error().code()).isEqualTo("UNAVAILABLE");
        assertThat(reaped.error().message()).contains("stopped before it finished");
        assertThat(jobs.get(mine.id()).status()).as("a live runner's job is left alone").isEqualTo(Status.QUEUED);
    }

    @Test
    void aWorkflowRunsItsStepsAndABackfillRescoresPastDatesWithAnotherInstance() throws Exception {
        String yaml = """
                name: trips-daily
                inputs:
                  - table: ml.trips
                    max_sla: 1d
                steps:
                  - name: features
                    sql: SELECT * FROM ml.trips WHERE ds = '{{ execution_date }}'
                    output: ml.trip_features
                  - name: score
                    predict:
                      instance: %s
                      query: SELECT * FROM ml.trip_features
                      output: ml.wf_predictions
                retries: {max: 0, backoff: 1s}
                """.formatted(first.id());
        WorkflowRunInfo run = awaitRun(workflows.run(yaml, NOV_2, Optional.empty(), "alice").id());
        assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.window().end()).isEqualTo(NOV_1.atStartOfDay());
        assertThat(run.steps()).extracting(WorkflowRunInfo.Step::status).containsOnly(StepStatus.SUCCEEDED);
        assertThat(run.steps().get(0).rowsWritten()).isEqualTo(rowsPerDate.get(NOV_2));
        assertThat(run.steps().get(1).batchJob()).isNotNull();

        List<WorkflowRunInfo> backfill = workflows.backfill(yaml, NOV_1, NOV_3, Optional.of(second.id()), "alice");
        assertThat(backfill).extracting(WorkflowRunInfo::executionDate).containsExactly(NOV_1, NOV_2, NOV_3);
        for (WorkflowRunInfo queued : backfill) {
            WorkflowRunInfo done = awaitRun(queued.id());
            assertThat(done.status()).as("error: %s", done.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(done.instance()).isEqualTo(second.id());
        }
        List<JsonNode> rows = export("ml.wf_predictions", null);
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row.get("model_instance").asText()).isEqualTo(second.id().toString()));
        Map<String, Long> perDate = countByDate("ml.wf_predictions");
        assertThat(perDate).containsOnlyKeys("2026-11-01", "2026-11-02", "2026-11-03");
        for (LocalDate date : List.of(NOV_1, NOV_2, NOV_3)) {
            // Rows the model rejected went to the errors table; none is counted twice or lost.
            long errors = countByDate("ml.wf_predictions_errors").getOrDefault(date.toString(), 0L);
            assertThat(perDate.get(date.toString()) + errors).isEqualTo(rowsPerDate.get(date));
        }
        assertThat(workflows.runs("trips-daily", 10, 0)).hasSize(4)
                .extracting(WorkflowRunInfo::executionDate).first().isEqualTo(NOV_3);
    }

    @Test
    void aFailedPredictStepIsRetriedWithoutRunningTheSqlStepAgainAndTheFailureIsPostedToTheWebhook() throws Exception {
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer webhook = alertWebhook(alerts);
        try {
            String yaml = """
                    name: late-input
                    steps:
                      - name: features
                        sql: SELECT * FROM ml.trips WHERE ds = '{{ execution_date }}'
                        output: ml.late_features
                      - name: score
                        predict:
                          instance: %s
                          query: SELECT f.* FROM ml.late_features f JOIN ml.late_arrival a ON f.id = a.id
                          output: ml.late_predictions
                    retries: {max: 1, backoff: 1s}
                    alert: {webhook: "http://127.0.0.1:%d/alert"}
                    """.formatted(first.id(), webhook.getAddress().getPort());
            WorkflowRunInfo failed = awaitRun(workflows.run(yaml, NOV_1, Optional.empty(), "alice").id());
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).contains("score").contains("2 attempts").contains("late_arrival");
            assertThat(failed.steps().get(0).status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(failed.steps().get(0).attempts()).isEqualTo(1);
            assertThat(failed.steps().get(1).status()).isEqualTo(StepStatus.FAILED);
            assertThat(failed.steps().get(1).attempts()).isEqualTo(2);
            // The webhook is posted once the failure is recorded.
            eventually(() -> alerts.isEmpty() ? null : alerts, Duration.ofSeconds(30));
            assertThat(alerts).hasSize(1);
            assertThat(JSON.readTree(alerts.get(0)).get("id").asText()).isEqualTo(failed.id().toString());

            spark.session().sql("CREATE TABLE ml.late_arrival USING parquet AS SELECT id FROM ml.trips");
            workflows.retry(failed.id(), "alice");
            WorkflowRunInfo retried = awaitRun(failed.id());
            assertThat(retried.status()).as("error: %s", retried.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(retried.steps().get(0).attempts()).as("the SQL step is not run again").isEqualTo(1);
            assertThat(retried.steps().get(1).attempts()).isEqualTo(3);
            assertThat(retried.error()).isNull();
            assertThatThrownBy(() -> workflows.retry(failed.id(), "alice")).isInstanceOf(CarraraException.class)
                    .hasMessageContaining("only a failed run");
        } finally {
            webhook.stop(0);
        }
    }

    @Test
    void aWebhookToAnInternalAddressIsRefusedWhenTheWorkflowIsRegisteredOrRun() {
        for (String webhook : List.of("http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/alert", "http://[::1]:9/alert",
                "http://localhost:8080/api/v1/deployments")) {
            String yaml = """
                    name: leaky
                    steps:
                      - name: features
                        sql: SELECT * FROM ml.trips WHERE ds = '{{ execution_date }}'
                        output: ml.leaky_features
                    alert: {webhook: "%s"}
                    """.formatted(webhook);
            for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                    () -> workflows.register(yaml, "alice"), () -> workflows.run(yaml, NOV_1, Optional.empty(), "alice"))) {
                assertThatThrownBy(call).as(webhook).isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(StandardErrorCode.ADDRESS_NOT_ALLOWED.toErrorCode());
                    assertThat(e.field()).contains("alert.webhook");
                });
            }
        }
        assertThatThrownBy(() -> workflows.get("leaky")).isInstanceOf(CarraraException.class).hasMessageContaining("leaky");
    }

    @Test
    void aFailingSqlStepIsRetriedThenFailsTheRunWithItsReasonAndTheRunnerGoesOn() throws Exception {
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer webhook = alertWebhook(alerts);
        try {
            String yaml = """
                    name: missing-input
                    steps:
                      - name: features
                        sql: SELECT * FROM ml.never_imported WHERE ds = '{{ execution_date }}'
                        output: ml.missing_features
                    retries: {max: 1, backoff: 1s}
                    alert: {webhook: "http://127.0.0.1:%d/alert"}
                    """.formatted(webhook.getAddress().getPort());
            WorkflowRunInfo failed = awaitRun(workflows.run(yaml, NOV_1, Optional.empty(), "alice").id());
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).contains("features").contains("2 attempts").contains("never_imported");
            assertThat(failed.steps().get(0).status()).isEqualTo(StepStatus.FAILED);
            assertThat(failed.steps().get(0).attempts()).isEqualTo(2);
            assertThat(failed.steps().get(0).error()).contains("never_imported").doesNotContain("Exception");
            assertThat(failed.finishedAt()).isNotNull();
            eventually(() -> alerts.isEmpty() ? null : alerts, Duration.ofSeconds(30));
            assertThat(JSON.readTree(alerts.get(0)).get("id").asText()).isEqualTo(failed.id().toString());

            // The runner survived: the next run of any workflow still runs.
            WorkflowRunInfo next = awaitRun(workflows.run("""
                    name: after-failure
                    steps:
                      - {name: one, sql: SELECT 1 AS one, output: ml.after_failure}
                    """, NOV_1, Optional.empty(), "alice").id());
            assertThat(next.status()).as("error: %s", next.error()).isEqualTo(RunStatus.SUCCEEDED);
        } finally {
            webhook.stop(0);
        }
    }

    @Test
    void aRegisteredWorkflowIsRunByTheScheduler() throws Exception {
        assertField(() -> workflows.register("""
                name: bad-cron
                schedule: "every day"
                steps:
                  - {name: s, sql: SELECT 1 AS one, output: ml.one}
                """, "alice"), "schedule");
        String yaml = """
                name: every-two-seconds
                schedule: "*/2 * * * * *"
                steps:
                  - name: score
                    predict:
                      instance: %s
                      query: SELECT * FROM ml.trips WHERE ds = '{{ execution_date }}'
                      output: ml.scheduled_predictions
                """.formatted(first.id());
        WorkflowService.Registered registered = workflows.register(yaml, "alice");
        assertThat(registered.created()).isTrue();
        assertThat(registered.workflow().nextRunAt()).isNotNull();
        assertThat(workflows.list()).extracting(WorkflowInfo::name).contains("every-two-seconds");
        WorkflowRunInfo scheduled = eventually(() -> workflows.runs("every-two-seconds", 10, 0).stream()
                .filter(run -> run.status() == RunStatus.SUCCEEDED).findFirst().orElse(null), Duration.ofSeconds(120));
        assertThat(scheduled.trigger()).isEqualTo(WorkflowRunInfo.Trigger.SCHEDULE);
        assertThat(scheduled.createdBy()).isEqualTo("scheduler");
        assertThat(scheduled.executionDate()).isEqualTo(scheduled.createdAt().atZone(java.time.ZoneOffset.UTC).toLocalDate());
        // Unregistered (perhaps while a run is going on): no run starts after the one that may be running.
        workflows.unregister("every-two-seconds");
        assertThatThrownBy(() -> workflows.get("every-two-seconds")).isInstanceOf(CarraraException.class);
        Thread.sleep(4_000);
        int runs = workflows.runs("every-two-seconds", 100, 0).size();
        Thread.sleep(5_000);
        assertThat(workflows.runs("every-two-seconds", 100, 0)).as("runs outlive the workflow, and no more start").hasSize(runs);
    }

    /** An alert webhook on a free port that keeps every body posted to {@code /alert}; the caller stops it. */
    private static HttpServer alertWebhook(List<String> alerts) throws IOException {
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alert", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                alerts.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        return webhook;
    }

    private Instance upload() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelArchive.pack(GoldenModels.model(GoldenModels.TRIPS_LR), zip);
        StoredBlob blob = blobs.put(new ByteArrayInputStream(zip.toByteArray()), Long.MAX_VALUE);
        return registry.createInstance(TRIPS, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "spark-pipeline", "zip"),
                Map.of(), null), "alice");
    }

    /** The golden trips inputs as CSV with a ds column spreading them over three dates. */
    private byte[] tripsCsv() {
        String csv = GoldenModels.inputsCsv(GoldenModels.TRIPS_LR, "ds", i -> {
            LocalDate date = NOV_1.plusDays(i % 3);
            rowsPerDate.merge(date, 1L, Long::sum);
            return date.toString();
        });
        return csv.getBytes(StandardCharsets.UTF_8);
    }

    private long total() {
        return rowsPerDate.values().stream().mapToLong(Long::longValue).sum();
    }

    private static BatchJobSpec spec(UUID instance, String query, String output, LocalDate date) {
        return new BatchJobSpec(Optional.of(instance), Optional.empty(), query, output, date, List.of());
    }

    private BatchJobInfo await(UUID id) throws Exception {
        return jobs.completion(id).get(5, TimeUnit.MINUTES);
    }

    private WorkflowRunInfo awaitRun(UUID id) throws InterruptedException {
        return eventually(() -> {
            WorkflowRunInfo run = workflows.getRun(id);
            return run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.FAILED ? run : null;
        }, Duration.ofMinutes(5));
    }

    private static <T> T eventually(Supplier<T> probe, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nothing happened within " + timeout);
    }

    private Map<String, Long> countByDate(String table) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        spark.session().sql("SELECT CAST(execution_date AS STRING) d, COUNT(*) n FROM " + table + " GROUP BY 1")
                .collectAsList().forEach(row -> counts.put(row.getString(0), row.getLong(1)));
        return counts;
    }

    private List<JsonNode> export(String table, String where) throws IOException {
        var export = tables.export(table, FileFormat.JSON_LINES, Optional.ofNullable(where));
        try {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : Files.readAllLines(export.output())) {
                rows.add(JSON.readTree(line));
            }
            return rows;
        } finally {
            TableService.deleteQuietly(export.output());
        }
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CarraraException.class, e -> {
            if (field != null) {
                assertThat(e.field()).as(e.getMessage()).contains(field);
            }
        });
    }
}
