package io.carrara.api.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/deployments/{name}/predict}: the rows to score, each a JSON object
 * (a map, or a tree of the caller's JSON library), and optionally one {@code instance} of the
 * deployment's model to pin every row to.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictRequest(List<?> rows, UUID instance) {
    public PredictRequest {
        rows = List.copyOf(rows);
    }
}
