package io.carrara.batch.workflow;

import static io.carrara.spi.error.StandardErrorCode.CONFLICT;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import io.carrara.batch.BatchJobInfo;
import io.carrara.batch.BatchJobService;
import io.carrara.batch.BatchJobSpec;
import io.carrara.batch.SparkRuntime;
import io.carrara.batch.workflow.WorkflowRunInfo.RunStatus;
import io.carrara.batch.workflow.WorkflowRunInfo.Step;
import io.carrara.batch.workflow.WorkflowRunInfo.StepStatus;
import io.carrara.batch.workflow.WorkflowRunInfo.Trigger;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.workflow.WorkflowDefinition;
import io.carrara.registry.workflow.WorkflowDefinition.PredictStep;
import io.carrara.registry.workflow.WorkflowDefinition.SqlStep;
import io.carrara.registry.workflow.WorkflowParser;
import io.carrara.spark.table.SparkTables;
import io.carrara.spark.table.TableName;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.net.OutboundAddressPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inference workflows: runs for an execution date (on demand, as a backfill, or by the persistent
 * scheduler for registered workflows), executed one at a time in the order they were asked for.
 *
 * <p>A run executes its steps in order. A SQL step replaces its output table with the query's
 * rows; a predict step is a batch job that writes the execution date's partition of its output.
 * A failed step is tried again after the workflow's backoff, doubled each time, up to
 * {@code retries.max} more times; steps that succeeded are not run again, neither by those retries
 * nor by {@link #retry}. A run that fails for good posts itself to the workflow's alert webhook.
 *
 * <p>The scheduler is db-scheduler on the registry database: each registered workflow with a
 * schedule is one execution of a recurring task with a persistent cron schedule, so several
 * servers on one database run each scheduled run once, and a restart keeps the schedule.
 */
public final class WorkflowService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkflowService.class);
    private static final String TASK = "carrara-workflow";
    private static final String SYSTEM_USER = "scheduler";

    private final WorkflowStore store;
    private final BatchJobService batchJobs;
    private final SparkRuntime spark;
    private final ExecutorService runner;
    private final HttpClient http;
    private final OutboundAddressPolicy outbound;
    private final CustomTask<String> task;
    private final Scheduler scheduler;
    private final MeterRegistry meters;

    /**
     * @param pollInterval how often the scheduler looks for due runs
     * @param outbound which addresses an alert webhook may reach (checked when a workflow is registered or
     *     run, and again before each post)
     * @param meters where {@code carrara_workflow_runs_total{status,trigger}} goes
     */
    public WorkflowService(RegistryDatabase database, WorkflowStore store, BatchJobService batchJobs, SparkRuntime spark,
            Duration pollInterval, OutboundAddressPolicy outbound, MeterRegistry meters) {
        this.meters = requireNonNull(meters, "meters is null");
        this.outbound = requireNonNull(outbound, "outbound is null");
        this.store = requireNonNull(store, "store is null");
        this.batchJobs = requireNonNull(batchJobs, "batchJobs is null");
        this.spark = requireNonNull(spark, "spark is null");
        this.runner = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "workflow-runner");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        // One execution per registered workflow with a schedule (the instance id is the workflow's
        // name). After each run it is rescheduled from the schedule registered then, or removed when
        // the workflow was unregistered: an execution that is running cannot be changed from outside.
        this.task = Tasks.custom(TASK, String.class)
                .execute((instance, context) -> {
                    scheduled(instance.getId(), context.getExecution().getExecutionTime());
                    return (complete, operations) -> {
                        Optional<Instant> next = nextRun(instance.getId());
                        if (next.isPresent()) {
                            operations.reschedule(complete, next.get());
                        } else {
                            operations.remove();
                        }
                    };
                });
        this.scheduler = Scheduler.create(database.dataSource(), task)
                .pollingInterval(requireNonNull(pollInterval, "pollInterval is null"))
                .threads(1)
                // MariaDB's DATETIME keeps no zone: write and read every time as UTC, on every database.
                .alwaysPersistTimestampInUTC()
                .build();
        scheduler.start();
    }

    /**
     * Registers a workflow (or replaces the one of its name): stored, and scheduled on its cron
     * schedule when it has one. The answer is the workflow with its next run.
     */
    public Registered register(String yaml, String user) {
        WorkflowDefinition definition = WorkflowParser.parse(requireNonNull(yaml, "yaml is null"));
        Optional<CronSchedule> schedule = definition.schedule().map(WorkflowService::cron);
        checkSteps(definition, LocalDate.now(ZoneOffset.UTC));
        WorkflowInfo workflow = new WorkflowInfo(definition.name(), definition.schedule().orElse(null), yaml,
                DatabaseTimes.now(), user, null);
        boolean created = store.put(workflow);
        TaskInstanceId id = TaskInstanceId.of(TASK, definition.name());
        Optional<ScheduledExecution<Object>> existing = scheduler.getScheduledExecution(id);
        if (existing.isPresent() && existing.get().isPicked()) {
            // Running now: it is rescheduled from the new schedule (or removed) when it ends.
        } else if (schedule.isPresent()) {
            Instant next = schedule.get().getInitialExecutionTime(Instant.now());
            if (existing.isEmpty()) {
                scheduler.schedule(task.instance(definition.name(), definition.name()), next);
            } else {
                changeQuietly(() -> scheduler.reschedule(id, next));
            }
        } else if (existing.isPresent()) {
            changeQuietly(() -> scheduler.cancel(id));
        }
        log.atInfo().setMessage("workflow registered").addKeyValue("workflow", definition.name())
                .addKeyValue("schedule", workflow.schedule()).log();
        return new Registered(get(definition.name()), created);
    }

    /** A registered workflow and whether registering created it (else it replaced one). */
    public record Registered(WorkflowInfo workflow, boolean created) {}

    public WorkflowInfo get(String name) {
        return withNextRun(store.get(name));
    }

    public List<WorkflowInfo> list() {
        return store.list().stream().map(this::withNextRun).toList();
    }

    /** Removes the workflow and its schedule; its runs stay. */
    public void unregister(String name) {
        store.get(name);
        store.delete(name);
        TaskInstanceId id = TaskInstanceId.of(TASK, name);
        Optional<ScheduledExecution<Object>> existing = scheduler.getScheduledExecution(id);
        if (existing.isPresent() && !existing.get().isPicked()) {
            changeQuietly(() -> scheduler.cancel(id));
        }
        log.atInfo().setMessage("workflow unregistered").addKeyValue("workflow", name).log();
    }

    /** Queues a run of the workflow in {@code yaml} for {@code executionDate}. */
    public WorkflowRunInfo run(String yaml, LocalDate executionDate, Optional<UUID> instance, String user) {
        WorkflowDefinition definition = WorkflowParser.parse(requireNonNull(yaml, "yaml is null"));
        requireDate(executionDate, "executionDate");
        return start(definition, yaml, executionDate, Trigger.MANUAL, instance, user);
    }

    /** Queues one run per date from {@code from} to {@code to} inclusive, oldest first. */
    public List<WorkflowRunInfo> backfill(String yaml, LocalDate from, LocalDate to, Optional<UUID> instance, String user) {
        WorkflowDefinition definition = WorkflowParser.parse(requireNonNull(yaml, "yaml is null"));
        requireDate(from, "from");
        requireDate(to, "to");
        if (to.isBefore(from)) {
            throw new CarraraException(INVALID_ARGUMENT, "to (" + to + ") is before from (" + from + ")", "to");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > 366) {
            throw new CarraraException(INVALID_ARGUMENT, "a backfill covers at most 366 dates, not " + days
                    + "; split it into several", "to");
        }
        List<WorkflowRunInfo> runs = new ArrayList<>();
        for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
            runs.add(start(definition, yaml, date, Trigger.BACKFILL, instance, user));
        }
        return runs;
    }

    /** Runs again the steps of a failed run that did not succeed. */
    public WorkflowRunInfo retry(UUID id, String user) {
        WorkflowRunInfo run = store.getRun(id);
        if (run.status() != RunStatus.FAILED) {
            throw new CarraraException(INVALID_ARGUMENT, "run " + id + " is " + run.status().wireName()
                    + "; only a failed run can be retried", "id");
        }
        WorkflowDefinition definition = store.definitionOf(id);
        if (!store.requeue(id)) {
            throw new CarraraException(CONFLICT, "run " + id + " was retried by someone else just now; follow it with"
                    + " carrara workflow status " + id, "id");
        }
        WorkflowRunInfo queued = run.withStatus(RunStatus.QUEUED, run.startedAt(), null, null);
        runner.execute(() -> execute(definition, queued));
        log.atInfo().setMessage("workflow run retried").addKeyValue("run", id).addKeyValue("user", user).log();
        return queued;
    }

    /** The definition a run ran (or will run). */
    public WorkflowDefinition runDefinition(UUID id) {
        store.getRun(requireNonNull(id, "id is null"));    // NOT_FOUND naming the id when there is no such run
        return store.definitionOf(id);
    }

    /**
     * Checks, as each run starts, that whoever it runs for may still do what its steps do: the user who started it,
     * or for a scheduled run the one who registered the workflow. Throws a {@code CarraraException} with the reason,
     * which ends the run failed before any step. Access control sets it; without it, runs are not checked.
     */
    public interface RunCheck {
        void check(WorkflowDefinition definition, Optional<UUID> instance, String user);
    }

    private volatile RunCheck runCheck = (definition, instance, user) -> { };

    public void setRunCheck(RunCheck check) {
        this.runCheck = requireNonNull(check, "check is null");
    }

    public WorkflowRunInfo getRun(UUID id) {
        return store.getRun(requireNonNull(id, "id is null"));
    }

    public List<WorkflowRunInfo> runs(String workflow, int limit, int offset) {
        return store.runs(requireNonNull(workflow, "workflow is null"), limit, offset);
    }

    private WorkflowRunInfo start(WorkflowDefinition definition, String yaml, LocalDate executionDate, Trigger trigger,
            Optional<UUID> instance, String user) {
        checkSteps(definition, executionDate);
        List<Step> steps = definition.steps().stream()
                .map(step -> Step.pending(step.name(), step instanceof SqlStep ? "sql" : "predict", step.output()))
                .toList();
        WorkflowDefinition.Window window = definition.window(executionDate);
        WorkflowRunInfo run = new WorkflowRunInfo(UUID.randomUUID(), definition.name(), executionDate, trigger,
                instance.orElse(null), RunStatus.QUEUED, new WorkflowRunInfo.Window(window.start(), window.end()),
                DatabaseTimes.now(), user, null, null, null, steps);
        store.insertRun(run, yaml);
        runner.execute(() -> execute(definition, run));
        log.atInfo().setMessage("workflow run queued").addKeyValue("workflow", run.workflow()).addKeyValue("run", run.id())
                .addKeyValue("executionDate", executionDate).addKeyValue("trigger", trigger.wireName()).log();
        return run;
    }

    /**
     * Refuses (400, naming the step's field) a step whose output is no table name, or whose SQL, as
     * rendered for {@code executionDate}, is not one query of the accepted SQL: a statement, a file
     * read, a function outside the vetted set. Checked again on Spark's analysed plan when it runs.
     */
    private void checkSteps(WorkflowDefinition definition, LocalDate executionDate) {
        definition.alertWebhook().ifPresent(webhook -> outbound.check(webhook, "alert.webhook"));
        for (WorkflowDefinition.Step step : definition.steps()) {
            String prefix = "steps." + step.name() + ".";
            TableName.parse(step.output(), prefix + "output");
            if (step instanceof SqlStep sql) {
                spark.policy().checkQuery(definition.render(sql.sql(), executionDate), prefix + "sql");
            } else if (step instanceof PredictStep predict) {
                spark.policy().checkQuery(definition.render(predict.query(), executionDate), prefix + "query");
            }
        }
    }

    /** When the registered workflow {@code name} runs next, from now; empty when it is gone or has no schedule. */
    private Optional<Instant> nextRun(String name) {
        return store.find(name)
                .flatMap(workflow -> Optional.ofNullable(workflow.schedule()))
                .map(schedule -> cron(schedule).getInitialExecutionTime(Instant.now()));
    }

    /**
     * Changes an execution that may have been picked since it was looked at; a running one takes the
     * registered schedule when it ends, so losing that race changes nothing.
     */
    private static void changeQuietly(Runnable change) {
        try {
            change.run();
        } catch (TaskInstanceCurrentlyExecutingException e) {
            log.atDebug().setMessage("a scheduled workflow run started meanwhile; its schedule applies when it ends").log();
        }
    }

    /** A scheduled execution: a run for the UTC date of its scheduled time, waited for so runs never overlap. */
    private void scheduled(String workflow, Instant scheduledAt) {
        Optional<WorkflowInfo> registered = store.find(workflow);
        if (registered.isEmpty()) {
            log.atWarn().setMessage("a scheduled workflow is no longer registered; skipped").addKeyValue("workflow", workflow).log();
            return;
        }
        String yaml = registered.get().definition();
        WorkflowDefinition definition = WorkflowParser.parse(yaml);
        LocalDate executionDate = scheduledAt.atZone(ZoneOffset.UTC).toLocalDate();
        WorkflowRunInfo run = start(definition, yaml, executionDate, Trigger.SCHEDULE, Optional.empty(), SYSTEM_USER);
        // The scheduler's thread holds the execution (and its heartbeat) until the run ends: runs execute
        // in order on one thread, so a no-op queued behind this run finishes when the run has.
        try {
            runner.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the workflow runner failed", e.getCause());
        }
        log.atInfo().setMessage("scheduled workflow run ended").addKeyValue("workflow", workflow)
                .addKeyValue("run", run.id()).addKeyValue("status", store.getRun(run.id()).status().wireName()).log();
    }

    /**
     * Runs {@code queued} to a final state whatever happens: a failure the step loop did not foresee
     * (an error of the database, of Spark, of the JVM) still ends the run failed with its reason, so
     * no run shows as running for ever and the runner thread lives on for the next one.
     */
    private void execute(WorkflowDefinition definition, WorkflowRunInfo queued) {
        try {
            executeSteps(definition, queued);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError fatal && !(e instanceof OutOfMemoryError)) {
                throw fatal;
            }
            log.atError().setMessage("workflow run failed unexpectedly").addKeyValue("run", queued.id()).setCause(e).log();
            try {
                WorkflowRunInfo current = store.getRun(queued.id());
                if (current.status() == RunStatus.QUEUED || current.status() == RunStatus.RUNNING) {
                    WorkflowRunInfo failed = current.withStatus(RunStatus.FAILED, current.startedAt(), DatabaseTimes.now(),
                            "the run stopped on an unexpected error: " + reason(e) + " (the server log has the details)");
                    store.updateRun(failed);
                    definition.alertWebhook().ifPresent(webhook -> alert(webhook, failed));
                }
            } catch (RuntimeException recordFailure) {
                log.atError().setMessage("cannot record the failure of a workflow run").addKeyValue("run", queued.id())
                        .setCause(recordFailure).log();
            }
        }
    }

    private void executeSteps(WorkflowDefinition definition, WorkflowRunInfo queued) {
        WorkflowRunInfo run = queued.withStatus(RunStatus.RUNNING,
                queued.startedAt() == null ? DatabaseTimes.now() : queued.startedAt(), null, null);
        store.updateRun(run);
        String user = SYSTEM_USER.equals(queued.createdBy())
                ? store.find(definition.name()).map(WorkflowInfo::registeredBy).orElse(SYSTEM_USER) : queued.createdBy();
        try {
            runCheck.check(definition, Optional.ofNullable(queued.instance()), user);
        } catch (CarraraException refused) {
            WorkflowRunInfo failed = run.withStatus(RunStatus.FAILED, run.startedAt(), DatabaseTimes.now(),
                    "the run is refused: it runs with the rights of " + user + ", and " + refused.getMessage());
            store.updateRun(failed);
            log.atWarn().setMessage("workflow run refused").addKeyValue("run", queued.id()).addKeyValue("user", user)
                    .addKeyValue("reason", refused.getMessage()).log();
            definition.alertWebhook().ifPresent(webhook -> alert(webhook, failed));
            return;
        }
        List<Step> steps = new ArrayList<>(run.steps());
        String failure = null;
        for (int i = 0; i < definition.steps().size() && failure == null; i++) {
            if (steps.get(i).status() == StepStatus.SUCCEEDED) {
                continue;
            }
            WorkflowDefinition.Step step = definition.steps().get(i);
            int attempt = 0;
            while (true) {
                attempt++;
                steps.set(i, steps.get(i).started(steps.get(i).attempts() + 1, DatabaseTimes.now()));
                run = run.withSteps(steps);
                store.updateRun(run);
                try {
                    long rows = step instanceof SqlStep sql
                            ? runSql(definition, sql, run.executionDate())
                            : runPredict(definition, (PredictStep) step, run, i, steps);
                    steps.set(i, steps.get(i).succeeded(rows, DatabaseTimes.now()));
                    run = run.withSteps(steps);
                    store.updateRun(run);
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    steps.set(i, steps.get(i).failed("the server stopped during the step", DatabaseTimes.now()));
                    failure = "step " + step.name() + " was interrupted: the server stopped";
                    break;
                } catch (Exception e) {
                    // Spark's AnalysisException and ParseException are checked exceptions in Java's eyes.
                    String reason = reason(e);
                    steps.set(i, steps.get(i).failed(reason, DatabaseTimes.now()));
                    run = run.withSteps(steps);
                    store.updateRun(run);
                    if (attempt > definition.retries().max()) {
                        failure = "step " + step.name() + " failed after " + attempt + (attempt == 1 ? " attempt: " : " attempts: ")
                                + reason;
                        break;
                    }
                    Duration delay = definition.retries().delay(attempt);
                    log.atWarn().setMessage("workflow step failed; retrying").addKeyValue("run", run.id())
                            .addKeyValue("step", step.name()).addKeyValue("attempt", attempt)
                            .addKeyValue("retryInMillis", delay.toMillis()).addKeyValue("error", reason).log();
                    if (!sleep(delay)) {
                        failure = "step " + step.name() + " was interrupted: the server stopped";
                        break;
                    }
                }
            }
        }
        run = run.withSteps(steps).withStatus(failure == null ? RunStatus.SUCCEEDED : RunStatus.FAILED, run.startedAt(),
                DatabaseTimes.now(), failure);
        store.updateRun(run);
        meters.counter("carrara.workflow.runs", "status", run.status().wireName(), "trigger", run.trigger().wireName())
                .increment();
        log.atInfo().setMessage("workflow run ended").addKeyValue("workflow", run.workflow()).addKeyValue("run", run.id())
                .addKeyValue("executionDate", run.executionDate()).addKeyValue("status", run.status().wireName())
                .addKeyValue("error", failure).log();
        if (failure != null && definition.alertWebhook().isPresent()) {
            alert(definition.alertWebhook().get(), run);
        }
    }

    /** What went wrong, for the run's record: Carrara's own message, or Spark's first line for a query that does not run. */
    static String reason(Throwable e) {
        RuntimeException explained = e instanceof Exception exception
                ? SparkTables.explain(exception, "sql", "the step's SQL") : null;
        Throwable shown = explained instanceof CarraraException ? explained : e;
        String message = shown.getMessage();
        if (message == null || message.isBlank()) {
            return "an error without a message (" + shown.getClass().getSimpleName() + ")";
        }
        return message.lines().findFirst().orElse(message).strip();
    }

    /** Replaces the step's output table with the rows of its SQL; answers the rows written. */
    private long runSql(WorkflowDefinition definition, SqlStep step, LocalDate executionDate) {
        SparkSession session = spark.session();
        TableName output = TableName.parse(step.output(), "output");
        output.database().ifPresent(database -> session.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`"));
        // Checked on the parsed and the analysed plan before anything runs: one query of the accepted SQL,
        // whose rows Carrara itself writes to the step's output table.
        Dataset<Row> rows = spark.policy().query(session, definition.render(step.sql(), executionDate), "sql");
        rows.write().mode(SaveMode.Overwrite).format("parquet").saveAsTable(output.sql());
        return session.table(output.sql()).count();
    }

    /** Scores the step's query as a batch job and waits for it; answers the rows written. */
    private long runPredict(WorkflowDefinition definition, PredictStep step, WorkflowRunInfo run, int index, List<Step> steps)
            throws InterruptedException {
        Optional<UUID> instance = run.instance() != null ? Optional.of(run.instance()) : step.instance();
        Optional<String> deployment = run.instance() != null ? Optional.empty() : step.deployment();
        BatchJobInfo job = batchJobs.submit(new BatchJobSpec(instance, deployment,
                definition.render(step.query(), run.executionDate()), step.output(), run.executionDate(), step.columns()),
                run.createdBy(), run.id(), step.name());
        steps.set(index, steps.get(index).withBatchJob(job.id()));
        store.updateRun(run.withSteps(steps));
        BatchJobInfo finished;
        try {
            finished = batchJobs.completion(job.id()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch job " + job.id() + " could not be followed: " + e.getCause().getMessage(),
                    e.getCause());
        }
        if (finished.status() != BatchJobInfo.Status.SUCCEEDED) {
            throw new IllegalStateException("batch job " + job.id() + " failed: "
                    + (finished.error() == null ? "no reason recorded" : finished.error().message()));
        }
        Object written = finished.result() == null ? null : finished.result().get("rowsWritten");
        return written instanceof Number number ? number.longValue() : 0;
    }

    private void alert(URI webhook, WorkflowRunInfo run) {
        try {
            // Again now: the name may point elsewhere than when the workflow was registered.
            outbound.check(webhook, "alert.webhook");
        } catch (CarraraException e) {
            log.atWarn().setMessage("the alert webhook is not posted: its address is not allowed").addKeyValue("run", run.id())
                    .addKeyValue("reason", e.getMessage()).log();
            return;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(webhook)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(RegistryJson.mapper().writeValueAsBytes(run)))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                log.atWarn().setMessage("the alert webhook refused the failed run").addKeyValue("webhook", webhook)
                        .addKeyValue("status", response.statusCode()).addKeyValue("run", run.id()).log();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.atWarn().setMessage("cannot post the failed run to the alert webhook").addKeyValue("webhook", webhook)
                    .addKeyValue("run", run.id()).addKeyValue("error", e.toString()).log();
        }
    }

    private WorkflowInfo withNextRun(WorkflowInfo workflow) {
        if (workflow.schedule() == null) {
            return workflow;
        }
        Optional<ScheduledExecution<Object>> next = scheduler.getScheduledExecution(TaskInstanceId.of(TASK, workflow.name()));
        return next.map(execution -> workflow.withNextRunAt(execution.getExecutionTime())).orElse(workflow);
    }

    /** A five-field Unix cron expression (UTC), or six fields with seconds first. */
    static CronSchedule cron(String expression) {
        String trimmed = expression.trim();
        int fields = trimmed.split("\\s+").length;
        try {
            return new CronSchedule(trimmed, ZoneOffset.UTC, fields == 5 ? CronStyle.UNIX : CronStyle.SPRING53);
        } catch (RuntimeException e) {
            throw new CarraraException(INVALID_ARGUMENT, "schedule '" + expression + "' is not a cron expression: "
                    + e.getMessage() + "; write five fields (minute hour day month weekday), e.g. \"0 3 * * *\"", "schedule");
        }
    }

    private static void requireDate(LocalDate date, String field) {
        if (date == null) {
            throw new CarraraException(INVALID_ARGUMENT, field + " is required: a date such as 2026-11-01", field);
        }
    }

    private static boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        scheduler.stop();
        runner.shutdownNow();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int abandoned = store.failUnfinished("the server stopped while this run was queued or running; retry it",
                DatabaseTimes.now());
        if (abandoned > 0) {
            log.atWarn().setMessage("workflow runs left unfinished by the stopping server marked failed")
                    .addKeyValue("runs", abandoned).log();
        }
    }
}
