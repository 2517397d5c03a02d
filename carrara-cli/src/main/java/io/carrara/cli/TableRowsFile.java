package io.carrara.cli;

import io.carrara.client.CarraraClient;
import io.carrara.client.TableFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A table's rows (those matching a condition) streamed from the server's catalog into a temporary JSON Lines file, read
 * with the caller's rights on the table, and deleted on close: how commands that take a file also take {@code --table}.
 */
final class TableRowsFile implements AutoCloseable {
    private final Path directory;
    private final Path file;
    private final long rows;

    private TableRowsFile(Path directory, Path file, long rows) {
        this.directory = directory;
        this.file = file;
        this.rows = rows;
    }

    /** Exports {@code table}'s rows matching {@code where} (a Spark SQL condition; all rows when empty). */
    static TableRowsFile export(CarraraClient client, String table, Optional<String> where) {
        Path directory;
        try {
            directory = Files.createTempDirectory("carrara-table-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory for the rows of " + table, e);
        }
        Path file = directory.resolve("rows.jsonl");
        try {
            long rows = client.tables().export(table, TableFormat.JSONL, where, file);
            return new TableRowsFile(directory, file, rows);
        } catch (RuntimeException e) {
            delete(directory, file);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** The rows the server reported, or -1. */
    long rows() {
        return rows;
    }

    @Override
    public void close() {
        delete(directory, file);
    }

    private static void delete(Path directory, Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // A temporary file left behind is the system's to clean; the command's result stands.
        }
    }
}
