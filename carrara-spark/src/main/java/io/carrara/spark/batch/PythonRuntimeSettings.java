package io.carrara.spark.batch;

import io.carrara.python.PythonSettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@link PythonSettings} as a task carries them to the executors: paths as strings, durations as
 * milliseconds (a {@code Path} is not serializable). In local mode the executor is the server's JVM,
 * so it builds and finds environments in the server's own environments folder.
 */
record PythonRuntimeSettings(
        String environments,
        String sockets,
        String interpreter,
        List<String> pipArguments,
        int workersPerInstance,
        long requestTimeoutMillis,
        long workerStartTimeoutMillis,
        long buildTimeoutMillis,
        long memoryLimitMib,
        int sparkBatchSize,
        long batchIdleTimeoutMillis,
        int combineRows) implements Serializable {
    private static final long serialVersionUID = 1L;

    PythonRuntimeSettings {
        // A serializable copy: List.copyOf's list is serializable.
        pipArguments = List.copyOf(pipArguments);
    }

    static PythonRuntimeSettings of(PythonSettings settings) {
        return new PythonRuntimeSettings(settings.environments().toAbsolutePath().toString(),
                settings.sockets().toAbsolutePath().toString(), settings.interpreter(), settings.pipArguments(),
                settings.workersPerInstance(), settings.requestTimeout().toMillis(), settings.workerStartTimeout().toMillis(),
                settings.buildTimeout().toMillis(), settings.memoryLimitMib(), settings.sparkBatchSize(),
                settings.batchIdleTimeout().toMillis(), settings.combineRows());
    }

    PythonSettings toSettings() {
        return new PythonSettings(Path.of(environments), Path.of(sockets), interpreter, pipArguments, workersPerInstance,
                Duration.ofMillis(requestTimeoutMillis), Duration.ofMillis(workerStartTimeoutMillis),
                Duration.ofMillis(buildTimeoutMillis), memoryLimitMib, sparkBatchSize, Duration.ofMillis(batchIdleTimeoutMillis),
                combineRows);
    }
}
