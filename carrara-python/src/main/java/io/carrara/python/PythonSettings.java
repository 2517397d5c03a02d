package io.carrara.python;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the Python runtime builds environments and runs workers, with defaults in one place:
 * {@code PythonSettings.defaults(home)} keeps environments under {@code home/python/envs} and worker
 * sockets under {@code home/python/run}.
 *
 * @param environments folder of the virtual environments, one per content hash
 * @param sockets folder of the workers' Unix domain sockets
 * @param interpreter the Python that builds environments, e.g. {@code python3} or {@code /usr/bin/python3.11}
 * @param pipArguments passed to every {@code pip install} (e.g. {@code --index-url URL}, {@code --no-index},
 *     {@code --find-links DIR}); empty means pip's own configuration
 * @param workersPerInstance worker processes per loaded model
 * @param requestTimeout deadline of one predict call; a worker past it is killed and restarted
 * @param workerStartTimeout how long a worker may take to load, validate and answer READY
 * @param buildTimeout how long one environment build may take before its processes are killed
 * @param memoryLimitMib the worker's address-space limit (RLIMIT_AS), 0 for none
 * @param sparkBatchSize rows per predict call when Spark scores a partition (a call over 64 MiB is split in halves)
 * @param batchIdleTimeout how long a Spark executor keeps a model's workers after its last batch; then they
 *     are stopped (a later job starts them again), so a long-running server does not keep every model it
 *     ever batch-scored
 * @param combineRows at most this many rows in one worker call made of requests that waited for a busy worker
 *     (1: every request is a call of its own); see {@link PythonModel}
 */
public record PythonSettings(
        Path environments,
        Path sockets,
        String interpreter,
        List<String> pipArguments,
        int workersPerInstance,
        Duration requestTimeout,
        Duration workerStartTimeout,
        Duration buildTimeout,
        long memoryLimitMib,
        int sparkBatchSize,
        Duration batchIdleTimeout,
        int combineRows) {

    public static final String DEFAULT_INTERPRETER = "python3";
    public static final int DEFAULT_WORKERS_PER_INSTANCE = 1;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WORKER_START_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(15);
    public static final int DEFAULT_SPARK_BATCH_SIZE = 10_000;
    public static final Duration DEFAULT_BATCH_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_COMBINE_ROWS = 64;

    public PythonSettings {
        requireNonNull(environments, "environments is null");
        requireNonNull(sockets, "sockets is null");
        requireNonNull(interpreter, "interpreter is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(workerStartTimeout, "workerStartTimeout is null");
        requireNonNull(buildTimeout, "buildTimeout is null");
        requireNonNull(batchIdleTimeout, "batchIdleTimeout is null");
        pipArguments = List.copyOf(requireNonNull(pipArguments, "pipArguments is null"));
        if (interpreter.isBlank()) {
            throw new IllegalArgumentException("interpreter is blank");
        }
        if (workersPerInstance < 1) {
            throw new IllegalArgumentException("workersPerInstance must be at least 1: " + workersPerInstance);
        }
        positive(requestTimeout, "requestTimeout");
        positive(workerStartTimeout, "workerStartTimeout");
        positive(buildTimeout, "buildTimeout");
        positive(batchIdleTimeout, "batchIdleTimeout");
        if (memoryLimitMib < 0) {
            throw new IllegalArgumentException("memoryLimitMib is negative: " + memoryLimitMib);
        }
        if (combineRows < 1) {
            throw new IllegalArgumentException("combineRows must be at least 1: " + combineRows);
        }
        if (sparkBatchSize < 1) {
            throw new IllegalArgumentException("sparkBatchSize must be at least 1: " + sparkBatchSize);
        }
    }

    /** Environments under {@code home/python/envs}, sockets under {@code home/python/run}, every other value its default. */
    public static PythonSettings defaults(Path home) {
        Path python = requireNonNull(home, "home is null").resolve("python");
        return new PythonSettings(python.resolve("envs"), python.resolve("run"), DEFAULT_INTERPRETER, List.of(),
                DEFAULT_WORKERS_PER_INSTANCE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_WORKER_START_TIMEOUT,
                DEFAULT_BUILD_TIMEOUT, 0, DEFAULT_SPARK_BATCH_SIZE, DEFAULT_BATCH_IDLE_TIMEOUT, DEFAULT_COMBINE_ROWS);
    }

    public PythonSettings withInterpreter(String value) {
        return new PythonSettings(environments, sockets, value, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withPipArguments(List<String> value) {
        return new PythonSettings(environments, sockets, interpreter, value, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withWorkersPerInstance(int value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, value, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withRequestTimeout(Duration value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, value,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withWorkerStartTimeout(Duration value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                value, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withBuildTimeout(Duration value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, value, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withMemoryLimitMib(long value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, value, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withSparkBatchSize(int value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, value, batchIdleTimeout, combineRows);
    }

    public PythonSettings withBatchIdleTimeout(Duration value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, value, combineRows);
    }

    public PythonSettings withCombineRows(int value) {
        return new PythonSettings(environments, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, value);
    }

    public PythonSettings withEnvironments(Path value) {
        return new PythonSettings(value, sockets, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    public PythonSettings withSockets(Path value) {
        return new PythonSettings(environments, value, interpreter, pipArguments, workersPerInstance, requestTimeout,
                workerStartTimeout, buildTimeout, memoryLimitMib, sparkBatchSize, batchIdleTimeout, combineRows);
    }

    private static void positive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
