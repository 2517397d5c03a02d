package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.carrara.server.api.RowErrorJson;
import io.carrara.server.http.RequestBodies;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.predict.ModelStatus;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol's REST endpoints under {@code /v2}: health, server and model
 * metadata, and inference. Failures answer {@code {"error": "..."}} with 400, 404 or 503, as the
 * protocol prescribes, with Carrara's error identity beside it, and for a batch whose rows failed to
 * score, {@code "rows"}: each reported row's own error ({@code row} and the row error's identity,
 * see {@link RowErrorJson}); see docs/api.md.
 */
public final class OpenInferenceRestApi {
    private final InferenceProtocol protocol;
    private final java.util.function.Predicate<String> visible;

    public OpenInferenceRestApi(InferenceProtocol protocol) {
        this(protocol, name -> true);
    }

    /** @param visible whether the caller of the current request may see a model (a deployment) in the list */
    public OpenInferenceRestApi(InferenceProtocol protocol, java.util.function.Predicate<String> visible) {
        this.protocol = requireNonNull(protocol, "protocol is null");
        this.visible = requireNonNull(visible, "visible is null");
    }

    @Blocking
    @Get("/v2/health/live")
    public HttpResponse live() {
        boolean live = protocol.live();
        return json(live ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, JsonTensors.MAPPER.createObjectNode().put("live", live));
    }

    /** Ready when every deployment is; otherwise 503 naming those that are not, with their reasons. */
    @Blocking
    @Get("/v2/health/ready")
    public HttpResponse ready() {
        if (protocol.ready()) {
            return json(HttpStatus.OK, JsonTensors.MAPPER.createObjectNode().put("ready", true));
        }
        List<String> notReady = new ArrayList<>();
        for (String model : protocol.models()) {
            try {
                ModelStatus status = protocol.status(model, Optional.empty());
                if (!status.ready()) {
                    notReady.add(model + " (" + status.reason().orElse("loading") + ")");
                }
            } catch (CarraraException e) {
                // Undeployed between the two calls: no longer a reason to be unready.
            }
        }
        return json(HttpStatus.SERVICE_UNAVAILABLE, JsonTensors.error(StandardErrorCode.UNAVAILABLE.toErrorCode(),
                "the server is not ready" + (notReady.isEmpty() ? "" : ": models not ready: " + String.join("; ", notReady)),
                null).put("ready", false));
    }

    @Blocking
    @Get("/v2")
    public HttpResponse serverMetadata() {
        ObjectNode root = JsonTensors.MAPPER.createObjectNode();
        root.put("name", InferenceProtocol.SERVER_NAME);
        root.put("version", protocol.serverVersion());
        root.putArray("extensions");
        return json(HttpStatus.OK, root);
    }

    @Blocking
    @Get("/v2/models")
    public HttpResponse models() {
        ObjectNode root = JsonTensors.MAPPER.createObjectNode();
        ArrayNode models = root.putArray("models");
        protocol.models().stream().filter(visible).forEach(models::add);
        return json(HttpStatus.OK, root);
    }

    @Blocking
    @Get("/v2/models/{name}")
    public HttpResponse modelMetadata(@Param("name") String name) {
        return json(HttpStatus.OK, JsonTensors.metadata(protocol.metadata(name, Optional.empty())));
    }

    @Blocking
    @Get("/v2/models/{name}/versions/{version}")
    public HttpResponse modelMetadata(@Param("name") String name, @Param("version") String version) {
        return json(HttpStatus.OK, JsonTensors.metadata(protocol.metadata(name, Optional.of(version))));
    }

    @Blocking
    @Get("/v2/models/{name}/ready")
    public HttpResponse modelReady(@Param("name") String name) {
        return modelReady(protocol.status(name, Optional.empty()));
    }

    @Blocking
    @Get("/v2/models/{name}/versions/{version}/ready")
    public HttpResponse modelReady(@Param("name") String name, @Param("version") String version) {
        return modelReady(protocol.status(name, Optional.of(version)));
    }

