package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.SparkFailures;
import io.carrara.spark.sql.SqlPolicy;
import io.carrara.spi.error.CarraraException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Table;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Gets data in and out of the catalog without other tools: import a CSV or JSON Lines file into a
 * managed Parquet table, export a table (or the rows a condition selects) to one local file,
 * list and describe tables.
 * <pre>{@code
 * SparkTables tables = new SparkTables(spark);
 * tables.importFile(ImportRequest.of(Path.of("trips.csv"), TableName.parse("ml.trips", "table")).withInferSchema(true));
 * tables.export(ExportRequest.of(TableName.parse("ml.trip_predictions", "table"), Path.of("out.jsonl")));
 * }</pre>
 * Exports stream the rows to the driver one partition at a time ({@code toLocalIterator}), so a
 * table larger than the driver's memory can be exported; each line is written by Spark's own JSON
 * or CSV writer, so a file exported here imports back to the same values.
 */
public final class SparkTables {
    /** Microseconds, as Spark stores timestamps: the writers' default keeps milliseconds only. */
    private static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
    private static final Map<String, String> JSON_OPTIONS = Map.of("ignoreNullFields", "false", "timestampFormat", TIMESTAMP_FORMAT);
    private static final Map<String, String> CSV_OPTIONS = Map.of("timestampFormat", TIMESTAMP_FORMAT);

    private final SparkSession spark;
    private final SqlPolicy policy;

    /** Tables of {@code spark}'s catalog, any of them readable; conditions held to {@link SqlPolicy}'s accepted SQL. */
    public SparkTables(SparkSession spark) {
        this(spark, SqlPolicy.of(Optional.empty()));
    }

    /** Tables of {@code spark}'s catalog, read and filtered as {@code policy} accepts. */
    public SparkTables(SparkSession spark, SqlPolicy policy) {
        this.spark = requireNonNull(spark, "spark is null");
        this.policy = requireNonNull(policy, "policy is null");
    }

