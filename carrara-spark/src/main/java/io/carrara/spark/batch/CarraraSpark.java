package io.carrara.spark.batch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session Carrara's jobs run in: Hive support always (tables live in a
 * metastore, so they outlast the process), the embedded Derby metastore and warehouse of a
 * Carrara home or an external metastore, and Spark's logging at {@code WARN} unless the
 * application configured logging itself.
 */
public final class CarraraSpark {
    /**
     * Spark compiles a stage into one method unless it passes this many bytes of bytecode (65,535 by default). HotSpot
     * never JIT-compiles a method over 8,000 bytes, so a stage over that runs interpreted: the batch job's conversion of
     * a Python model's scored rows (35 columns for the breast-cancer model) took half of a 1,000,000-row job's time that
     * way (docs/benchmarks.md). At HotSpot's limit Spark evaluates such a stage without whole-stage code generation,
     * in code that is compiled. Spark's documentation of the setting recommends this value on HotSpot.
     */
    static final String HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit";
    static final int HOTSPOT_HUGE_METHOD_BYTES = 8000;

    private CarraraSpark() {
    }

    /**
     * The session for {@code settings}: a new one, or the JVM's running one, which must have Hive
     * support (static settings such as the warehouse cannot change while a session runs).
     */
    public static SparkSession session(SparkSettings settings) {
        requireNonNull(settings, "settings is null");
        quietLogging(settings.logLevel());
        SparkSession.Builder builder = SparkSession.builder().appName(settings.appName()).enableHiveSupport();
        Optional<String> master = settings.master();
        if (master.isEmpty() && System.getProperty("spark.master") == null) {
            master = Optional.of(SparkSettings.DEFAULT_MASTER);
        }
        master.ifPresent(builder::master);
        settings.warehouseLocation().ifPresent(location -> builder.config("spark.sql.warehouse.dir", location));
        settings.metastoreUri().ifPresent(uri -> builder.config("spark.hadoop.hive.metastore.uris", uri));
        settings.metastoreDirectory().ifPresent(directory -> {
            createDirectories(directory.getParent());
            // Derby writes derby.log to the working directory unless told otherwise.
            if (System.getProperty("derby.stream.error.file") == null) {
                System.setProperty("derby.stream.error.file", directory.resolveSibling("derby.log").toString());
            }
            builder.config("spark.hadoop.javax.jdo.option.ConnectionURL",
                    "jdbc:derby:;databaseName=" + directory + ";create=true");
            // A new home has an empty Derby database: let the metastore create its tables.
            builder.config("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
            builder.config("spark.hadoop.hive.metastore.schema.verification", "false");
        });
        if (System.getProperty(HUGE_METHOD_LIMIT) == null) {
            builder.config(HUGE_METHOD_LIMIT, String.valueOf(HOTSPOT_HUGE_METHOD_BYTES));
        }
        settings.config().forEach(builder::config);
        SparkSession session = builder.getOrCreate();
        // A session already running in the JVM keeps its own runtime settings: give it these guards too.
        settings.config().forEach((key, value) -> {
            if (SparkSettings.SQL_GUARDS.containsKey(key)) {
                session.conf().set(key, value);
            }
        });
        String catalog = session.conf().get("spark.sql.catalogImplementation", "in-memory");
        if (!"hive".equals(catalog)) {
            throw new IllegalStateException("a Spark session without Hive support (catalog " + catalog + ") is already"
                    + " running in this JVM; stop it before starting Carrara's, whose tables must outlast the process");
        }
        session.sparkContext().setLogLevel(settings.logLevel());
        return session;
    }

    /**
     * Replaces log4j's unconfigured default, which Spark would otherwise fill with its INFO-level
     * profile, by one console appender on standard error at {@code level}. A logging configuration
     * the application or the cluster set up is left alone.
     */
    private static void quietLogging(String level) {
        if (!(LogManager.getContext(false) instanceof LoggerContext context)
                || !(context.getConfiguration() instanceof DefaultConfiguration)) {
            return;
        }
        ConfigurationBuilder<BuiltConfiguration> config = ConfigurationBuilderFactory.newConfigurationBuilder();
        config.setConfigurationName("carrara-spark");
        config.add(config.newAppender("stderr", "Console")
                .addAttribute("target", ConsoleAppender.Target.SYSTEM_ERR)
                .add(config.newLayout("PatternLayout").addAttribute("pattern", "%d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex")));
        config.add(config.newRootLogger(Level.toLevel(level, Level.WARN)).add(config.newAppenderRef("stderr")));
        Configurator.reconfigure(config.build());
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Spark directory " + directory + " under the Carrara home", e);
        }
    }
}
