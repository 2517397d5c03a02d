package io.carrara.spark.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The Hive-enabled local Spark session the catalog tests share, with one Carrara home under
 * {@code target/} for the test JVM. A session without Hive support (the parity tests') is stopped
 * first, since static settings such as the catalog cannot change while a session runs; the parity
 * tests' {@code LocalSpark} then reuses this one.
 */
public final class CatalogSpark {
    private static Path home;

    private CatalogSpark() {
    }

    public static synchronized SparkSession session() {
        SparkSession.getDefaultSession().foreach(running -> {
            if (!"hive".equals(running.conf().get("spark.sql.catalogImplementation", "in-memory"))) {
                running.stop();
                SparkSession.clearDefaultSession();
                SparkSession.clearActiveSession();
            }
            return null;
        });
        return CarraraSpark.session(SparkSettings.embedded(home())
                .withMaster("local[2]")
                .withAppName("carrara-catalog-tests")
                .withConfig("spark.sql.shuffle.partitions", "2")
                .withConfig("spark.default.parallelism", "2")
                .withBindAddress("127.0.0.1"));
    }

    /** The Carrara home of the shared session. */
    public static synchronized Path home() {
        if (home == null) {
            try {
                Path target = Files.createDirectories(Path.of("target"));
                home = Files.createTempDirectory(target.toAbsolutePath(), "carrara-home-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home;
    }
}
