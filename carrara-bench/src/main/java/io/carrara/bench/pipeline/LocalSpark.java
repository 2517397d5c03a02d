package io.carrara.bench.pipeline;

import org.apache.spark.sql.SparkSession;

/**
 * The benchmark JVM's one Spark session: {@code local[1]}, no UI, one shuffle partition, as a
 * single-row serving process would configure it. Runs in the JMH fork, which gets the
 * {@code --add-opens} flags Spark needs from the benchmarks' {@code @Fork} annotations.
 */
final class LocalSpark {
    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        return SparkSession.builder()
                .master("local[1]")
                .appName("carrara-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.default.parallelism", "1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
