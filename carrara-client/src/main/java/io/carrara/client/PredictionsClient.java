package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.api.predict.PredictRequest;
import java.util.List;
import java.util.UUID;

/**
 * Scores rows with a deployment. Reached through {@link CarraraClient#predictions()}; the answer stays a
 * JSON tree until the prediction response has a record of its own.
 */
public final class PredictionsClient {
    private final Transport transport;

    PredictionsClient(Transport transport) {
        this.transport = transport;
    }

    /**
     * Scores rows with a deployment: the answer of {@code POST /api/v1/deployments/{name}/predict}
     * (one entry of {@code predictions} per row, in order: the scored row, {@code {"skipped": true}}
     * or {@code {"error": …, "column": …}}). {@code instance}, when not null, pins one instance.
     */
    public JsonNode predict(String deployment, List<? extends JsonNode> rows, UUID instance) {
        requireNonNull(rows, "rows is null");
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/predict")
                .header("Content-Type", "application/json").POST(transport.jsonBody(new PredictRequest(rows, instance))),
                transport.type(JsonNode.class));
    }
}
