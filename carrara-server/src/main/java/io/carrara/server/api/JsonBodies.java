package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import io.carrara.api.InvalidWireValue;
import io.carrara.registry.json.RegistryJson;
import io.carrara.server.http.RequestBodies;
import io.carrara.spi.error.CarraraException;
import java.util.stream.Collectors;

/** Reads JSON request bodies, turning Jackson's failures into errors that name the field. */
final class JsonBodies {
    private JsonBodies() {}

    static <T> T read(AggregatedHttpRequest request, Class<T> type) {
        String body = request.contentUtf8();
        if (body.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "a JSON request body is required; see GET /docs/api", "body");
        }
        RequestBodies.requireJson(request.headers());
        try {
            return RegistryJson.mapper().readValue(body, type);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.JsonParseException syntax) {
                // Broken JSON met while mapping (a list cut short): the body's syntax, said without the parser's location dump.
                throw new CarraraException(INVALID_ARGUMENT, "the request body is not valid JSON: " + withoutSource(
                        syntax.getOriginalMessage()), "body");
            }
            // A request record refuses a bad value in its constructor, naming the field; Jackson wraps that refusal.
            CarraraException refusal = refusalIn(e);
            if (refusal != null) {
                throw refusal;
            }
            InvalidWireValue invalid = invalidValueIn(e);
            if (invalid != null) {
                String at = path(e);
                throw new CarraraException(INVALID_ARGUMENT, invalid.getMessage(),
                        at == null ? invalid.field() : at + "." + invalid.field());
            }
            throw mappingError(e);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INVALID_ARGUMENT, "the request body is not valid JSON: " + withoutSource(e.getOriginalMessage()),
                    "body");
        }
    }

    /** A parser message without the source location Jackson appends (which names its own settings). */
    private static String withoutSource(String message) {
        int at = message.indexOf(" (start marker at ");
        if (at < 0) {
            at = message.indexOf(" at [Source:");
        }
        return at < 0 ? message : message.substring(0, at);
    }

    private static CarraraException refusalIn(Throwable error) {
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof CarraraException refusal) {
                return refusal;
            }
        }
        return null;
    }

    /** A carrara-api record's refusal of a value, naming the field inside the record. */
    private static InvalidWireValue invalidValueIn(Throwable error) {
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof InvalidWireValue invalid) {
                return invalid;
            }
        }
        return null;
    }

    private static CarraraException mappingError(JsonMappingException error) {
        String field = path(error);
        if (error instanceof UnrecognizedPropertyException e) {
            return new CarraraException(INVALID_ARGUMENT,
                    "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds().stream()
                            .map(Object::toString).sorted().collect(Collectors.joining(", ")),
                    field);
        }
        if (error instanceof InvalidFormatException e) {
            return new CarraraException(INVALID_ARGUMENT, (field == null ? "" : "field '" + field + "': ") + "'" + e.getValue()
                    + "' is not " + describe(e.getTargetType()), field);
        }
        return new CarraraException(INVALID_ARGUMENT,
                (field == null ? "" : "field '" + field + "': ") + error.getOriginalMessage(), field);
    }

    private static String describe(Class<?> type) {
        if (type == java.time.LocalDate.class) {
            return "a date such as 2026-11-01";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 instant such as 2026-11-01T10:15:30Z";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        return "a valid " + (type == null ? "value" : type.getSimpleName());
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? null : path.replace(".[", "[");
    }
}
