package io.carrara.batch;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.batch.BatchJobInfo.ErrorInfo;
import io.carrara.batch.BatchJobInfo.Progress;
import io.carrara.batch.BatchJobInfo.Status;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.deploy.Deployment;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.deploy.Routing;
import io.carrara.registry.model.Artifact;
import io.carrara.registry.model.Instance;
import io.carrara.python.PythonMetadata;
import io.carrara.python.PythonSettings;
import io.carrara.spark.SparkFailures;
import io.carrara.spark.batch.BatchPrediction;
import io.carrara.spark.batch.BatchRequest;
import io.carrara.spark.batch.BatchResult;
import io.carrara.spark.table.TableName;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Batch prediction jobs: checked and recorded when submitted, run in submission order on the
 * server's Spark session by a fixed number of workers, their state and result kept in the registry
 * database. A job scores with {@link BatchPrediction}, the online server's scorer inside Spark.
 */
public final class BatchJobService implements AutoCloseable {
    /** Where a job's model files come from: the server's model cache, which fetches and verifies them once. */
    @FunctionalInterface
    public interface ModelFiles {
        Path directory(Artifact artifact) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(BatchJobService.class);

    private final SparkRuntime spark;
    private final ModelRegistry registry;
    private final DeploymentRegistry deployments;
    private final ModelFiles files;
    private final PythonSettings python;
    private final BatchJobStore store;
    private final ExecutorService workers;
    private final Map<UUID, String> phases = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<BatchJobInfo>> completions = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Timer duration;
    /** Jobs asked to stop, with who asked: a queued one never starts, a running one has its Spark jobs cancelled. */
    private final Map<UUID, String> cancelled = new ConcurrentHashMap<>();
    private final Map<UUID, SparkSession> running = new ConcurrentHashMap<>();
    /** The Spark context whose job starts are watched for cancelled jobs' groups. */
    private org.apache.spark.SparkContext watched;

