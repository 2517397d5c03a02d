package io.carrara.spark.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A seeded synthetic "trips" table shaped like real ride data: a long-tailed {@code city}
 * (Zipf-like over 40 cities, a few nulls), small categorical columns, integer and double numerics
 * with nulls (hour only when scoring), a free-text note, and labels for binary, three-class and
 * regression models. The scoring set adds cities
 * and payment types never seen in training, and NaN distances.
 */
public final class TripsData {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("city", DataTypes.StringType)
            .add("vendor", DataTypes.StringType)
            .add("payment", DataTypes.StringType)
            .add("passengers", DataTypes.IntegerType)
            .add("hour", DataTypes.IntegerType)
            .add("distance", DataTypes.DoubleType)
            .add("duration", DataTypes.DoubleType)
            .add("airport", DataTypes.BooleanType)
            .add("label", DataTypes.DoubleType)
            .add("fare_class", DataTypes.DoubleType)
            .add("fare", DataTypes.DoubleType)
            .add("note", DataTypes.StringType);

    private static final String[] CITIES = {
        "new_york", "san_francisco", "los_angeles", "chicago", "boston", "seattle", "austin", "denver", "miami", "atlanta",
        "portland", "phoenix", "dallas", "houston", "philadelphia", "san_diego", "detroit", "minneapolis", "nashville", "orlando",
        "tampa", "charlotte", "pittsburgh", "cleveland", "st_louis", "kansas_city", "salt_lake_city", "las_vegas", "raleigh",
        "baltimore", "sacramento", "san_jose", "columbus", "indianapolis", "milwaukee", "cincinnati", "new_orleans", "honolulu",
        "anchorage", "boise"};
    private static final String[] UNSEEN_CITIES = {"atlantis", "el_dorado", "shangri_la"};
    private static final String[] VENDORS = {"cmt", "vts", "dds"};
    private static final String[] PAYMENTS = {"card", "cash", "app", "voucher"};
    private static final String[] WORDS = {
        "the", "Airport", "pickup", "late", "night", "a", "driver", "was", "very", "friendly", "traffic", "on", "bridge",
        "Rain", "and", "slow", "ride", "to", "downtown", "hotel", "luggage", "big", "quiet", "music", "loud", "AC"};
    private static final String[] UNSEEN_WORDS = {"zeppelin", "hovercraft"};

    private TripsData() {
    }

    public static Dataset<Row> training(SparkSession spark) {
        return spark.createDataFrame(rows(400, 11L, false, 0), SCHEMA);
    }

    public static Dataset<Row> scoring(SparkSession spark) {
        return spark.createDataFrame(rows(160, 23L, true, 100_000), SCHEMA);
    }

    private static List<Row> rows(int count, long seed, boolean withUnseen, int firstId) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String city = pick(random, withUnseen);
            String vendor = VENDORS[random.nextInt(VENDORS.length)];
            String payment = random.nextDouble() < 0.05 ? "voucher" : PAYMENTS[random.nextInt(3)];
            if (withUnseen && random.nextDouble() < 0.04) {
                payment = "crypto";
            }
            Integer passengers = random.nextDouble() < 0.04 ? null : 1 + (int) Math.min(5, Math.abs(random.nextGaussian() * 1.5));
            Integer hour = withUnseen && random.nextDouble() < 0.03 ? null : random.nextInt(24);
            Double distance = random.nextDouble() < 0.04 ? null : Math.exp(random.nextGaussian() * 0.8 + 1.0);
            if (withUnseen && distance != null && random.nextDouble() < 0.03) {
                distance = Double.NaN;
            }
            double knownDistance = distance == null || distance.isNaN() ? 3.0 : distance;
            Double duration = random.nextDouble() < 0.03 ? null : knownDistance * (2.5 + random.nextDouble() * 2) + random.nextGaussian();
            boolean airport = random.nextDouble() < 0.15;
            double cityEffect = city == null ? 0.0 : (city.hashCode() % 7) / 7.0;
            double score = 0.4 * knownDistance - 1.2 + cityEffect + (airport ? 1.0 : 0.0) + random.nextGaussian();
            double label = score > 0.5 ? 1.0 : 0.0;
            double fareClass = score < 0.0 ? 0.0 : score < 1.5 ? 1.0 : 2.0;
            double fare = 2.5 + 1.8 * knownDistance + (airport ? 5.0 : 0.0) + random.nextGaussian();
            rows.add(RowFactory.create(firstId + i, city, vendor, payment, passengers, hour, distance, duration, airport, label,
                    fareClass, fare, note(random, withUnseen)));
        }
        return rows;
    }

    /** Free text with mixed case, repeated words and irregular spacing; empty or null now and then. */
    private static String note(Random random, boolean withUnseen) {
        double u = random.nextDouble();
        if (u < 0.04) {
            return null;
        }
        if (u < 0.07) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        int words = 1 + random.nextInt(9);
        for (int w = 0; w < words; w++) {
            if (w > 0) {
                text.append(random.nextDouble() < 0.1 ? "  " : " ");
            }
            text.append(withUnseen && random.nextDouble() < 0.05 ? UNSEEN_WORDS[random.nextInt(UNSEEN_WORDS.length)]
                    : WORDS[Math.min(WORDS.length - 1, (int) Math.abs(random.nextGaussian() * 8))]);
        }
        return text.toString();
    }

    private static String pick(Random random, boolean withUnseen) {
        double u = random.nextDouble();
        if (u < 0.03) {
            return null;
        }
        if (withUnseen && u < 0.08) {
            return UNSEEN_CITIES[random.nextInt(UNSEEN_CITIES.length)];
        }
        // Zipf-like: rank r has weight 1/r, so a few cities dominate and the tail is long.
        double total = 0;
        for (int r = 1; r <= CITIES.length; r++) {
            total += 1.0 / r;
        }
        double target = random.nextDouble() * total;
        for (int r = 1; r <= CITIES.length; r++) {
            target -= 1.0 / r;
            if (target <= 0) {
                return CITIES[r - 1];
            }
        }
        return CITIES[CITIES.length - 1];
    }
}
