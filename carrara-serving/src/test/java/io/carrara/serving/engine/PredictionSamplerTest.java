package io.carrara.serving.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.registry.deploy.Routing;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.log.LoggedPrediction;
import io.carrara.serving.log.PredictionLog;
import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PredictionSamplerTest {
    private static final UUID INSTANCE = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final List<Field> ADDED = List.of(new Field("prediction", DataType.DOUBLE));

    private final List<LoggedPrediction> written = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong dropped = new AtomicLong();
    private final PredictionLog log = new PredictionLog(written::addAll, 100, 10, java.time.Duration.ZERO, (deployment, count) -> dropped.addAndGet(count));

    private final List<Map<String, Object>> rows = List.of(
            Map.of("city", "nyc", "distance", 3.2), Map.of("city", "sf"), Map.of("city", "la", "distance", 1.0),
            Map.of("city", "paris", "distance", 2.0));
    private final ScoredRow[] outcomes = {
            ScoredRow.scored(Map.of("city", "nyc", "distance", 3.2, "prediction", 12.5), ADDED),
            ScoredRow.failed(new RowError(ServingErrorCode.FEATURE_MISSING, "no distance", "distance")),
            ScoredRow.scored(Map.of("city", "la", "distance", 1.0, "prediction", 4.0), ADDED),
            ScoredRow.skipped()};

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void atRateOneEveryScoredRowIsSampledWithItsOwnId() {
        String[] ids = new PredictionSampler(log).sample(outcomes, 1.0);

        assertThat(ids).hasSize(4);
        assertThat(ids[0]).isNotNull();
        assertThat(ids[2]).isNotNull().isNotEqualTo(ids[0]);
        assertThat(ids[1]).as("a failed row is never logged").isNull();
        assertThat(ids[3]).as("a skipped row is never logged").isNull();
    }

    @Test
    void atRateZeroNothingIsSampledAndNoRandomNumberIsDrawn() {
        AtomicLong draws = new AtomicLong();
        PredictionSampler sampler = new PredictionSampler(log, () -> {
            draws.incrementAndGet();
            return 0.0;
        });

        assertThat(sampler.sample(outcomes, 0.0)).isNull();
        assertThat(draws).hasValue(0);
    }

    @Test
    void betweenZeroAndOneAScoredRowIsSampledWhenItsDrawIsBelowTheRate() {
        double[] draws = {0.30, 0.10};
        AtomicLong next = new AtomicLong();
        PredictionSampler sampler = new PredictionSampler(log, () -> draws[(int) next.getAndIncrement()]);

        String[] ids = sampler.sample(outcomes, 0.25);

        assertThat(next).as("one draw per scored row").hasValue(2);
        assertThat(ids[0]).isNull();
        assertThat(ids[2]).isNotNull();
        assertThat(new PredictionSampler(log, () -> 0.99).sample(outcomes, 0.25)).as("none sampled").isNull();
    }

    @Test
    void theSampledRowsAreQueuedWithTheRowAsScoredAndOnlyTheAddedColumns() throws InterruptedException {
        PredictionPlan plan = PredictionPlan.of(rows, null, Router.of(new Routing.Pinned(INSTANCE)), Optional.empty());
        PredictionSampler sampler = new PredictionSampler(log);
        String[] ids = sampler.sample(outcomes, 1.0);

        int queued = sampler.log("fares", plan, outcomes, ids, 250);
        log.close();

        assertThat(queued).isEqualTo(2);
        assertThat(written).extracting(LoggedPrediction::id).containsExactly(ids[0], ids[2]);
        LoggedPrediction first = written.get(0);
        assertThat(first.deployment()).isEqualTo("fares");
        assertThat(first.instance()).isEqualTo(INSTANCE);
        assertThat(first.input()).isEqualTo(rows.get(0));
        assertThat(first.output()).containsExactly(Map.entry("prediction", 12.5));
        assertThat(first.latencyMicros()).isEqualTo(250);
        assertThat(dropped).hasValue(0);
    }

    @Test
    void aPredictionTheLogRefusesIsNotCountedAsQueued() {
        PredictionPlan plan = PredictionPlan.of(rows, null, Router.of(new Routing.Pinned(INSTANCE)), Optional.empty());
        PredictionSampler sampler = new PredictionSampler(log);
        String[] ids = sampler.sample(outcomes, 1.0);
        log.close();

        assertThat(sampler.log("fares", plan, outcomes, ids, 250)).isZero();
        assertThat(dropped).hasValue(2);
    }
}