    private static HttpResponse modelReady(ModelStatus status) {
        if (status.ready()) {
            return json(HttpStatus.OK, JsonTensors.MAPPER.createObjectNode().put("name", status.name()).put("ready", true));
        }
        return json(HttpStatus.SERVICE_UNAVAILABLE, JsonTensors.error(ServingErrorCode.MODEL_UNAVAILABLE.toErrorCode(), "model " + status.name() + " is not ready: "
                + status.reason().orElse("it is still loading"), null).put("name", status.name()).put("ready", false));
    }

    @Post("/v2/models/{name}/infer")
    public HttpResponse infer(@Param("name") String name, AggregatedHttpRequest request) {
        return infer(name, Optional.empty(), request);
    }

    @Post("/v2/models/{name}/versions/{version}/infer")
    public HttpResponse infer(@Param("name") String name, @Param("version") String version, AggregatedHttpRequest request) {
        return infer(name, Optional.of(version), request);
    }

    private HttpResponse infer(String name, Optional<String> version, AggregatedHttpRequest request) {
        RequestBodies.requireJson(request.headers());
        if (request.headers().contains("inference-header-content-length")) {
            throw new CarraraException(io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT, "the binary tensor data"
                    + " extension is not supported; send tensors as JSON \"data\", or use gRPC raw_input_contents", "body");
        }
        Supplier<HttpResponse> answer = () -> json(HttpStatus.OK,
                JsonTensors.outcome(protocol.infer(name, version, JsonTensors.readCall(request.contentUtf8()))));
        if (protocol.infersWithoutBlocking(name, version)) {
            return answer.get();
        }
        // A model load, a feature lookup or a registry read may block: not on the event loop.
        return HttpResponse.of(CompletableFuture.supplyAsync(answer, ServiceRequestContext.current().blockingTaskExecutor()));
    }

    private static HttpResponse json(HttpStatus status, JsonNode body) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
    }

    /** Maps failures to the protocol's error object: the error type decides 400, 404 or 503. */
    public static final class Errors implements ExceptionHandlerFunction {
        private static final Logger log = LoggerFactory.getLogger(Errors.class);

        @Override
        public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
            Throwable error = cause;
            while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
                error = error.getCause();
            }
            java.util.Optional<CarraraException> unavailable = io.carrara.registry.db.RegistryDatabase.unavailable(error);
            if (unavailable.isPresent()) {
                error = unavailable.get();
            }
            if (error instanceof CarraraException carrara) {
                if (carrara.errorCode().type() == io.carrara.spi.error.ErrorType.INTERNAL) {
                    log.error("request {} failed: {}", ctx.id(), carrara.getMessage(), carrara);
                }
                ObjectNode body = JsonTensors.error(carrara.errorCode(), carrara.getMessage(), carrara.field().orElse(null));
                if (carrara instanceof RowsNotScoredException failed) {
                    ArrayNode rows = body.putArray("rows");
                    for (RowsNotScoredException.FailedRow row : failed.rows()) {
                        RowErrorJson.put(rows.addObject().put("row", row.row()), row.error());
                    }
                }
                return json(HttpStatus.valueOf(carrara.errorCode().type().httpStatus()), body);
            }
            if (error instanceof IllegalArgumentException) {
                return json(HttpStatus.BAD_REQUEST, JsonTensors.error(StandardErrorCode.INVALID_ARGUMENT.toErrorCode(),
                        String.valueOf(error.getMessage()), null));
            }
            if (error instanceof com.linecorp.armeria.server.HttpStatusException
                    || error instanceof com.linecorp.armeria.common.ContentTooLargeException
                    || error instanceof com.linecorp.armeria.server.RequestTimeoutException) {
                // Armeria's own refusals keep the server's error shape and status.
                return ExceptionHandlerFunction.fallthrough();
            }
            log.error("request {} failed unexpectedly", ctx.id(), error);
            return json(HttpStatus.INTERNAL_SERVER_ERROR, JsonTensors.error(StandardErrorCode.INTERNAL_ERROR.toErrorCode(),
                    "internal error (request " + ctx.id().text() + "); the server log has the details", null));
        }
    }
}
