package io.carrara.bench.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.monitoring.NewOutcome;
import io.carrara.registry.predictions.LoggedPrediction;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Seeded synthetic trips as a deployment of a binary classifier logs them, and the outcomes observed for them. Row
 * {@code index} is always the same trip: its input ({@code city} of 300 long-tailed values, 2 % missing, {@code payment},
 * {@code distance}, {@code duration}, {@code passengers}, and the {@code hour} it was made), its output as a Spark
 * classifier logs it ({@code {"prediction": 1.0, "probability": [0.3, 0.7]}}) and its outcome (drawn around the model's
 * probability with noise of its own, so the model is good but not perfect: AUC about 0.8). The prediction id is a
 * version 7 UUID of the time it was made and the index, as the server's ids are time-ordered.
 *
 * <pre>{@code
 * LoggedTrips trips = new LoggedTrips(42, "trips", instanceId);
 * LoggedPrediction logged = trips.prediction(17, createdAt);
 * NewOutcome outcome = trips.outcome(17, createdAt, null);   // the same id, observed when received
 * }</pre>
 */
final class LoggedTrips {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int CITIES = 300;
    private static final String[] PAYMENTS = {"card", "cash", "app", "voucher", "corporate", "gift_card"};
    private static final double[] CITY_SHARES = zipf(CITIES, 1.1);
    private static final double[] PAYMENT_SHARES = zipf(PAYMENTS.length, 1.6);

    private final long seed;
    private final String deployment;
    private final UUID instance;
    private final int vectorSize;

    LoggedTrips(long seed, String deployment, UUID instance) {
        this(seed, deployment, instance, 0);
    }

    /**
     * @param vectorSize when positive, each output also holds a dense {@code features} vector of that many numbers (the
     *     city one-hot, then the numeric features, zeros elsewhere), as the server logs every column a Spark pipeline adds
     */
    LoggedTrips(long seed, String deployment, UUID instance, int vectorSize) {
        if (vectorSize < 0) {
            throw new IllegalArgumentException("vectorSize is negative: " + vectorSize);
        }
        this.seed = seed;
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.instance = requireNonNull(instance, "instance is null");
        this.vectorSize = vectorSize;
    }

    /** One trip's features and what the model and the world made of it. */
    record Trip(Map<String, Object> features, double probability, int outcome) {}

    /** Trip {@code index} made at {@code createdAt}: the hour feature is that time's UTC hour. */
    Trip trip(long index, Instant createdAt) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int cityRank = sample(CITY_SHARES, random.nextDouble());
        String city = random.nextDouble() < 0.02 ? null : "city_" + cityRank;
        String payment = PAYMENTS[sample(PAYMENT_SHARES, random.nextDouble())];
        double distance = Math.exp(random.nextGaussian() * 0.8 + 1.0);
        double duration = Math.max(1.0, distance * (2.5 + random.nextDouble() * 2) + random.nextGaussian());
        int passengers = 1 + (int) Math.min(5, Math.abs(random.nextGaussian() * 1.5));
        int hour = createdAt.atZone(ZoneOffset.UTC).getHour();
        double cityEffect = ((cityRank * 7919) % 11 - 5) / 5.0;
        double signal = 0.35 * distance - 0.05 * duration + cityEffect + 0.1 * passengers + (payment.equals("cash") ? -0.4 : 0.2)
                + (hour >= 7 && hour <= 9 || hour >= 17 && hour <= 19 ? 0.5 : 0) - 1.0;
        double probability = sigmoid(signal);
        int outcome = random.nextDouble() < sigmoid(signal + random.nextGaussian() * 1.2) ? 1 : 0;
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("city", city);
        features.put("payment", payment);
        features.put("distance", round(distance));
        features.put("duration", round(duration));
        features.put("passengers", passengers);
        features.put("hour", hour);
        return new Trip(features, probability, outcome);
    }

    /** Trip {@code index} as the prediction log holds it, made at {@code createdAt}. */
    LoggedPrediction prediction(long index, Instant createdAt) {
        Trip trip = trip(index, createdAt);
        ObjectNode input = JSON.objectNode();
        trip.features().forEach((name, value) -> {
            if (value instanceof String text) {
                input.put(name, text);
            } else if (value instanceof Integer number) {
                input.put(name, number);
            } else if (value instanceof Double number) {
                input.put(name, number);
            }
            // A missing city is left out, as a JSON request without it logs.
        });
        ObjectNode output = JSON.objectNode();
        if (vectorSize > 0) {
            double[] vector = new double[vectorSize];
            Object city = trip.features().get("city");
            if (city != null) {
                int rank = Integer.parseInt(((String) city).substring("city_".length()));
                if (rank < vectorSize) {
                    vector[rank] = 1.0;
                }
            }
            int slot = vectorSize - 1;
            for (String numeric : List.of("distance", "duration", "passengers", "hour")) {
                if (slot >= 0) {
                    vector[slot--] = ((Number) trip.features().get(numeric)).doubleValue();
                }
            }
            var features = output.putArray("features");
            for (double value : vector) {
                features.add(value);
            }
        }
        output.put("prediction", trip.probability() >= 0.5 ? 1.0 : 0.0);
        output.putArray("probability").add(1 - trip.probability()).add(trip.probability());
        long latencyMicros = 40 + (index % 17) * 3;
        return new LoggedPrediction(id(index, createdAt), deployment, instance, input, output, latencyMicros, createdAt);
    }

    /** The outcome of trip {@code index} made at {@code createdAt}, observed at {@code observedAt} (null: when received). */
    NewOutcome outcome(long index, Instant createdAt, String observedAt) {
        return new NewOutcome(id(index, createdAt), IntNode.valueOf(trip(index, createdAt).outcome()), observedAt);
    }

    /**
     * Row {@code index} of {@code count} rows spread evenly over {@code span} from {@code start}, at the microsecond (what
     * the database keeps).
     */
    static Instant spread(Instant start, Duration span, long index, long count) {
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("index " + index + " is not in [0, " + count + ")");
        }
        long micros = span.toNanos() / 1_000;
        return start.plus(micros / count * index + micros % count * index / count, ChronoUnit.MICROS);
    }

    /** A version 7 UUID: the time in milliseconds, the version, then the index, so ids sort by time and never collide. */
    static String id(long index, Instant createdAt) {
        if (index < 0 || index >= 1L << 48) {
            throw new IllegalArgumentException("index out of range: " + index);
        }
        long high = (createdAt.toEpochMilli() << 16) | 0x7000L;
        long low = 0x8000_0000_0000_0000L | index;
        return new UUID(high, low).toString();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Cumulative shares of ranks 0..n-1 with weight 1/(r+1)^s: a few values dominate and the tail is long. */
    private static double[] zipf(int n, double exponent) {
        double[] cumulative = new double[n];
        double total = 0;
        for (int r = 0; r < n; r++) {
            total += 1.0 / Math.pow(r + 1, exponent);
            cumulative[r] = total;
        }
        for (int r = 0; r < n; r++) {
            cumulative[r] /= total;
        }
        return cumulative;
    }

    private static int sample(double[] cumulative, double u) {
        int index = java.util.Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
    }
}
