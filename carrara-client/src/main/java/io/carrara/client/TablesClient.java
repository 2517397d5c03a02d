package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableDescription;
import io.carrara.api.table.TableSummary;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tables of the server's Spark catalog: import, list, describe, export. Reached through
 * {@link CarraraClient#tables()}.
 */
public final class TablesClient {
    private final Transport transport;

    TablesClient(Transport transport) {
        this.transport = transport;
    }

    // ---- tables

    /**
     * Streams a CSV (with a header row) or JSON Lines file into a Spark table of the server's
     * catalog, creating the table and its database when new and replacing its rows unless
     * {@code append}. {@code inferSchema} asks Spark to infer column types from the data;
     * {@code schema} instead gives them as Spark DDL ({@code city STRING, distance_km DOUBLE}).
     * {@code progress} follows the bytes sent.
     */
    public ImportResult importFile(Path file, String table, TableFormat format, boolean inferSchema,
            Optional<String> schema, boolean append, TransferProgress progress) {
        TableNames.checkTable(table, "table");
        requireNonNull(format, "format is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(progress, "progress is null");
        if (schema.isPresent() && schema.get().isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "schema is empty; give Spark DDL like 'city STRING, distance_km DOUBLE' or leave it out", "schema");
        }
        if (inferSchema && schema.isPresent()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "give either a schema or inferSchema, not both: a schema already says every column's type", "schema");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("format", format.wireName());
        parameters.put("inferSchema", inferSchema);
        parameters.put("schema", schema.orElse(null));
        parameters.put("append", append);
        return transport.uploadFile(file, Transport.withQuery(tablePath(table) + "/import", parameters), format.mediaType(), progress,
                ImportResult.class);
    }

    /** The tables of one database, or of every database when {@code database} is empty. */
    public List<TableSummary> list(Optional<String> database) {
        requireNonNull(database, "database is null");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("database", database.map(name -> TableNames.checkDatabase(name, "database")).orElse(null));
        Page<TableSummary> page = transport.call(transport.request(Transport.withQuery("/api/v1/tables", parameters)).GET(), transport.pageOf(TableSummary.class));
        return page.items();
    }

    /** A table's columns and partitioning, with its row count when {@code countRows} (which reads the whole table). */
    public TableDescription describe(String table, boolean countRows) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("rows", countRows ? "true" : null);
        HttpRequest.Builder request = transport.request(Transport.withQuery(tablePath(table), parameters)).GET();
        if (!countRows) {
            return transport.call(request, transport.type(TableDescription.class));
        }
        // No request timeout: counting takes as long as reading the table.
        return transport.decode(transport.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()), transport.type(TableDescription.class));
    }

    /**
     * Streams a table's rows, those matching {@code where} (a Spark SQL condition such as
     * {@code execution_date = '2026-11-01'}) when given, into {@code output} as CSV with a header row
     * or JSON Lines, and returns the number of rows the server reported ({@value CarraraClient#ROWS_HEADER}), or
     * -1 when it reported none. The rows land in a hidden file beside {@code output} that replaces it
     * only once complete, so a failed export leaves no partial file and an existing one untouched.
     */
    public long export(String table, TableFormat format, Optional<String> where, Path output) {
        TableNames.checkTable(table, "table");
        requireNonNull(format, "format is null");
        requireNonNull(where, "where is null");
        requireNonNull(output, "output is null");
        Path target = output.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    target + " is a directory; pass a file name such as rows." + format.wireName(), "output");
        }
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "directory " + directory + " does not exist; create it or write elsewhere", "output");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("format", format.wireName());
        parameters.put("where", where.filter(condition -> !condition.isBlank()).orElse(null));
        Path temporary;
        try {
            temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".partial");
        } catch (IOException e) {
            throw Transport.localFailure("cannot write in " + directory, e);
        }
        try {
            // No request timeout: the rows stream for as long as the table is big.
            HttpResponse<InputStream> response = transport.send(transport.request(Transport.withQuery(tablePath(table) + "/rows", parameters))
                    .setHeader("Accept", format.mediaType() + ", application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() >= 400) {
                    throw transport.errorOf(response.statusCode(), body.readAllBytes());
                }
                Files.copy(body, temporary, StandardCopyOption.REPLACE_EXISTING);
            }
            long rows = rowsHeader(response);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return rows;
        } catch (IOException e) {
            throw Transport.localFailure("exporting " + table + " to " + target + " failed and wrote nothing", e);
        } finally {
            Transport.deleteQuietly(temporary);
        }
    }

    private static long rowsHeader(HttpResponse<?> response) {
        try {
            return response.headers().firstValueAsLong(CarraraClient.ROWS_HEADER).orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String tablePath(String table) {
        return "/api/v1/tables/" + TableNames.checkTable(table, "table");
    }
}