    /** Loads the file into the table, creating the table's database if needed. */
    public ImportResult importFile(ImportRequest request) {
        requireNonNull(request, "request is null");
        if (!Files.exists(request.file())) {
            throw new CarraraException(SparkErrorCode.FILE_UNREADABLE, "file " + request.file() + " does not exist", "file");
        }
        try {
            if (Files.size(request.file()) == 0) {
                throw new CarraraException(SparkErrorCode.FILE_UNREADABLE, "the file is empty; a CSV file needs a header row"
                        + " and JSON Lines one object per line", "file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file to import", e);
        }
        String table = request.table().toString();
        DataFrameReader reader = spark.read().option("mode", "FAILFAST");
        try {
            request.schema().ifPresent(reader::schema);
        } catch (Exception e) {
            // Spark's ParseException is a checked exception in Java's eyes: catch it by its supertype.
            throw new CarraraException(SparkErrorCode.FILE_UNREADABLE, "schema '" + request.schema().orElseThrow() + "' is not a"
                    + " column list: " + firstLine(e.getMessage()) + "; write it as NAME TYPE, ..., e.g. id INT, city STRING", "schema", e);
        }
        String path = request.file().toAbsolutePath().toString();
        try {
            Dataset<Row> rows = switch (request.format()) {
                case CSV -> reader.option("header", "true")
                        .option("inferSchema", Boolean.toString(request.inferSchema() && request.schema().isEmpty()))
                        .csv(path);
                case JSON_LINES -> reader.json(path);
            };
            if (rows.schema().fields().length == 0) {
                throw new CarraraException(SparkErrorCode.FILE_UNREADABLE, "the file has no columns: a CSV file needs a header"
                        + " row naming them, JSON Lines objects with fields", "file");
            }
            request.table().database().ifPresent(this::createDatabase);
            long before = request.append() && spark.catalog().tableExists(table)
                    ? policy.checkRows(spark.table(table), "table").count() : 0;
            rows.write().mode(request.append() ? SaveMode.Append : SaveMode.Overwrite).format("parquet").saveAsTable(table);
            long after = spark.table(table).count();
            return new ImportResult(request.table(), after - before, after, columns(request.table()));
        } catch (Exception e) {
            Optional<SparkThrowable> malformed = cause(e, SparkThrowable.class)
                    .filter(error -> error.getCondition() != null && error.getCondition().startsWith("MALFORMED_RECORD"));
            if (malformed.isPresent()) {
                throw new CarraraException(SparkErrorCode.FILE_UNREADABLE, "cannot import the file: "
                        + firstLine(((Throwable) malformed.get()).getMessage()) + "; fix the file, or give a schema that fits it"
                        + " (without schema inference every CSV column is read as a string)", "file", e);
            }
            throw explain(e, "table", "importing the file");
        }
    }

    /** Writes the table's rows, filtered by the request's condition, to one file; replaces the file only once all is written. */
    public ExportResult export(ExportRequest request) {
        requireNonNull(request, "request is null");
        Dataset<Row> rows = table(request.table());
        // A condition is user SQL, checked before anything runs; so is a view read by name, whose body runs on export.
        rows = request.where().isPresent() ? policy.where(rows, request.where().get(), "where") : policy.checkRows(rows, "table");
        Column[] columns = columns(rows.schema(), request.format());
        Dataset<String> lines = switch (request.format()) {
            case JSON_LINES -> rows.select(functions.to_json(functions.struct(columns), JSON_OPTIONS)).as(org.apache.spark.sql.Encoders.STRING());
            case CSV -> rows.select(functions.to_csv(functions.struct(columns), CSV_OPTIONS)).as(org.apache.spark.sql.Encoders.STRING());
        };
        Path output = request.output().toAbsolutePath();
        long count = 0;
        try {
            Files.createDirectories(output.getParent());
            Path partial = Files.createTempFile(output.getParent(), output.getFileName().toString(), ".partial");
            try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                if (request.format() == FileFormat.CSV) {
                    writer.write(csvHeader(rows.schema()));
                    writer.newLine();
                }
                for (Iterator<String> iterator = lines.toLocalIterator(); iterator.hasNext(); count++) {
                    writer.write(iterator.next());
                    writer.newLine();
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output, e);
        }
        return new ExportResult(request.table(), output, count);
    }

    /** The tables of {@code database}, or of every database when empty, sorted by name. */
    public List<TableSummary> list(Optional<String> database) {
        requireNonNull(database, "database is null");
        List<String> databases = new ArrayList<>();
        if (database.isPresent()) {
            if (!spark.catalog().databaseExists(database.get())) {
                throw new CarraraException(SparkErrorCode.TABLE_NOT_FOUND, "database " + database.get() + " does not exist;"
                        + " list all tables to see the databases", "database");
            }
            databases.add(database.get());
        } else {
            spark.catalog().listDatabases().collectAsList().forEach(found -> databases.add(found.name()));
        }
        List<TableSummary> tables = new ArrayList<>();
        try {
            for (String name : databases.stream().sorted().toList()) {
                for (Table table : spark.catalog().listTables(name).collectAsList()) {
                    if (!table.isTemporary()) {
                        tables.add(new TableSummary(new TableName(Optional.of(name), table.name()), table.tableType()));
                    }
                }
            }
        } catch (Exception e) {
            throw explain(e, "database", "listing tables");
        }
        return tables;
    }

    /** The table's columns and partitioning, and its row count when {@code countRows}. */
    public TableDescription describe(TableName name, boolean countRows) {
        requireNonNull(name, "name is null");
        Dataset<Row> rows = table(name);
        String type;
        try {
            type = spark.catalog().getTable(name.toString()).tableType();
        } catch (Exception e) {
            throw explain(e, "table", "table " + name);
        }
        return new TableDescription(name, type, columns(name),
                countRows ? OptionalLong.of(policy.checkRows(rows, "table").count()) : OptionalLong.empty());
    }

    /** The table's columns, in order, with their partitioning. */
    public List<TableColumn> columns(TableName name) {
        List<TableColumn> columns = new ArrayList<>();
        try {
            for (org.apache.spark.sql.catalog.Column column : spark.catalog().listColumns(name.toString()).collectAsList()) {
                columns.add(new TableColumn(column.name(), column.dataType(), column.nullable(), column.isPartition()));
            }
        } catch (Exception e) {
            throw explain(e, "table", "table " + name);
        }
        return columns;
    }

    /** The partition columns of an existing table, in order. */
    public static List<String> partitionColumns(SparkSession spark, TableName table) {
        return new SparkTables(spark).columns(table).stream().filter(TableColumn::partition).map(TableColumn::name).toList();
    }

    /**
     * How {@code existing} differs from {@code expected}: columns missing or extra, or of another
     * type. Names compare as Spark does, ignoring case; nullability and column order are ignored.
     */
    public static List<String> differences(StructType expected, StructType existing) {
        Map<String, StructField> have = new LinkedHashMap<>();
        for (StructField field : existing.fields()) {
            have.put(field.name().toLowerCase(Locale.ROOT), field);
        }
        List<String> problems = new ArrayList<>();
        for (StructField field : expected.fields()) {
            StructField found = have.remove(field.name().toLowerCase(Locale.ROOT));
            if (found == null) {
                problems.add("it has no column " + field.name() + " " + field.dataType().catalogString());
            } else if (!found.dataType().catalogString().equals(field.dataType().catalogString())) {
                problems.add("its column " + field.name() + " is " + found.dataType().catalogString() + ", not "
                        + field.dataType().catalogString());
            }
        }
        have.values().forEach(field -> problems.add("it has a column " + field.name() + " the job does not write"));
        return problems;
    }

    /** {@link SparkFailures#explain}, for the callers that know it here. */
    public static RuntimeException explain(Exception e, String field, String what) {
        return SparkFailures.explain(e, field, what);
    }

    private Dataset<Row> table(TableName name) {
        try {
            return spark.table(name.toString());
        } catch (Exception e) {
            throw explain(e, "table", "table " + name);
        }
    }

    private void createDatabase(String database) {
        spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    }

    /** The columns to write: for CSV, arrays, maps and structs as JSON text, which CSV cannot hold otherwise. */
    private static Column[] columns(StructType schema, FileFormat format) {
        List<Column> columns = new ArrayList<>();
        for (StructField field : schema.fields()) {
            Column column = functions.col("`" + field.name().replace("`", "``") + "`");
            boolean nested = field.dataType() instanceof ArrayType || field.dataType() instanceof MapType
                    || field.dataType() instanceof StructType;
            columns.add(format == FileFormat.CSV && nested ? functions.to_json(column, JSON_OPTIONS).as(field.name()) : column);
        }
        return columns.toArray(Column[]::new);
    }

    /** The header line, quoted by the same CSV writer as the rows. */
    private String csvHeader(StructType schema) {
        List<Column> names = new ArrayList<>();
        for (int i = 0; i < schema.fields().length; i++) {
            names.add(functions.lit(schema.fields()[i].name()).as("c" + i));
        }
        return spark.range(1).select(functions.to_csv(functions.struct(names.toArray(Column[]::new)), Map.of()))
                .first().getString(0);
    }

    private static <T> Optional<T> cause(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                Optional<T> deeper = cause.getCause() == null ? Optional.empty() : cause(cause.getCause(), type);
                return deeper.isPresent() ? deeper : Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String message) {
        return SparkFailures.firstLine(message);
    }
}
