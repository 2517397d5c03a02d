package io.carrara.serving.predict;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows to score, each a map of column to plain Java value (Number, String, Boolean, List, null) as
 * {@link io.carrara.pipeline.json.JsonRows#toRow} gives; {@code instance} pins one instance of the
 * deployment's model instead of its routing (experiments).
 */
public record PredictionRequest(List<Map<String, Object>> rows, Optional<UUID> instance) {
    public PredictionRequest {
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
        requireNonNull(instance, "instance is null");
    }
}
