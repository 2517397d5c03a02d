package io.carrara.spark.batch;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How {@link CarraraSpark#session} starts Spark. The embedded default keeps everything under a
 * Carrara home, so tables persist between runs:
 * <pre>{@code
 * SparkSession spark = CarraraSpark.session(SparkSettings.embedded(Path.of("~/.carrara")));
 * }</pre>
 * A cluster job leaves {@code master} and {@code home} empty, so spark-submit's master and the
 * cluster's Hive configuration apply, or points at a metastore with {@code metastoreUri}.
 *
 * @param master Spark master; empty: the one spark-submit set, else {@code local[*]}
 * @param appName the application name Spark shows
 * @param home the Carrara home: an embedded Derby metastore in {@code home/spark/metastore} and the
 *     warehouse in {@code home/spark/warehouse}; empty: Spark's own Hive configuration
 * @param metastoreUri an external Hive metastore ({@code thrift://host:9083}), used instead of the embedded one
 * @param warehouse the warehouse directory or URI, overriding the home's
 * @param config further Spark settings, applied last
 * @param logLevel the level of Spark's own logging, {@code WARN} by default
 */
public record SparkSettings(
        Optional<String> master,
        String appName,
        Optional<Path> home,
        Optional<String> metastoreUri,
        Optional<String> warehouse,
        Map<String, String> config,
        String logLevel) {
    public static final String DEFAULT_MASTER = "local[*]";
    public static final String DEFAULT_APP_NAME = "carrara";
    public static final String DEFAULT_LOG_LEVEL = "WARN";
    /**
     * Spark's own guards for the SQL of the server's users, behind {@code SqlPolicy}'s checks: a
     * table name that is a file path ({@code json.`/etc/passwd`}) is not read as that file, and
     * {@code ${env:NAME}} or {@code ${spark.key}} in SQL text is not replaced by the server's
     * environment and settings. The embedded (server) settings have them; a cluster job's query is
     * its operator's, who may read files.
     */
    public static final Map<String, String> SQL_GUARDS = Map.of(
            "spark.sql.runSQLOnFiles", "false",
            "spark.sql.variable.substitute", "false");

    public SparkSettings {
        requireNonNull(master, "master is null");
        requireNonNull(appName, "appName is null");
        requireNonNull(home, "home is null");
        requireNonNull(metastoreUri, "metastoreUri is null");
        requireNonNull(warehouse, "warehouse is null");
        config = Map.copyOf(new TreeMap<>(requireNonNull(config, "config is null")));
        requireNonNull(logLevel, "logLevel is null");
        home = home.map(path -> path.toAbsolutePath().normalize());
    }

    /**
     * Local Spark on every core, with the catalog and warehouse under {@code home}, no web UI, and
     * the {@link #SQL_GUARDS} on.
     */
    public static SparkSettings embedded(Path home) {
        Map<String, String> config = new TreeMap<>(SQL_GUARDS);
        config.put("spark.ui.enabled", "false");
        return new SparkSettings(Optional.of(DEFAULT_MASTER), DEFAULT_APP_NAME, Optional.of(home), Optional.empty(),
                Optional.empty(), config, DEFAULT_LOG_LEVEL);
    }

    /** Whatever spark-submit and the cluster's configuration say, with Hive support. */
    public static SparkSettings cluster() {
        return new SparkSettings(Optional.empty(), DEFAULT_APP_NAME, Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of(), DEFAULT_LOG_LEVEL);
    }

    public SparkSettings withMaster(String value) {
        return new SparkSettings(Optional.of(value), appName, home, metastoreUri, warehouse, config, logLevel);
    }

    public SparkSettings withAppName(String value) {
        return new SparkSettings(master, value, home, metastoreUri, warehouse, config, logLevel);
    }

    public SparkSettings withHome(Path value) {
        return new SparkSettings(master, appName, Optional.of(value), metastoreUri, warehouse, config, logLevel);
    }

    public SparkSettings withMetastoreUri(String value) {
        return new SparkSettings(master, appName, home, Optional.of(value), warehouse, config, logLevel);
    }

    public SparkSettings withWarehouse(String value) {
        return new SparkSettings(master, appName, home, metastoreUri, Optional.of(value), config, logLevel);
    }

    /**
     * Spark's driver and block manager listen on {@code host} and tell executors that address:
     * {@code 127.0.0.1} keeps an embedded server's Spark ports off the network. A cluster's
     * executors need an address they can reach.
     */
    public SparkSettings withBindAddress(String host) {
        requireNonNull(host, "host is null");
        return withConfig("spark.driver.bindAddress", host).withConfig("spark.driver.host", host);
    }

    /** These settings plus one Spark setting, replacing any earlier value of {@code key}. */
    public SparkSettings withConfig(String key, String value) {
        Map<String, String> merged = new TreeMap<>(config);
        merged.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return new SparkSettings(master, appName, home, metastoreUri, warehouse, merged, logLevel);
    }

    /** The embedded metastore's Derby database, when there is a home and no external metastore. */
    public Optional<Path> metastoreDirectory() {
        return metastoreUri.isPresent() ? Optional.empty() : home.map(path -> path.resolve("spark").resolve("metastore"));
    }

    /** The warehouse directory: the explicit one, else the home's. */
    public Optional<String> warehouseLocation() {
        return warehouse.or(() -> home.map(path -> path.resolve("spark").resolve("warehouse").toUri().toString()));
    }
}
