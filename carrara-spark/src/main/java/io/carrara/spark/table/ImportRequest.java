package io.carrara.spark.table;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A file to load into a managed table. Without {@code schema}, CSV columns are strings unless
 * {@code inferSchema} asks Spark to infer their types from the data; JSON values keep their own
 * types (numbers, strings, booleans, arrays). {@code schema} is a DDL column list such as
 * {@code "id INT, city STRING, distance DOUBLE"}.
 *
 * @param file the file (or a directory of files of one format)
 * @param table the table to create or fill
 * @param format the file's format
 * @param append add the rows to an existing table instead of replacing the table
 * @param inferSchema infer CSV column types from the data
 * @param schema the columns and their types, overriding inference
 */
public record ImportRequest(Path file, TableName table, FileFormat format, boolean append, boolean inferSchema,
        Optional<String> schema) {
    public ImportRequest {
        requireNonNull(file, "file is null");
        requireNonNull(table, "table is null");
        requireNonNull(format, "format is null");
        requireNonNull(schema, "schema is null");
    }

    /** Replaces {@code table} with the rows of {@code file}, its format from the file name and CSV columns read as strings. */
    public static ImportRequest of(Path file, TableName table) {
        return new ImportRequest(file, table, FileFormat.of(file, "file"), false, false, Optional.empty());
    }

    public ImportRequest withInferSchema(boolean value) {
        return new ImportRequest(file, table, format, append, value, schema);
    }

    public ImportRequest withAppend(boolean value) {
        return new ImportRequest(file, table, format, value, inferSchema, schema);
    }

    public ImportRequest withSchema(String ddl) {
        return new ImportRequest(file, table, format, append, inferSchema, Optional.of(ddl));
    }
}
