package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import io.carrara.serving.log.LoggedPrediction;
import io.carrara.serving.log.PredictionIds;
import io.carrara.serving.log.PredictionLog;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spi.schema.Field;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The prediction log's side of a request: picks the scored rows that are logged, each with
 * probability {@code logSampleRate} (every one at 1, none at 0), gives each a prediction id (which
 * the caller gets back), and queues them to the {@link PredictionLog}, which never blocks. Skipped
 * and failed rows are never logged.
 *
 * <pre>{@code
 * String[] ids = sampler.sample(outcomes, deployment.logSampleRate());   // null when no row is sampled
 * if (ids != null) { logged.increment(sampler.log(deployment.name(), plan, outcomes, ids, latencyMicros)); }
 * }</pre>
 */
final class PredictionSampler {
    private final PredictionLog log;
    private final DoubleSupplier random;

    PredictionSampler(PredictionLog log) {
        this(log, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1), drawn once per scored row when the rate is between 0 and 1 */
    PredictionSampler(PredictionLog log, DoubleSupplier random) {
        this.log = requireNonNull(log, "log is null");
        this.random = requireNonNull(random, "random is null");
    }

    /** The prediction id of each sampled row (null for the others), or null when no row is sampled. */
    String[] sample(ScoredRow[] outcomes, double rate) {
        requireNonNull(outcomes, "outcomes is null");
        if (rate <= 0) {
            return null;
        }
        String[] ids = null;
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i].status() == Status.SCORED && (rate >= 1.0 || random.getAsDouble() < rate)) {
                if (ids == null) {
                    ids = new String[outcomes.length];
                }
                ids[i] = PredictionIds.next();
            }
        }
        return ids;
    }

    /**
     * Queues the sampled rows: the row as scored (after the feature join), the columns the model
     * added, the request's latency so far. Returns how many the log took (the others are counted as
     * dropped by the log).
     */
    int log(String deployment, PredictionPlan plan, ScoredRow[] outcomes, String[] ids, long latencyMicros) {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(ids, "ids is null");
        Instant now = Instant.now();
        int queued = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null) {
                continue;
            }
            ScoredRow row = outcomes[i];
            Map<String, Object> values = row.output().orElseThrow();
            Map<String, Object> output = new LinkedHashMap<>();
            for (Field field : row.added()) {
                output.put(field.name(), values.get(field.name()));
            }
            if (log.offer(new LoggedPrediction(ids[i], deployment, plan.instance(i), plan.rows().get(i), output, latencyMicros, now))) {
                queued++;
            }
        }
        return queued;
    }
}
