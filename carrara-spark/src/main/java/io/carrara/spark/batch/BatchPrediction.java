package io.carrara.spark.batch;

import static io.carrara.spark.batch.BatchScoringFunction.ERROR;
import static io.carrara.spark.batch.BatchScoringFunction.ERROR_COLUMN;
import static io.carrara.spark.batch.BatchScoringFunction.FAILED;
import static io.carrara.spark.batch.BatchScoringFunction.SCORED;
import static io.carrara.spark.batch.BatchScoringFunction.SKIPPED;
import static io.carrara.spark.batch.BatchScoringFunction.STATUS;
import static java.util.Objects.requireNonNull;

import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.sql.SqlPolicy;
import io.carrara.spark.table.SparkTables;
import io.carrara.spark.table.TableName;
import io.carrara.python.PythonSettings;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.carrara.spi.model.ArtifactFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A batch prediction over Spark SQL: the rows of a query, scored inside {@code mapPartitions} by
 * the online server's scorer (carrara-pipeline for a Spark pipeline, the model's Python workers for
 * a Python model), written to the execution date's partition of the output table.
 * <pre>{@code
 * BatchResult result = BatchPrediction.run(spark, new BatchRequest(
 *         "SELECT * FROM ml.trips WHERE ds = '2026-11-01'", TableName.parse("ml.trip_predictions", "output"),
 *         LocalDate.parse("2026-11-01"), ModelRef.parse("rides/eta", "model"), instanceId, modelDirectory, List.of()));
 * }</pre>
 *
 * <p>The output table holds the query's columns, every column the pipeline adds (or those
 * {@code columns} keeps; vectors as {@code array<double>}), {@code model_name},
 * {@code model_instance} and {@code scored_at}, partitioned by {@code execution_date}. Rows the
 * model skips or rejects go to {@code <output>_errors}: the query's columns, {@code error},
 * {@code error_column}, {@code status} ({@code failed} or {@code skipped}) and the model columns,
 * partitioned alike. A run replaces exactly its date's partition of both tables (empty when it has
 * no rows for one), so a retry or a backfill with another instance never duplicates rows and
 * leaves other dates alone. Tables and their database are created on first use, as Parquet.
 *
 * <p>The scored rows are persisted (memory, spilling to disk) between counting and the two writes,
 * so each row is scored once and the counts are exact. The job runs in a new session of the
 * caller's (same catalog, cache and Spark settings) whose overwrites are dynamic: the query sees
 * tables and global temporary views, not the caller's session-scoped temporary views. The
 * caller's session has both tables refreshed afterwards.
 */
public final class BatchPrediction {
    public static final String MODEL_NAME = "model_name";
    public static final String MODEL_INSTANCE = "model_instance";
    public static final String SCORED_AT = "scored_at";
    public static final String EXECUTION_DATE = "execution_date";
    private static final List<String> RESERVED = List.of(MODEL_NAME, MODEL_INSTANCE, SCORED_AT, EXECUTION_DATE, STATUS, ERROR,
            ERROR_COLUMN);

    private BatchPrediction() {
    }

    /**
     * The scored rows are cached once and read twice (the output's rows and the errors'); compressing the cache's
     * columns, Spark's default, cost more than reading them saved (docs/benchmarks.md). Spark's own setting wins
     * when one is given.
     */
    static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

    /** Runs {@code request} with the query held to {@link SqlPolicy}'s accepted SQL, any table of the catalog allowed. */
    public static BatchResult run(SparkSession session, BatchRequest request) {
        return run(session, request, SqlPolicy.of(Optional.empty()));
    }

    /** Runs {@code request} (a Spark pipeline's), its query checked by {@code policy} before anything runs. */
    public static BatchResult run(SparkSession session, BatchRequest request, SqlPolicy policy) {
        return run(session, request, policy, Optional.empty());
    }

    /**
     * Runs {@code request}, its query checked by {@code policy} before anything runs; a Python model
     * builds (or reuses) its environment under {@code python}'s environments folder on every executor
     * and scores in its workers, {@code python.sparkBatchSize()} rows a call.
     */
    public static BatchResult run(SparkSession session, BatchRequest request, SqlPolicy policy, PythonSettings python) {
        return run(session, request, policy, Optional.of(requireNonNull(python, "python is null")));
    }

    private static BatchResult run(SparkSession session, BatchRequest request, SqlPolicy policy, Optional<PythonSettings> python) {
        requireNonNull(policy, "policy is null");
        return run(session, request, python, spark -> {
            // A new session takes its settings from the Spark context, not from the caller's session.
            SparkSettings.SQL_GUARDS.forEach(spark.conf()::set);
            return policy.query(spark, request.query(), "query");
        });
    }

