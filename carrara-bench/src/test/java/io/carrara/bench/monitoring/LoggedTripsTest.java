package io.carrara.bench.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.monitoring.NewOutcome;
import io.carrara.registry.predictions.LoggedPrediction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LoggedTripsTest {
    private static final UUID INSTANCE = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final Instant DAY = Instant.parse("2026-12-06T00:00:00Z");

    @Test
    void spreadsRowsEvenlyOverTheSpanAtTheMicrosecond() {
        Duration day = Duration.ofDays(1);

        assertThat(LoggedTrips.spread(DAY, day, 0, 1_000_000)).isEqualTo(DAY);
        assertThat(LoggedTrips.spread(DAY, day, 1, 1_000_000)).isEqualTo(DAY.plusNanos(86_400_000));
        assertThat(LoggedTrips.spread(DAY, day, 500_000, 1_000_000)).isEqualTo(Instant.parse("2026-12-06T12:00:00Z"));
        assertThat(LoggedTrips.spread(DAY, day, 999_999, 1_000_000)).isBefore(DAY.plus(day));
        // A span that does not divide by the count: still inside it, in order, at whole microseconds.
        Instant previous = null;
        for (int index = 0; index < 7; index++) {
            Instant at = LoggedTrips.spread(DAY, Duration.ofNanos(10_000), index, 7);
            assertThat(at.getNano() % 1_000).isZero();
            assertThat(at).isBefore(DAY.plusNanos(10_000));
            if (previous != null) {
                assertThat(at).isAfter(previous);
            }
            previous = at;
        }
        assertThatThrownBy(() -> LoggedTrips.spread(DAY, day, 7, 7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRowIsAlwaysTheSameTripWithItsOutcomeUnderTheSameId() {
        LoggedTrips trips = new LoggedTrips(42, "trips", INSTANCE);
        Instant made = Instant.parse("2026-12-06T08:15:00.123456Z");

        LoggedPrediction logged = trips.prediction(17, made);
        LoggedPrediction again = new LoggedTrips(42, "trips", INSTANCE).prediction(17, made);
        NewOutcome outcome = trips.outcome(17, made, null);

        assertThat(again).isEqualTo(logged);
        assertThat(outcome.predictionId()).isEqualTo(logged.id());
        assertThat(outcome.outcome().asInt()).isEqualTo(trips.trip(17, made).outcome());
        assertThat(logged.deployment()).isEqualTo("trips");
        assertThat(logged.instance()).isEqualTo(INSTANCE);
        assertThat(logged.createdAt()).isEqualTo(made);
        assertThat(logged.input().get("hour").asInt()).isEqualTo(8);
        assertThat(new LoggedTrips(43, "trips", INSTANCE).prediction(17, made).input()).isNotEqualTo(logged.input());
    }

    @Test
    void logsInputsAndASparkClassifiersOutput() {
        LoggedTrips trips = new LoggedTrips(42, "trips", INSTANCE);
        int withoutCity = 0;
        for (int index = 0; index < 2_000; index++) {
            LoggedPrediction logged = trips.prediction(index, DAY.plusSeconds(index));
            JsonNode input = logged.input();
            assertThat(input.fieldNames()).toIterable().isSubsetOf("city", "payment", "distance", "duration", "passengers", "hour");
            withoutCity += input.has("city") ? 0 : 1;
            assertThat(input.get("distance").isNumber()).isTrue();
            JsonNode output = logged.output();
            double probability = output.get("probability").get(1).asDouble();
            assertThat(output.get("probability").get(0).asDouble() + probability).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(output.get("prediction").asDouble()).isEqualTo(probability >= 0.5 ? 1.0 : 0.0);
        }
        assertThat(withoutCity).isBetween(10, 80);   // about 2 %
    }

    @Test
    void addsADenseFeatureVectorToTheOutputWhenAsked() {
        Instant made = DAY.plusSeconds(3_600);
        LoggedPrediction plain = new LoggedTrips(42, "trips", INSTANCE).prediction(5, made);
        LoggedPrediction withVector = new LoggedTrips(42, "trips", INSTANCE, 1_000).prediction(5, made);

        JsonNode vector = withVector.output().get("features");
        assertThat(vector.size()).isEqualTo(1_000);
        assertThat(vector.get(999).asDouble()).isEqualTo(plain.input().get("distance").asDouble());
        assertThat(vector.get(996).asDouble()).isEqualTo(1.0);   // the hour
        assertThat(withVector.output().toString().length()).isBetween(3_500, 5_000);   // as the LR trips pipeline logs
        assertThat(withVector.output().get("probability")).isEqualTo(plain.output().get("probability"));
        assertThat(withVector.input()).isEqualTo(plain.input());
        assertThat(plain.output().has("features")).isFalse();
    }

    @Test
    void idsAreTimeOrderedVersion7UuidsThatNeverCollide() {
        Set<String> ids = new HashSet<>();
        List<String> ordered = new ArrayList<>();
        for (int index = 0; index < 10_000; index++) {
            String id = LoggedTrips.id(index, DAY.plusMillis(index / 3));
            ids.add(id);
            ordered.add(id);
            assertThat(UUID.fromString(id).version()).isEqualTo(7);
            assertThat(id).hasSize(36);
        }
        assertThat(ids).hasSize(10_000);
        assertThat(ordered).isSorted();
        // The same time, another row: another id.
        assertThat(LoggedTrips.id(1, DAY)).isNotEqualTo(LoggedTrips.id(2, DAY));
    }

    @Test
    void outcomesFollowTheModelWithoutMatchingItExactly() {
        LoggedTrips trips = new LoggedTrips(42, "trips", INSTANCE);
        double positives = 0;
        double scoreOfPositives = 0;
        double scoreOfNegatives = 0;
        int agreements = 0;
        int n = 20_000;
        for (int index = 0; index < n; index++) {
            LoggedTrips.Trip trip = trips.trip(index, DAY.plusSeconds(index * 4L));
            if (trip.outcome() == 1) {
                positives++;
                scoreOfPositives += trip.probability();
            } else {
                scoreOfNegatives += trip.probability();
            }
            agreements += (trip.probability() >= 0.5 ? 1 : 0) == trip.outcome() ? 1 : 0;
        }
        assertThat(positives / n).isBetween(0.2, 0.8);
        assertThat(scoreOfPositives / positives).isGreaterThan(scoreOfNegatives / (n - positives) + 0.1);
        assertThat((double) agreements / n).isBetween(0.6, 0.95);
    }
}
