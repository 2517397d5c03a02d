package io.carrara.server.http;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.UNSUPPORTED_MEDIA_TYPE;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.carrara.spi.error.CarraraException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The body types the endpoints take. A JSON body must say so ({@code Content-Type:
 * application/json}): a browser page on another site can send {@code text/plain} or a form without
 * asking the server first, but not JSON, so a body of another type is refused before it is read.
 * Uploads name their own types (a CSV file, JSON Lines, a ZIP, YAML).
 */
public final class RequestBodies {
    public static final MediaType CSV = MediaType.parse("text/csv");
    public static final MediaType JSON_LINES = MediaType.parse("application/x-ndjson");
    public static final MediaType JSON_LINES_ALIAS = MediaType.parse("application/jsonl");
    public static final MediaType YAML = MediaType.parse("application/yaml");
    public static final MediaType YAML_ALIAS = MediaType.parse("application/x-yaml");
    public static final MediaType YAML_TEXT = MediaType.parse("text/yaml");
    public static final MediaType ZIP = MediaType.parse("application/zip");

    private RequestBodies() {}

    /** Refuses a body that is not declared as JSON ({@code application/json} or {@code application/*+json}). */
    public static void requireJson(RequestHeaders headers) {
        requireNonNull(headers, "headers is null");
        MediaType type = headers.contentType();
        if (type == null || !type.isJson()) {
            throw refused(type, List.of(MediaType.JSON));
        }
    }

    /** Refuses a body whose declared type is none of {@code accepted} (parameters such as charset are ignored). */
    public static MediaType requireType(RequestHeaders headers, MediaType... accepted) {
        requireNonNull(headers, "headers is null");
        MediaType type = headers.contentType();
        if (type != null) {
            for (MediaType candidate : accepted) {
                if (type.is(candidate)) {
                    return candidate;
                }
            }
        }
        throw refused(type, Arrays.asList(accepted));
    }

    /** The kinds of data file the uploads of tables and features take. */
    public enum DataFile { CSV, JSON_LINES }

    /**
     * The kind of a data file upload: {@code named} by the query parameter {@code format}, else told by
     * Content-Type ({@code text/csv}, {@code application/x-ndjson}); {@code application/octet-stream}
     * is accepted only with {@code format}. Any other body type is refused.
     */
    public static DataFile requireDataFile(RequestHeaders headers, Optional<DataFile> named) {
        MediaType sent = requireType(headers, CSV, JSON_LINES, JSON_LINES_ALIAS, MediaType.OCTET_STREAM);
        if (named.isPresent()) {
            return named.get();
        }
        if (sent.equals(MediaType.OCTET_STREAM)) {
            throw new CarraraException(INVALID_ARGUMENT, "the query parameter format is required (csv or jsonl) when the"
                    + " body is application/octet-stream; or send Content-Type text/csv or application/x-ndjson", "format");
        }
        return sent.equals(CSV) ? DataFile.CSV : DataFile.JSON_LINES;
    }

    private static CarraraException refused(MediaType type, List<MediaType> accepted) {
        String names = accepted.stream().map(MediaType::withoutParameters).map(MediaType::toString)
                .collect(Collectors.joining(", "));
        String sent = type == null ? "no Content-Type" : "Content-Type " + type.withoutParameters();
        return new CarraraException(UNSUPPORTED_MEDIA_TYPE, "the request body came with " + sent + "; this endpoint takes "
                + names + " (e.g. curl -H 'Content-Type: " + accepted.get(0).withoutParameters() + "')", "Content-Type");
    }
}
