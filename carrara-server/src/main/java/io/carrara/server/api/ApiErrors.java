package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INTERNAL_ERROR;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.METHOD_NOT_ALLOWED;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static io.carrara.spi.error.StandardErrorCode.PAYLOAD_TOO_LARGE;
import static io.carrara.spi.error.StandardErrorCode.TIMEOUT;
import static io.carrara.spi.error.StandardErrorCode.UNAVAILABLE;
import static io.carrara.spi.error.StandardErrorCode.UNSUPPORTED_MEDIA_TYPE;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import io.carrara.api.error.ErrorBody;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.ErrorType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into one JSON shape, {@code {"code", "number", "type", "message", "field"}}
 * from a real {@link ErrorCode}, with the status its error type implies. Users never see a stack trace; unexpected failures are logged with the
 * request id that the response carries.
 */
public final class ApiErrors implements ExceptionHandlerFunction, ServerErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    /** The longest message an error body carries; messages quote what was sent, which may be large. */
    public static final int MAX_MESSAGE_CHARS = 2_000;
    private static final int MAX_FIELD_CHARS = 200;
    /** The error code a request was answered with, for the audit trail. */
    public static final io.netty.util.AttributeKey<String> ERROR_CODE = io.netty.util.AttributeKey.valueOf(ApiErrors.class, "code");

    @Override
    public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
        return toResponse(ctx, cause);
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        return toResponse(ctx, cause);
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
            HttpStatus status, String description, Throwable cause) {
        return statusResponse(headers, status, description);
    }

    /** Armeria's own statuses (unknown route, body over the limit, timeouts) in the JSON error shape, each with a real code. */
    private static AggregatedHttpResponse statusResponse(RequestHeaders headers, HttpStatus status, String description) {
        ErrorCode code = switch (status.code()) {
            case 404 -> NOT_FOUND.toErrorCode();
            case 405 -> METHOD_NOT_ALLOWED.toErrorCode();
            case 413 -> PAYLOAD_TOO_LARGE.toErrorCode();
            case 415 -> UNSUPPORTED_MEDIA_TYPE.toErrorCode();
            case 503 -> UNAVAILABLE.toErrorCode();
            case 408, 504 -> TIMEOUT.toErrorCode();
            default -> status.code() >= 500 ? INTERNAL_ERROR.toErrorCode() : INVALID_ARGUMENT.toErrorCode();
        };
        String message = switch (status.code()) {
            case 404 -> "no such endpoint: " + (headers == null ? "" : headers.method() + " " + headers.path())
                    + "; see GET /docs/api";
            case 413 -> "the request is larger than this server accepts; see limits.maxRequestBytes and limits.maxBlobBytes";
            default -> description != null ? description : status.reasonPhrase();
        };
        // The status Armeria chose stands (a 408 stays a 408); the body says which code it is.
        return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body(code, message, null));
    }

    static HttpResponse toResponse(ServiceRequestContext ctx, Throwable cause) {
        Throwable error = unwrap(cause);
        // A read that could not reach the database is as unavailable as a write: 503, not a 500.
        java.util.Optional<CarraraException> unavailable = RegistryDatabase.unavailable(error);
        if (unavailable.isPresent()) {
            error = unavailable.get();
        }
        if (error instanceof CarraraException carrara) {
            ErrorType type = carrara.errorCode().type();
            if (type == ErrorType.INTERNAL) {
                log.error("request {} failed: {}", ctx == null ? "-" : ctx.id(), carrara.getMessage(), carrara);
            }
            if (ctx != null) {
                ctx.setAttr(ERROR_CODE, carrara.errorCode().name());
            }
            return json(carrara.errorCode(), carrara.getMessage(), carrara.field().orElse(null));
        }
        if (error instanceof com.linecorp.armeria.server.HttpStatusException status) {
            // Armeria's own refusals (e.g. a body over maxRequestLength) in our error shape.
            return statusResponse(null, status.httpStatus(), null).toHttpResponse();
        }
        if (error instanceof IllegalArgumentException) {
            // Armeria raises this when a path or query parameter does not convert to its declared type.
            return json(INVALID_ARGUMENT.toErrorCode(), String.valueOf(error.getMessage()), null);
        }
        if (error instanceof com.linecorp.armeria.common.ContentTooLargeException) {
            return json(PAYLOAD_TOO_LARGE.toErrorCode(), "the request is larger than this server accepts; see limits.maxRequestBytes",
                    null);
        }
        if (error instanceof com.linecorp.armeria.server.RequestTimeoutException) {
            return json(TIMEOUT.toErrorCode(), "the request took too long; try again", null);
        }
        String requestId = ctx == null ? "-" : ctx.id().text();
        log.error("request {} failed unexpectedly", requestId, error);
        return json(INTERNAL_ERROR.toErrorCode(), "internal error (request " + requestId + "); the server log has the details",
                null);
    }

    /** An error answer: the status its code's type implies, and the body of {@link #body}. */
    static HttpResponse json(ErrorCode code, String message, String field) {
        return HttpResponse.of(ResponseHeaders.of(HttpStatus.valueOf(code.type().httpStatus()),
                com.linecorp.armeria.common.HttpHeaderNames.CONTENT_TYPE, MediaType.JSON_UTF_8),
                com.linecorp.armeria.common.HttpData.ofUtf8(body(code, message, field)));
    }

    /**
     * The error body every endpoint answers with: {@code {"code": "ROW_INVALID", "number": 131077,
     * "type": "INVALID_INPUT", "message": "…", "field": "…" | null}} (docs/api.md#errors).
     */
    public static String body(ErrorCode code, String message, String field) {
        ErrorBody body = new ErrorBody(code.name(), code.code(), code.type().name(),
                String.valueOf(bounded(message, MAX_MESSAGE_CHARS)), field == null ? null : bounded(field, MAX_FIELD_CHARS), null);
        try {
            return RegistryJson.mapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
    }

    /** Writes a code's identity into an error object: its name, number and type. */
    public static void put(ObjectNode error, ErrorCode code) {
        error.put("code", code.name());
        error.put("number", code.code());
        error.put("type", code.type().name());
    }

    /** {@code text} cut to {@code max} characters, so that an error body stays small whatever a request held. */
    public static String bounded(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "… (cut)";
    }

    private static Throwable unwrap(Throwable cause) {
        Throwable current = cause;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current instanceof java.io.UncheckedIOException && current.getCause() instanceof CarraraException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        // Jdbi wraps exceptions thrown inside transaction callbacks in its own types.
        for (Throwable t = current; t != null; t = t.getCause()) {
            if (t instanceof CarraraException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return current;
    }
}