    /**
     * Runs {@code request} with the query as its operator gave it to the job jar (BatchJob), which
     * may read files and call the cluster's functions: whoever runs spark-submit runs code on the
     * cluster already. Not for SQL that comes from the server's users.
     */
    static BatchResult runOperatorQuery(SparkSession session, BatchRequest request) {
        return run(session, request, Optional.empty(), spark -> operatorQuery(spark, request.query()));
    }

    private static BatchResult run(SparkSession session, BatchRequest request, Optional<PythonSettings> python,
            Function<SparkSession, Dataset<Row>> query) {
        requireNonNull(session, "session is null");
        requireNonNull(request, "request is null");
        // Tables store microseconds: the result reports the instant the rows hold.
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // A session of its own (same catalog and cache) whose overwrites replace only the partitions
        // written: Spark takes the mode from the session, not from insertInto's options.
        SparkSession spark = session.newSession();
        spark.conf().set("spark.sql.sources.partitionOverwriteMode", "dynamic");
        if (!spark.sparkContext().conf().contains(CACHE_COMPRESSED)) {
            spark.conf().set(CACHE_COMPRESSED, "false");
        }
        Dataset<Row> input = query.apply(spark);
        List<String> inputColumns = List.of(input.schema().fieldNames());
        checkColumnNames(inputColumns);
        BatchScorer function = scorer(request, python, input);
        List<String> addedColumns = function.addedColumns();
        checkAddedColumns(inputColumns, addedColumns);

        Dataset<Row> scored = input.mapPartitions(function, Encoders.row(function.outputSchema()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<String, Long> counts = new HashMap<>();
            for (Row row : scored.groupBy(STATUS).count().collectAsList()) {
                counts.put(row.getString(0), row.getLong(1));
            }
            long rowsScored = counts.getOrDefault(SCORED, 0L);
            long rowsSkipped = counts.getOrDefault(SKIPPED, 0L);
            long rowsFailed = counts.getOrDefault(FAILED, 0L);

            List<Column> modelColumns = List.of(
                    functions.lit(request.model().toString()).as(MODEL_NAME),
                    functions.lit(request.instance().toString()).as(MODEL_INSTANCE),
                    functions.lit(started).cast(DataTypes.TimestampType).as(SCORED_AT),
                    functions.lit(request.executionDate()).cast(DataTypes.DateType).as(EXECUTION_DATE));
            List<Column> outputColumns = new ArrayList<>(columns(inputColumns));
            outputColumns.addAll(columns(addedColumns));
            outputColumns.addAll(modelColumns);
            List<Column> errorColumns = new ArrayList<>(columns(inputColumns));
            errorColumns.addAll(columns(List.of(ERROR, ERROR_COLUMN, STATUS)));
            errorColumns.addAll(modelColumns);
            Dataset<Row> output = scored.where(functions.col(STATUS).equalTo(SCORED)).select(outputColumns.toArray(Column[]::new));
            Dataset<Row> errors = scored.where(functions.col(STATUS).notEqual(SCORED)).select(errorColumns.toArray(Column[]::new));

            TableName errorsTable = request.errorsTable();
            writePartition(spark, request.output(), output, request.executionDate(), rowsScored);
            writePartition(spark, errorsTable, errors, request.executionDate(), rowsSkipped + rowsFailed);
            // The caller's session caches the tables' file listings; it must see the files just written.
            session.catalog().refreshTable(request.output().toString());
            session.catalog().refreshTable(errorsTable.toString());
            return new BatchResult(request.output(), errorsTable, request.executionDate(), request.model().toString(),
                    request.instance(), rowsScored + rowsSkipped + rowsFailed, rowsScored, rowsSkipped, rowsFailed,
                    countPartition(spark, request.output(), request.executionDate()),
                    countPartition(spark, errorsTable, request.executionDate()), started,
                    Duration.between(started, Instant.now()));
        } finally {
            scored.unpersist();
        }
    }

    /** The Spark pipeline's scorer, or the Python model's: either checks the query's columns on the driver, before any task. */
    private static BatchScorer scorer(BatchRequest request, Optional<PythonSettings> python, Dataset<Row> input) {
        if (request.format() == ArtifactFormat.PYTHON) {
            PythonSettings settings = python.orElseThrow(() -> new CarraraException(StandardErrorCode.INVALID_ARGUMENT,
                    "instance " + request.instance() + " is a Python model, and this batch runner was started without the"
                    + " Python runtime's settings; run it through the Carrara server, which builds the model's environment",
                    "instance"));
            return PythonScoringFunction.create(request.modelDirectory(), input.schema(), request.columns(), settings,
                    request.validate());
        }
        return BatchScoringFunction.create(request.modelDirectory(), input.schema(), request.columns());
    }

    /**
     * Runs the operator's query as a subquery, so that only a query is accepted (a statement such
     * as {@code DROP TABLE} does not parse there) and nothing is executed before scoring.
     */
    private static Dataset<Row> operatorQuery(SparkSession spark, String query) {
        String trimmed = query.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        try {
            return spark.sql("SELECT * FROM (\n" + trimmed + "\n)");
        } catch (Exception e) {
            throw SparkTables.explain(e, "query", "the query");
        }
    }

    private static void checkColumnNames(List<String> inputColumns) {
        Set<String> seen = new HashSet<>();
        for (String name : inputColumns) {
            String key = name.toLowerCase(Locale.ROOT);
            if (!seen.add(key)) {
                throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "the query gives two columns named '" + name
                        + "'; give one of them another name with AS", "query");
            }
            if (RESERVED.contains(key)) {
                throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "the query's column '" + name + "' has the name of a"
                        + " column the batch job writes (" + String.join(", ", RESERVED) + "); rename it with AS, e.g. "
                        + name + " AS source_" + name, "query");
            }
        }
    }

    private static void checkAddedColumns(List<String> inputColumns, List<String> addedColumns) {
        Set<String> taken = new HashSet<>(RESERVED);
        inputColumns.forEach(name -> taken.add(name.toLowerCase(Locale.ROOT)));
        for (String name : addedColumns) {
            if (!taken.add(name.toLowerCase(Locale.ROOT))) {
                throw new CarraraException(SparkErrorCode.QUERY_COLUMNS, "the model adds a column '" + name + "', a name the"
                        + " output table already has; leave it out with columns, or rename the query's column", "columns");
            }
        }
    }

    private static List<Column> columns(List<String> names) {
        return names.stream().map(name -> functions.col("`" + name.replace("`", "``") + "`")).toList();
    }

    /** Replaces the {@code date} partition of {@code table} (created if missing) with {@code rows}. */
    private static void writePartition(SparkSession spark, TableName table, Dataset<Row> rows, LocalDate date, long count) {
        StructType tableSchema = prepareTable(spark, table, rows.schema());
        if (count == 0) {
            // Dynamic overwrite only replaces partitions that receive rows: an empty result must drop the old one.
            spark.sql("ALTER TABLE " + table.sql() + " DROP IF EXISTS PARTITION (" + EXECUTION_DATE + " = DATE'" + date + "')");
            return;
        }
        rows.select(columns(List.of(tableSchema.fieldNames())).toArray(Column[]::new))
                .write()
                .mode(SaveMode.Overwrite)
                .insertInto(table.toString());
    }

    /** Creates {@code table} for {@code schema} if it does not exist, else checks it fits; returns the table's schema. */
    private static StructType prepareTable(SparkSession spark, TableName table, StructType schema) {
        table.database().ifPresent(database -> spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`"));
        if (!spark.catalog().tableExists(table.toString())) {
            StructType columns = new StructType();
            for (StructField field : schema.fields()) {
                if (!field.name().equals(EXECUTION_DATE)) {
                    columns = columns.add(field.name(), field.dataType(), true);
                }
            }
            spark.sql("CREATE TABLE IF NOT EXISTS " + table.sql() + " (" + columns.toDDL() + ", `" + EXECUTION_DATE + "` DATE)"
                    + " USING parquet PARTITIONED BY (`" + EXECUTION_DATE + "`)");
        }
        StructType existing = spark.table(table.toString()).schema();
        List<String> partitions = SparkTables.partitionColumns(spark, table);
        List<String> problems = SparkTables.differences(schema, existing);
        if (!partitions.equals(List.of(EXECUTION_DATE))) {
            problems.add("it is partitioned by " + partitions + " instead of [" + EXECUTION_DATE + "]");
        }
        if (!problems.isEmpty()) {
            throw new CarraraException(SparkErrorCode.TABLE_INCOMPATIBLE, "table " + table + " exists and does not fit this job's"
                    + " rows: " + String.join("; ", problems) + ". Write to another output table, or drop " + table
                    + " if its data is no longer needed", "output");
        }
        return existing;
    }

    private static long countPartition(SparkSession spark, TableName table, LocalDate date) {
        return spark.table(table.toString()).where(functions.col(EXECUTION_DATE).equalTo(functions.lit(date))).count();
    }
}
