package io.carrara.server.monitoring;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.CONFLICT;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.batch.SparkRuntime;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.monitoring.MonitoringSettings;
import io.carrara.registry.monitoring.MonitoringTask;
import io.carrara.registry.monitoring.WindowSize;
import io.carrara.spark.table.SparkTables;
import io.carrara.spark.table.TableName;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Monitoring for large volumes on Spark: a deployment's prediction log, with the outcomes joined so far, exported to a
 * table of the catalog (partitioned by deployment and date, a date replaced whole when exported again), and the windows
 * of chosen dates computed from such a table by a Spark job — each group of rows by {@link WindowComputation}, exactly
 * as the in-database monitor computes it — and recorded as the monitor records its own.
 */
public final class SparkMonitoring {
    /** The log table's columns, then its partition columns deployment and ds. */
    static final StructType LOG_SCHEMA = new StructType()
            .add("prediction_id", DataTypes.StringType, false)
            .add("instance_id", DataTypes.StringType, false)
            .add("created_at", DataTypes.TimestampType, false)
            .add("input", DataTypes.StringType, false)
            .add("output", DataTypes.StringType, false)
            .add("outcome", DataTypes.StringType, true)
            .add("observed_at", DataTypes.TimestampType, true)
            .add("deployment", DataTypes.StringType, false)
            .add("ds", DataTypes.DateType, false);
    /** The most days one export or computation covers. */
    public static final int MAX_DAYS = 31;
    private static final int CHUNK = 20_000;

    private final RegistryDatabase database;
    private final SparkRuntime spark;
    private final QualityMonitor monitor;
    private final Path scratch;

