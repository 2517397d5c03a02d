package io.carrara.bench.pipeline;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A seeded synthetic "trips" table for the pipeline benchmarks: string {@code id}, {@code city},
 * {@code vendor} and {@code payment} with long-tailed (Zipf-like) categories, numeric
 * {@code distance}, {@code duration}, {@code passengers} and {@code airport}, and a binary
 * {@code label} that depends on all of them. Scoring rows ({@link #scoringRows}) add cities and
 * payments never seen in training and a few null cities, which the pipelines index with
 * {@code handleInvalid=keep}.
 */
public final class Trips {
    /** The training table's Spark schema: the scoring columns plus {@code label}. */
    public static final StructType TRAINING_SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("city", DataTypes.StringType)
            .add("vendor", DataTypes.StringType)
            .add("payment", DataTypes.StringType)
            .add("distance", DataTypes.DoubleType, false)
            .add("duration", DataTypes.DoubleType, false)
            .add("passengers", DataTypes.IntegerType, false)
            .add("airport", DataTypes.IntegerType, false)
            .add("label", DataTypes.DoubleType, false);

    /** What a serving system receives: every column but {@code label}. */
    public static final StructType SCORING_SCHEMA = new StructType(java.util.Arrays.copyOf(TRAINING_SCHEMA.fields(), 8));

    /** {@link #SCORING_SCHEMA} as the Spark-free runtime sees it. */
    public static final Schema SCORING_INPUT = Schema.of(
            new Field("id", DataType.STRING),
            new Field("city", DataType.STRING),
            new Field("vendor", DataType.STRING),
            new Field("payment", DataType.STRING),
            new Field("distance", DataType.DOUBLE),
            new Field("duration", DataType.DOUBLE),
            new Field("passengers", DataType.INTEGER),
            new Field("airport", DataType.INTEGER));

    private static final int CITIES = 300;
    private static final String[] VENDORS = {"cmt", "vts", "dds", "lyft", "via", "juno", "gett", "arro", "curb", "revel", "alto", "wheely"};
    private static final String[] PAYMENTS = {"card", "cash", "app", "voucher", "corporate", "gift_card"};

    /** One trip; {@code city} is null now and then. */
    public record Trip(String id, String city, String vendor, String payment, double distance, double duration, int passengers,
                       int airport, double label) {
        public Trip {
            requireNonNull(id, "id is null");
            requireNonNull(vendor, "vendor is null");
            requireNonNull(payment, "payment is null");
        }

        /** A Spark row of {@link #SCORING_SCHEMA}. */
        public Row scoringRow() {
            return RowFactory.create(id, city, vendor, payment, distance, duration, passengers, airport);
        }

        /** A Spark row of {@link #TRAINING_SCHEMA}. */
        public Row trainingRow() {
            return RowFactory.create(id, city, vendor, payment, distance, duration, passengers, airport, label);
        }

        /** The row as the {@code Scorer} API takes it, as a JSON request body would decode: numbers boxed, a null city absent. */
        public Map<String, Object> asMap() {
            Map<String, Object> map = new HashMap<>();
            map.put("id", id);
            if (city != null) {
                map.put("city", city);
            }
            map.put("vendor", vendor);
            map.put("payment", payment);
            map.put("distance", distance);
            map.put("duration", duration);
            map.put("passengers", passengers);
            map.put("airport", airport);
            return Collections.unmodifiableMap(map);
        }
    }

    private Trips() {
    }

    public static List<Trip> trainingRows(int count, long seed) {
        return rows(count, seed, false, "t");
    }

    public static List<Trip> scoringRows(int count, long seed) {
        return rows(count, seed, true, "s");
    }

    private static List<Trip> rows(int count, long seed, boolean withUnseen, String idPrefix) {
        Random random = new Random(seed);
        Zipf cities = new Zipf(CITIES, 1.1);
        Zipf vendors = new Zipf(VENDORS.length, 1.3);
        Zipf payments = new Zipf(PAYMENTS.length, 1.6);
        List<Trip> trips = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double u = random.nextDouble();
            int cityRank = cities.sample(random);
            String city = u < 0.02 ? null
                    : withUnseen && u < 0.05 ? "unseen_city_" + random.nextInt(50)
                    : "city_" + cityRank;
            int vendorRank = vendors.sample(random);
            String payment = withUnseen && random.nextDouble() < 0.01 ? "crypto" : PAYMENTS[payments.sample(random)];
            double distance = Math.exp(random.nextGaussian() * 0.8 + 1.0);
            double duration = Math.max(1.0, distance * (2.5 + random.nextDouble() * 2) + random.nextGaussian());
            int passengers = 1 + (int) Math.min(5, Math.abs(random.nextGaussian() * 1.5));
            int airport = random.nextDouble() < 0.12 ? 1 : 0;
            double cityEffect = ((cityRank * 7919) % 11 - 5) / 5.0;
            double score = 0.35 * distance - 0.05 * duration + cityEffect + 1.2 * airport + 0.1 * passengers
                    + (payment.equals("cash") ? -0.4 : 0.2) + (vendorRank % 3 - 1) * 0.3 - 0.5 + random.nextGaussian();
            trips.add(new Trip(idPrefix + i, city, VENDORS[vendorRank], payment, distance, duration, passengers, airport,
                    score > 0 ? 1.0 : 0.0));
        }
        return trips;
    }

    /** Ranks 0..n-1 with weight 1/(r+1)^s: a few categories dominate and the tail is long. */
    private static final class Zipf {
        private final double[] cumulative;

        Zipf(int n, double exponent) {
            cumulative = new double[n];
            double total = 0;
            for (int r = 0; r < n; r++) {
                total += 1.0 / Math.pow(r + 1, exponent);
                cumulative[r] = total;
            }
            for (int r = 0; r < n; r++) {
                cumulative[r] /= total;
            }
        }

        int sample(Random random) {
            int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
        }
    }
}
