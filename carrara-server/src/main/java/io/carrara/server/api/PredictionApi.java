package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.carrara.pipeline.json.JsonRows;
import io.carrara.serving.predict.InferenceBackend;
import io.carrara.serving.predict.PredictionRequest;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.predict.RowError;
import io.carrara.server.http.RequestBodies;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/deployments/{name}/predict}: rows in, one result per row out, in order.
 *
 * <pre>{@code
 * {"rows": [{...}, {...}], "instance": "UUID"?}
 * → {"predictions": [{input fields + added columns} | {"skipped": true}
 *                   | {"error": "...", "code": "ROW_INVALID", "number": 131077, "type": "INVALID_INPUT", "message": "...", "column": "x"}],
 *    "instance": "UUID" (when one instance scored every row), "instances": [...], "predictionIds": [...]}
 * }</pre>
 *
 * Each prediction prints exactly as {@code carrara score} prints a row ({@link JsonRows}). A row
 * that fails is reported in place and never fails the others; the response is 200 unless the request
 * itself is wrong (400 naming the field), the deployment unknown (404) or not ready (503).
 */
public final class PredictionApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InferenceBackend backend;

    public PredictionApi(InferenceBackend backend) {
        this.backend = requireNonNull(backend, "backend is null");
    }

    @Post("/deployments/{name}/predict")
    public HttpResponse predict(@Param("name") String name, AggregatedHttpRequest request) {
        JsonNode body = readBody(request);
        JsonNode rowsNode = body.get("rows");
        if (!(rowsNode instanceof ArrayNode rowsArray)) {
            throw new CarraraException(INVALID_ARGUMENT, "rows must be an array of objects, one per row to score", "rows");
        }
        List<ObjectNode> inputs = new ArrayList<>(rowsArray.size());
        List<Map<String, Object>> rows = new ArrayList<>(rowsArray.size());
        for (int i = 0; i < rowsArray.size(); i++) {
            if (!(rowsArray.get(i) instanceof ObjectNode row)) {
                throw new CarraraException(INVALID_ARGUMENT, "rows[" + i + "] is not an object; send {\"column\": value, ...}",
                        "rows[" + i + "]");
            }
            inputs.add(row);
            rows.add(JsonRows.toRow(row, Map.of()));
        }
        Optional<UUID> instance = instance(body.get("instance"));
        PredictionRequest prediction = new PredictionRequest(rows, instance);
        // A pin's check may read the registry; a load or a feature lookup may block: those go to the blocking executor.
        if (instance.isEmpty() && backend.predictsWithoutBlocking(name)) {
            return respond(name, prediction, inputs);
        }
        ServiceRequestContext ctx = ServiceRequestContext.current();
        return HttpResponse.of(CompletableFuture.supplyAsync(() -> respond(name, prediction, inputs), ctx.blockingTaskExecutor()));
    }

    private HttpResponse respond(String name, PredictionRequest prediction, List<ObjectNode> inputs) {
        PredictionResult result = backend.predict(name, prediction);

        // Streamed rather than built as a tree: a row's wide vectors would otherwise cost more than scoring it.
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeArrayFieldStart("predictions");
            Set<UUID> instances = new LinkedHashSet<>();
            for (int i = 0; i < result.rows().size(); i++) {
                PredictionResult.Row row = result.rows().get(i);
                instances.add(row.instance());
                switch (row.status()) {
                    case SCORED -> JsonRows.write(out, inputs.get(i), row.output().orElseThrow(), row.added());
                    case SKIPPED -> {
                        out.writeStartObject();
                        out.writeBooleanField("skipped", true);
                        out.writeEndObject();
                    }
                    case FAILED -> out.writeTree(failed(row.error().orElseThrow()));
                }
            }
            out.writeEndArray();
            if (instances.size() == 1) {
                out.writeStringField("instance", instances.iterator().next().toString());
            }
            out.writeArrayFieldStart("instances");
            for (PredictionResult.Row row : result.rows()) {
                out.writeString(row.instance().toString());
            }
            out.writeEndArray();
            out.writeArrayFieldStart("predictionIds");
            for (PredictionResult.Row row : result.rows()) {
                if (row.predictionId().isPresent()) {
                    out.writeString(row.predictionId().get());
                } else {
                    out.writeNull();
                }
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a prediction response", e);
        }
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, bytes.toByteArray());
    }

    /**
     * A failed row: {@code "error"} (its message, which clients before the error protocol read) and
     * then the row error's identity. A tree, not streamed: failed rows are few and small.
     */
    private static ObjectNode failed(RowError error) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", ApiErrors.bounded(error.message(), ApiErrors.MAX_MESSAGE_CHARS));
        return RowErrorJson.put(node, error);
    }

    private static JsonNode readBody(AggregatedHttpRequest request) {
        RequestBodies.requireJson(request.headers());
        JsonNode body;
        try {
            body = JSON.readTree(request.content().array());
        } catch (IOException e) {
            throw new CarraraException(INVALID_ARGUMENT, "the body is not JSON: send {\"rows\": [{...}]}", "body");
        }
        if (body == null || !body.isObject()) {
            throw new CarraraException(INVALID_ARGUMENT, "the body must be a JSON object: {\"rows\": [{...}]}", "body");
        }
        return body;
    }

    private static Optional<UUID> instance(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(node.asText()));
        } catch (IllegalArgumentException e) {
            throw new CarraraException(INVALID_ARGUMENT, "instance '" + node.asText() + "' is not an instance id (a UUID)", "instance");
        }
    }
}
