package io.carrara.batch;

import static java.util.Objects.requireNonNull;

import io.carrara.spark.table.ExportRequest;
import io.carrara.spark.table.ExportResult;
import io.carrara.spark.table.FileFormat;
import io.carrara.spark.table.ImportRequest;
import io.carrara.spark.table.ImportResult;
import io.carrara.spark.table.SparkTables;
import io.carrara.spark.table.TableDescription;
import io.carrara.spark.table.TableName;
import io.carrara.spark.table.TableSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Tables of the server's Spark catalog: files in, rows out, listing and description. Uploaded and
 * exported files pass through a scratch directory, deleted once Spark has read or the caller has
 * sent them.
 */
public final class TableService {
    private final SparkRuntime spark;
    private final Path scratch;

    /**
     * @param spark the server's Spark session
     * @param scratch where uploads and exports are staged, e.g. {@code <home>/spark/scratch}
     */
    public TableService(SparkRuntime spark, Path scratch) {
        this.spark = requireNonNull(spark, "spark is null");
        this.scratch = requireNonNull(scratch, "scratch is null");
        removeLeftovers();
    }

    /** Removes uploads and exports a crash left in the scratch directory, which only this server uses. */
    private void removeLeftovers() {
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(scratch)) {
            files.filter(file -> file.getFileName().toString().startsWith("table-")).forEach(TableService::deleteQuietly);
        } catch (IOException e) {
            // Scratch files are only disk space: the server works without removing them.
        }
    }

    /** Stores {@code body} (a CSV file with a header row, or JSON Lines) and loads it into {@code table}. */
    public ImportResult importFile(InputStream body, String table, FileFormat format, boolean inferSchema,
            Optional<String> schema, boolean append) {
        requireNonNull(body, "body is null");
        TableName name = TableName.parse(table, "table");
        Path file = stage(format);
        try {
            Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
            ImportRequest request = new ImportRequest(file, name, format, append, inferSchema, schema);
            return new SparkTables(spark.session(), spark.policy()).importFile(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded file under " + scratch, e);
        } finally {
            deleteQuietly(file);
        }
    }

    public List<TableSummary> list(Optional<String> database) {
        return new SparkTables(spark.session(), spark.policy()).list(database);
    }

    public TableDescription describe(String table, boolean countRows) {
        return new SparkTables(spark.session(), spark.policy()).describe(TableName.parse(table, "table"), countRows);
    }

    /**
     * Writes the rows of {@code table} matching {@code where} to a scratch file; the caller sends it
     * and deletes it ({@link ExportResult#output()}).
     */
    public ExportResult export(String table, FileFormat format, Optional<String> where) {
        TableName name = TableName.parse(table, "table");
        Path file = stage(format);
        try {
            return new SparkTables(spark.session(), spark.policy()).export(new ExportRequest(name, where, file, format));
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    private Path stage(FileFormat format) {
        try {
            Files.createDirectories(scratch);
            return Files.createTempFile(scratch, "table-", format == FileFormat.CSV ? ".csv" : ".jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a file under " + scratch, e);
        }
    }

    /** Removes a file this service staged, ignoring one already gone. */
    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Scratch files are only disk space; the next server start does not need them.
        }
    }
}