    public SparkMonitoring(RegistryDatabase database, SparkRuntime spark, QualityMonitor monitor, Path scratch) {
        this.database = requireNonNull(database, "database is null");
        this.spark = requireNonNull(spark, "spark is null");
        this.monitor = requireNonNull(monitor, "monitor is null");
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    /** What an export wrote: the rows of each date (a date without predictions is emptied). */
    public record Exported(String table, Map<LocalDate, Long> rowsByDate) {}

    /** What a computation did: the windows recorded and the log rows read. */
    public record Computed(int windows, long rows) {}

    /**
     * Writes the predictions {@code deployment} made on the dates from {@code from} to {@code to} (UTC), each with its
     * outcome when one has been joined, into {@code table}'s partitions of that deployment and those dates, replacing
     * them; creates the table when it does not exist.
     */
    public synchronized Exported export(String deployment, TableName table, LocalDate from, LocalDate to) {
        checkDates(from, to);
        SparkSession session = session();
        prepare(session, table);
        Path staging = scratch.resolve("prediction-log-" + UUID.randomUUID());
        Map<LocalDate, Long> counts = new LinkedHashMap<>();
        try {
            Files.createDirectories(scratch);
            for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
                counts.put(date, stage(session, deployment, date, staging));
            }
            if (counts.values().stream().anyMatch(rows -> rows > 0)) {
                session.read().schema(LOG_SCHEMA).parquet(staging.toString()).write().mode(SaveMode.Overwrite).insertInto(table.toString());
            }
            counts.forEach((date, rows) -> {
                if (rows == 0) {
                    // Dynamic overwrite replaces only the partitions that receive rows: an empty date drops its old rows.
                    session.sql("ALTER TABLE " + table.sql() + " DROP IF EXISTS PARTITION (deployment = '" + deployment + "', ds = DATE'"
                            + date + "')");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the prediction log under " + scratch, e);
        } finally {
            deleteTree(staging);
        }
        return new Exported(table.toString(), counts);
    }

    /** One date's log rows, read from the registry database in chunks, appended to the staging directory as Parquet. */
    private long stage(SparkSession session, String deployment, LocalDate date, Path staging) {
        Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        java.sql.Date day = java.sql.Date.valueOf(date);
        List<Row> chunk = new ArrayList<>(CHUNK);
        long[] rows = {0};
        database.jdbi().useTransaction(handle -> handle.createQuery("SELECT p.prediction_id, p.instance_id, p.created_at, p.input,"
                        + " p.output, o.outcome, o.observed_at FROM predictions p LEFT JOIN outcomes o"
                        + " ON o.deployment = p.deployment AND o.prediction_id = p.prediction_id"
                        + " WHERE p.deployment = ? AND p.created_at >= ? AND p.created_at < ?")
                .bind(0, deployment).bind(1, toDb(start)).bind(2, toDb(end))
                .setFetchSize(CHUNK)
                .map((rs, ctx) -> {
                    LocalDateTime observed = rs.getObject(7, LocalDateTime.class);
                    return RowFactory.create(rs.getString(1), rs.getString(2),
                            Timestamp.from(fromDb(rs.getObject(3, LocalDateTime.class))), rs.getString(4), rs.getString(5), rs.getString(6),
                            observed == null ? null : Timestamp.from(fromDb(observed)), deployment, day);
                })
                .forEach(row -> {
                    chunk.add(row);
                    rows[0]++;
                    if (chunk.size() == CHUNK) {
                        write(session, chunk, staging);
                    }
                }));
        write(session, chunk, staging);
        return rows[0];
    }

    private static void write(SparkSession session, List<Row> chunk, Path staging) {
        if (!chunk.isEmpty()) {
            session.createDataFrame(chunk, LOG_SCHEMA).write().mode(SaveMode.Append).parquet(staging.toString());
            chunk.clear();
        }
    }

    /**
     * Computes every window of {@code settings}' deployment that starts on the dates from {@code from} to {@code to} from
     * the log rows of those dates in {@code table} (as {@link #export} writes them), and records them: quality from the
     * rows with an outcome, drift from all rows against each instance's reference profile.
     */
    public synchronized Computed compute(MonitoringSettings settings, TableName table, LocalDate from, LocalDate to) {
        checkDates(from, to);
        SparkSession session = session();
        if (!session.catalog().tableExists(table.toString())) {
            throw new CarraraException(io.carrara.spi.error.StandardErrorCode.NOT_FOUND, "table " + table + " does not exist: write the"
                    + " prediction log into it first (carrara monitor export " + settings.deployment() + " --table " + table + ")", "table");
        }
        checkSchema(session, table);
        Dataset<Row> log = session.table(table.toString())
                .where(functions.col("deployment").equalTo(settings.deployment())
                        .and(functions.col("ds").geq(functions.lit(java.sql.Date.valueOf(from))))
                        .and(functions.col("ds").leq(functions.lit(java.sql.Date.valueOf(to)))))
                .select("instance_id", "created_at", "input", "output", "outcome");
        HashMap<String, String> references = new HashMap<>();
        for (Row row : log.select("instance_id").distinct().collectAsList()) {
            String instance = row.getString(0);
            database.jdbi().withHandle(handle -> handle.createQuery("SELECT profile FROM instance_profiles WHERE instance_id = ?")
                    .bind(0, instance).mapTo(String.class).findOne()).ifPresent(profile -> references.put(instance, profile));
        }
        MonitoringTask task = settings.task();
        int windows = 0;
        long rows = 0;
        for (WindowSize size : settings.windows()) {
            long length = size.length().toMillis();
            List<String> results = log.groupByKey((MapFunction<Row, String>) row -> row.getString(0) + "|"
                            + Math.floorDiv(row.getTimestamp(1).getTime(), length) * length, Encoders.STRING())
                    .mapGroups((MapGroupsFunction<String, Row, String>) (key, group) -> window(task, references, key, group),
                            Encoders.STRING())
                    .collectAsList();
            for (String text : results) {
                com.fasterxml.jackson.databind.JsonNode result = RegistryJson.readTree(text);
                UUID instance = UUID.fromString(result.get("instance").asText());
                Instant start = Instant.ofEpochMilli(result.get("start").asLong());
                WindowComputation.Result quality = result(result.get("quality"));
                WindowComputation.Result drift = result(result.get("drift"));
                monitor.recordWindow(settings, instance, size, start, quality);
                monitor.recordWindow(settings, instance, size, start, drift);
                windows += (quality.metrics().isEmpty() ? 0 : 1) + (drift.metrics().isEmpty() ? 0 : 1);
                if (size.equals(settings.primary())) {
                    rows += result.get("rows").asLong();
                }
            }
        }
        return new Computed(windows, rows);
    }

    /** One window's group of log rows, computed on an executor; answers its results as JSON. */
    private static String window(MonitoringTask task, Map<String, String> references, String key, Iterator<Row> group) {
        String instance = key.substring(0, key.indexOf('|'));
        long start = Long.parseLong(key.substring(key.indexOf('|') + 1));
        Optional<io.carrara.monitoring.drift.Profile> reference = Optional.ofNullable(references.get(instance))
                .map(io.carrara.monitoring.drift.ProfileJson::read);
        WindowComputation computation = new WindowComputation(task, reference);
        long rows = 0;
        while (group.hasNext()) {
            Row row = group.next();
            com.fasterxml.jackson.databind.JsonNode output = RegistryJson.readTree(row.getString(3));
            if (!row.isNullAt(4)) {
                computation.addOutcome(output, row.getString(4));
            }
            if (reference.isPresent()) {
                computation.addInput(RegistryJson.readTree(row.getString(2)), output);
            }
            rows++;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("instance", instance);
        result.put("start", start);
        result.put("rows", rows);
        result.put("quality", computation.quality());
        result.put("drift", computation.drift());
        return RegistryJson.write(RegistryJson.mapper().valueToTree(result));
    }

    private static WindowComputation.Result result(com.fasterxml.jackson.databind.JsonNode node) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        node.get("metrics").fields().forEachRemaining(field -> metrics.put(field.getKey(), field.getValue().asDouble()));
        Map<String, String> bands = new LinkedHashMap<>();
        node.get("bands").fields().forEachRemaining(field -> bands.put(field.getKey(), field.getValue().asText()));
        return new WindowComputation.Result(metrics, bands, node.get("rows").asInt(), node.get("skipped").asInt());
    }

    private SparkSession session() {
        // A session of its own (same catalog): its overwrites replace only the partitions written.
        SparkSession session = spark.session().newSession();
        session.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        return session;
    }

    /** A 400 naming {@code to} when the dates are reversed or span more than {@value #MAX_DAYS} days. */
    public static void checkDates(LocalDate from, LocalDate to) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (to.isBefore(from)) {
            throw new CarraraException(INVALID_ARGUMENT, "to (" + to + ") is before from (" + from + ")", "to");
        }
        if (from.plusDays(MAX_DAYS).isBefore(to.plusDays(1))) {
            throw new CarraraException(INVALID_ARGUMENT, "at most " + MAX_DAYS + " days at a time, not " + (to.toEpochDay()
                    - from.toEpochDay() + 1), "to");
        }
    }

    /** Creates the log table when it does not exist, else checks it is one. */
    private static void prepare(SparkSession session, TableName table) {
        table.database().ifPresent(database -> session.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`"));
        if (!session.catalog().tableExists(table.toString())) {
            StructType columns = new StructType();
            for (var field : LOG_SCHEMA.fields()) {
                if (!field.name().equals("deployment") && !field.name().equals("ds")) {
                    columns = columns.add(field.name(), field.dataType(), true);
                }
            }
            session.sql("CREATE TABLE IF NOT EXISTS " + table.sql() + " (" + columns.toDDL() + ", `deployment` STRING, `ds` DATE)"
                    + " USING parquet PARTITIONED BY (`deployment`, `ds`)");
        }
        checkSchema(session, table);
    }

    private static void checkSchema(SparkSession session, TableName table) {
        List<String> problems = SparkTables.differences(LOG_SCHEMA, session.table(table.toString()).schema());
        List<String> partitions = SparkTables.partitionColumns(session, table);
        if (!partitions.equals(List.of("deployment", "ds"))) {
            problems.add("it is partitioned by " + partitions + " instead of [deployment, ds]");
        }
        if (!problems.isEmpty()) {
            throw new CarraraException(CONFLICT, "table " + table + " is not a prediction log table: " + String.join("; ", problems)
                    + ". Give another table (carrara monitor export creates it)", "table");
        }
    }

    private static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            // Scratch space: left for the next cleanup.
        }
    }
}
