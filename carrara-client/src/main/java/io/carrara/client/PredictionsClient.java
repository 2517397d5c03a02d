package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.api.predict.PredictRequest;
import io.carrara.api.predict.PredictResponse;
import java.util.List;
import java.util.UUID;

/**
 * Scores rows with a deployment. Reached through {@link CarraraClient#predictions()}.
 *
 * <pre>{@code
 * PredictResponse answer = client.predictions().predict("fares", rows, null);
 * for (int i = 0; i < rows.size(); i++) {
 *     PredictionRowError.of(answer, i).ifPresent(error -> System.err.println("row " + i + ": " + error.message()));
 * }
 * }</pre>
 */
public final class PredictionsClient {
    private final Transport transport;

    PredictionsClient(Transport transport) {
        this.transport = transport;
    }

    /**
     * Scores rows with a deployment: the answer of {@code POST /api/v1/deployments/{name}/predict}
     * (one entry of {@code predictions} per row, in order: the scored row, {@code {"skipped": true}}
     * or the row's error, see {@link PredictionRowError}). {@code instance}, when not null, pins one instance.
     */
    public PredictResponse predict(String deployment, List<? extends JsonNode> rows, UUID instance) {
        requireNonNull(rows, "rows is null");
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/predict")
                .header("Content-Type", "application/json").POST(transport.jsonBody(new PredictRequest(rows, instance))),
                transport.type(PredictResponse.class));
    }
}
