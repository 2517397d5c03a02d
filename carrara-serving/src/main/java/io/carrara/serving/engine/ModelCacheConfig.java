package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.archive.ModelArchive;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the {@link ModelCache}.
 *
 * @param directory where artifacts are kept on disk, one entry per SHA-256 (default: the server home's {@code models/})
 * @param memoryBudgetBytes the estimated heap the loaded models may take together; least recently used
 *     models beyond it are unloaded (default 2 GiB)
 * @param memoryFactor the estimate of a model's heap: its artifact's bytes on disk (extracted) times
 *     this factor. A Spark pipeline's JSON and Parquet files grow into Java objects and arrays, about
 *     3 to 5 times their size; 4 is the default, raise it if the heap runs short before the budget
 * @param failureBackoff how long a failed load is remembered (and served as the reason) before a
 *     request tries again; a redeploy retries at once (default 30 s)
 * @param archiveLimits how far a zip artifact may expand when it is extracted into the cache
 */
public record ModelCacheConfig(Path directory, long memoryBudgetBytes, double memoryFactor, Duration failureBackoff,
        ModelArchive.Limits archiveLimits) {
    public static final long DEFAULT_MEMORY_BUDGET = 2L << 30;
    public static final double DEFAULT_MEMORY_FACTOR = 4.0;
    public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(30);

    public ModelCacheConfig {
        requireNonNull(directory, "directory is null");
        requireNonNull(failureBackoff, "failureBackoff is null");
        requireNonNull(archiveLimits, "archiveLimits is null");
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memoryBudgetBytes is not positive: " + memoryBudgetBytes);
        }
        if (!(memoryFactor > 0)) {
            throw new IllegalArgumentException("memoryFactor is not positive: " + memoryFactor);
        }
        if (failureBackoff.isNegative()) {
            throw new IllegalArgumentException("failureBackoff is negative: " + failureBackoff);
        }
    }

    public ModelCacheConfig(Path directory, long memoryBudgetBytes, double memoryFactor, Duration failureBackoff) {
        this(directory, memoryBudgetBytes, memoryFactor, failureBackoff, ModelArchive.Limits.DEFAULT);
    }

    /** The defaults, keeping artifacts under {@code directory}. */
    public static ModelCacheConfig defaults(Path directory) {
        return new ModelCacheConfig(directory, DEFAULT_MEMORY_BUDGET, DEFAULT_MEMORY_FACTOR, DEFAULT_FAILURE_BACKOFF);
    }
}
