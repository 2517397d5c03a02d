package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseEntity;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.api.Page;
import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableDescription;
import io.carrara.api.table.TableSummary;
import io.carrara.batch.TableService;
import io.carrara.server.http.RequestBodies.DataFile;
import io.carrara.server.http.RequestBodies;
import io.carrara.spark.table.ExportResult;
import io.carrara.spark.table.FileFormat;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The table endpoints under {@code /api/v1/tables}: files in, rows out, list and describe; see docs/api.md. */
public final class TableApi {
    private final TableService tables;

    public TableApi(TableService tables) {
        this.tables = requireNonNull(tables, "tables is null");
    }

    @Post("/tables/{table}/import")
    @ProducesJson
    public ResponseEntity<ImportResult> importFile(@Param("table") String table, @Param("format") Optional<String> format,
            @Param("inferSchema") Optional<String> inferSchemaParameter, @Param("schema") Optional<String> schema,
            @Param("append") Optional<String> appendParameter, HttpRequest request) throws IOException {
        boolean inferSchema = ApiParameters.bool(inferSchemaParameter, "inferSchema", false);
        boolean append = ApiParameters.bool(appendParameter, "append", false);
        FileFormat fileFormat = RequestBodies.requireDataFile(request.headers(), format.map(TableApi::format)
                .map(named -> named == FileFormat.CSV ? DataFile.CSV : DataFile.JSON_LINES)) == DataFile.CSV
                ? FileFormat.CSV : FileFormat.JSON_LINES;
        try (InputStream body = request.toInputStream(object -> object instanceof HttpData data ? data : HttpData.empty())) {
            io.carrara.spark.table.ImportResult result = tables.importFile(body, table, fileFormat, inferSchema,
                    schema.filter(value -> !value.isBlank()), append);
            return ResponseEntity.of(ResponseHeaders.of(HttpStatus.CREATED), ApiMapping.importResult(result));
        }
    }

    @Get("/tables")
    @ProducesJson
    public Page<TableSummary> list(@Param("database") Optional<String> database) {
        io.carrara.server.access.Principal caller = io.carrara.server.access.AccessGuard.caller();
        Page<TableSummary> all = ApiMapping.page(tables.list(database.filter(value -> !value.isBlank())),
                ApiMapping::tableSummary);
        // The tables of databases whose project the caller may read (a database is its project's).
        return new Page<>(all.items().stream().filter(table -> caller.roleIn(io.carrara.server.access.RegistryTargets
                .databaseProject(java.util.List.of(table.name().split("\\.", -1)))).isPresent()).toList(), all.nextOffset());
    }

    @Get("/tables/{table}")
    @ProducesJson
    public TableDescription describe(@Param("table") String table, @Param("rows") Optional<String> rows) {
        return ApiMapping.tableDescription(tables.describe(table, ApiParameters.bool(rows, "rows", false)));
    }

    /** The rows, streamed from a staged export that is deleted once sent (or abandoned). */
    @Get("/tables/{table}/rows")
    public HttpResponse rows(@Param("table") String table, @Param("format") @Default("jsonl") String format,
            @Param("where") Optional<String> where) {
        FileFormat fileFormat = format(format);
        ExportResult result = tables.export(table, fileFormat, where.filter(value -> !value.isBlank()));
        Path file = result.output();
        ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.OK)
                .contentType(fileFormat == FileFormat.CSV ? MediaType.CSV_UTF_8 : MediaType.parse("application/x-ndjson"))
                .set("X-Carrara-Rows", Long.toString(result.rows()))
                .build();
        HttpResponse response = HttpResponse.of(headers, StreamMessage.of(file));
        response.whenComplete().handle((ignored, error) -> {
            TableService.deleteQuietly(file);
            return null;
        });
        return response;
    }

    private static FileFormat format(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "csv" -> FileFormat.CSV;
            case "jsonl", "ndjson", "json" -> FileFormat.JSON_LINES;
            default -> throw new CarraraException(INVALID_ARGUMENT, "format must be csv or jsonl, not '" + value + "'", "format");
        };
    }
}