    /**
     * As the full constructor, with Python models' environments and workers under the Spark runtime's
     * Carrara home ({@code PythonSettings.defaults(home)}; the temporary directory's {@code carrara}
     * folder without one). The server passes its own settings instead.
     */
    public BatchJobService(SparkRuntime spark, ModelRegistry registry, DeploymentRegistry deployments, ModelFiles files,
            BatchJobStore store, int concurrency, MeterRegistry meters) {
        this(spark, registry, deployments, files, PythonSettings.defaults(spark.settings().home()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "carrara"))), store, concurrency, meters);
    }

    /**
     * @param python how Python models score: their environments (shared with online serving in this
     *     JVM, whose local executors build or reuse them), workers and rows per call
     * @param concurrency how many jobs run at once; the others wait in submission order
     * @param meters where the jobs' metrics go: {@code carrara_batch_jobs_total{status}},
     *     {@code carrara_batch_rows_total{outcome}}, {@code carrara_batch_job_duration_seconds} and
     *     {@code carrara_batch_jobs_active} (queued or running)
     */
    public BatchJobService(SparkRuntime spark, ModelRegistry registry, DeploymentRegistry deployments, ModelFiles files,
            PythonSettings python, BatchJobStore store, int concurrency, MeterRegistry meters) {
        this.python = requireNonNull(python, "python is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.duration = Timer.builder("carrara.batch.job.duration").description("Wall time of batch jobs, start to end")
                .register(meters);
        Gauge.builder("carrara.batch.jobs.active", phases, Map::size).description("Batch jobs queued or running")
                .register(meters);
        this.spark = requireNonNull(spark, "spark is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.files = requireNonNull(files, "files is null");
        this.store = requireNonNull(store, "store is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        }
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "batch-job-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Checks and records the job, then queues it; the answer is the queued job. */
    public BatchJobInfo submit(BatchJobSpec spec, String user) {
        return submit(spec, user, null, null);
    }

    /** As {@link #submit(BatchJobSpec, String)}, for a workflow run's predict step. */
    public BatchJobInfo submit(BatchJobSpec spec, String user, UUID workflowRun, String step) {
        requireNonNull(spec, "spec is null");
        requireNonNull(user, "user is null");
        Instance instance = resolve(spec);
        TableName output = TableName.parse(spec.output(), "output");
        // Refused here (400, before anything is queued) when it is no single query of the accepted SQL;
        // checked again on Spark's analysed plan when the job runs.
        spark.policy().checkQuery(spec.query(), "query");
        BatchJobInfo job = new BatchJobInfo(UUID.randomUUID(), Status.QUEUED, instance.model().toString(), instance.id(),
                spec.deployment().orElse(null), spec.query(), output.toString(), output.withSuffix("_errors").toString(),
                spec.executionDate(), spec.columns(), Progress.QUEUED, null, null, DatabaseTimes.now(), user, null, null,
                workflowRun, step);
        store.insert(job);
        CompletableFuture<BatchJobInfo> completion = new CompletableFuture<>();
        completions.put(job.id(), completion);
        phases.put(job.id(), "queued");
        try {
            workers.execute(() -> run(job, instance, output));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            store.markFinished(job.id(), Status.FAILED, null,
                    new ErrorInfo("UNAVAILABLE", "the server is stopping; submit the job again once it is up", null),
                    DatabaseTimes.now());
            finish(job.id());
        }
        log.atInfo().setMessage("batch job queued").addKeyValue("job", job.id()).addKeyValue("instance", instance.id())
                .addKeyValue("output", job.output()).addKeyValue("executionDate", job.executionDate()).log();
        return job;
    }

    /** The job with its live progress while it runs. */
    public BatchJobInfo get(UUID id) {
        BatchJobInfo job = store.get(requireNonNull(id, "id is null"));
        return job.status().finished() ? job : job.with(progress(id, job.status()));
    }

    /** Jobs, newest first. */
    public List<BatchJobInfo> list(int limit, int offset) {
        return store.list(limit, offset).stream()
                .map(job -> job.status().finished() ? job : job.with(progress(job.id(), job.status())))
                .toList();
    }

    /**
     * Stops a job of this server: a queued job fails without running, a running one has its Spark
     * jobs cancelled and fails once they stop; either way its error is {@code CANCELLED}, and no
     * partition is half-written (Spark commits a table's partition only when its write succeeds).
     * A finished job is refused.
     */
    public BatchJobInfo cancel(UUID id, String user) {
        BatchJobInfo job = store.get(requireNonNull(id, "id is null"));
        if (job.status().finished()) {
            throw new CarraraException(INVALID_ARGUMENT, "batch job " + id + " has already " + job.status().wireName()
                    + "; only a queued or running job can be cancelled", "id");
        }
        if (!completions.containsKey(id)) {
            throw new CarraraException(INVALID_ARGUMENT, "batch job " + id + " runs on another server of this registry;"
                    + " cancel it there", "id");
        }
        cancelled.put(id, requireNonNull(user, "user is null"));
        SparkSession session = running.get(id);
        if (session != null) {
            session.sparkContext().cancelJobGroup(id.toString());
        }
        log.atInfo().setMessage("batch job cancelled").addKeyValue("job", id).addKeyValue("user", user).log();
        return get(id);
    }

    /**
     * Completes with the finished job when it ends (succeeded or failed); a job this server did not
     * start is looked up once.
     */
    public CompletableFuture<BatchJobInfo> completion(UUID id) {
        CompletableFuture<BatchJobInfo> completion = completions.get(id);
        return completion != null ? completion : CompletableFuture.completedFuture(store.get(id));
    }

    /** The instance a job scores with, checked to exist, to be live and to be a Spark pipeline or a Python model. */
    private Instance resolve(BatchJobSpec spec) {
        Instance instance;
        String field;
        if (spec.deployment().isPresent()) {
            Deployment deployment = deployments.get(spec.deployment().get());
            if (!(deployment.routing() instanceof Routing.Pinned pinned)) {
                throw new CarraraException(INVALID_ARGUMENT, "deployment " + deployment.name() + " routes rows to several"
                        + " instances; name the instance to score with instead", "deployment");
            }
            instance = registry.getInstance(pinned.instance());
            field = "deployment";
        } else {
            instance = registry.getInstance(spec.instance().get());
            field = "instance";
        }
        if (instance.deprecated()) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + instance.id() + " of " + instance.model()
                    + " is deprecated (" + instance.deprecatedReason() + "); score with a live instance", field);
        }
        if (instance.artifact().format() == ArtifactFormat.OPAQUE) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + instance.id() + " is an opaque artifact, which Carrara"
                    + " stores but cannot run; batch jobs score spark-pipeline and python instances", field);
        }
        return instance;
    }

    private void run(BatchJobInfo job, Instance instance, TableName output) {
        UUID id = job.id();
        SparkSession session = null;
        try {
            if (cancelled.containsKey(id)) {
                throw cancellation(id);
            }
            store.markRunning(id, DatabaseTimes.now());
            phases.put(id, "fetching model");
            Path directory = files.directory(instance.artifact());
            phases.put(id, "starting spark");
            session = spark.session();
            watch(session.sparkContext());
            session.sparkContext().setJobGroup(id.toString(), "batch job " + id + " into " + output, true);
            running.put(id, session);
            if (cancelled.containsKey(id)) {
                throw cancellation(id);
            }
            phases.put(id, "running");
            BatchResult result = BatchPrediction.run(session, new BatchRequest(job.query(), output, job.executionDate(),
                    instance.model(), instance.id(), directory, job.columns(), instance.artifact().format(),
                    PythonMetadata.validates(instance.metadata())), spark.policy(), python);
            store.markFinished(id, Status.SUCCEEDED, result.summary(), null, DatabaseTimes.now());
            count(Status.SUCCEEDED);
            duration.record(result.elapsed());
            meters.counter("carrara.batch.rows", "outcome", "scored").increment(result.rowsScored());
            meters.counter("carrara.batch.rows", "outcome", "skipped").increment(result.rowsSkipped());
            meters.counter("carrara.batch.rows", "outcome", "failed").increment(result.rowsFailed());
            log.atInfo().setMessage("batch job succeeded").addKeyValue("job", id).addKeyValue("rowsRead", result.rowsRead())
                    .addKeyValue("rowsScored", result.rowsScored()).addKeyValue("rowsFailed", result.rowsFailed())
                    .addKeyValue("rowsSkipped", result.rowsSkipped()).addKeyValue("millis", result.elapsed().toMillis()).log();
        } catch (Exception | LinkageError e) {
            ErrorInfo error = cancelled.containsKey(id) ? errorOf(cancellation(id)) : errorOf(e);
            log.atWarn().setMessage("batch job failed").addKeyValue("job", id).addKeyValue("code", error.code())
                    .addKeyValue("error", error.message()).setCause(error.code().equals("INTERNAL_ERROR") ? e : null).log();
            count(Status.FAILED);
            try {
                store.markFinished(id, Status.FAILED, null, error, DatabaseTimes.now());
            } catch (RuntimeException storeFailure) {
                log.error("cannot record the failure of batch job " + id, storeFailure);
            }
        } finally {
            running.remove(id);
            cancelled.remove(id);
            if (session != null) {
                session.sparkContext().clearJobGroup();
            }
            finish(id);
        }
    }

    /**
     * Cancels every Spark job that starts in a cancelled batch job's group: cancelling a group only
     * stops its jobs running at that moment, and a batch job runs several in turn.
     */
    private synchronized void watch(org.apache.spark.SparkContext context) {
        if (watched == context) {
            return;
        }
        watched = context;
        context.addSparkListener(new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                String group = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
                if (group == null) {
                    return;
                }
                try {
                    if (cancelled.containsKey(UUID.fromString(group))) {
                        context.cancelJob(start.jobId(), "batch job " + group + " was cancelled");
                    }
                } catch (IllegalArgumentException e) {
                    // Another group (not a batch job's id): not ours to stop.
                }
            }
        });
    }

    private CarraraException cancellation(UUID id) {
        return new CarraraException(BatchErrorCode.CANCELLED, "cancelled by " + cancelled.get(id)
                + "; no partition was written by this job", null);
    }

    private void count(Status status) {
        meters.counter("carrara.batch.jobs", "status", status.wireName()).increment();
    }

    private void finish(UUID id) {
        phases.remove(id);
        CompletableFuture<BatchJobInfo> completion = completions.remove(id);
        if (completion != null) {
            try {
                completion.complete(store.get(id));
            } catch (RuntimeException e) {
                completion.completeExceptionally(e);
            }
        }
    }

    /** The job's phase and the tasks of the Spark jobs it has started so far. */
    private Progress progress(UUID id, Status status) {
        String phase = phases.getOrDefault(id, status == Status.QUEUED ? "queued" : "running");
        if (status != Status.RUNNING || !spark.started()) {
            return new Progress(phase, 0, 0);
        }
        SparkStatusTracker tracker = spark.session().sparkContext().statusTracker();
        long completed = 0;
        long total = 0;
        for (int jobId : tracker.getJobIdsForGroup(id.toString())) {
            Option<SparkJobInfo> info = tracker.getJobInfo(jobId);
            if (info.isEmpty()) {
                continue;
            }
            for (int stageId : info.get().stageIds()) {
                Option<SparkStageInfo> stage = tracker.getStageInfo(stageId);
                if (stage.isDefined()) {
                    completed += stage.get().numCompletedTasks();
                    total += stage.get().numTasks();
                }
            }
        }
        return new Progress(phase, completed, total);
    }

    static ErrorInfo errorOf(Throwable e) {
        if (e instanceof CarraraException carrara) {
            return new ErrorInfo(carrara.errorCode().name(), carrara.getMessage(), carrara.field().orElse(null));
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof CarraraException carrara) {
                return new ErrorInfo(carrara.errorCode().name(), carrara.getMessage(), carrara.field().orElse(null));
            }
        }
        // Spark's own failures carry a condition in its terms ([CAST_INVALID_INPUT] …); anything else is the
        // server's, told without class names or internals, which the log has.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.spark.SparkThrowable spark && spark.getCondition() != null
                    && !spark.getCondition().startsWith("INTERNAL")) {
                return new ErrorInfo("INTERNAL_ERROR", "Spark failed: " + SparkFailures.firstLine(cause.getMessage())
                        + " (the server log has the details)", null);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return new ErrorInfo("INTERNAL_ERROR", "the job failed unexpectedly; the server log has the details", null);
    }

    /** Stops taking jobs, interrupts the running ones and marks failed every job of this server left unfinished. */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int abandoned = store.failUnfinished("the server stopped while this job was queued or running; submit it again",
                DatabaseTimes.now());
        if (abandoned > 0) {
            log.atWarn().setMessage("batch jobs left unfinished by the stopping server marked failed")
                    .addKeyValue("jobs", abandoned).log();
        }
    }
}
