package io.carrara.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session the test JVM shares: small and quiet, because the machine is shared.
 * Spark keeps it as the active session, so every test class gets the same one.
 */
public final class LocalSpark {
    private LocalSpark() {
    }

    public static synchronized SparkSession session() {
        return SparkSession.builder()
                .master("local[1]")
                .appName("carrara-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.default.parallelism", "1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }
}
