package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A named endpoint serving instances of one model. {@code routing} is {@code pinned} (every row to
 * {@code instance}) or {@code partitioned} (by the row's value of {@code partitionBy}, through
 * {@code instances}, else to {@code fallback}, the API's {@code default}). {@code outcome} is set only
 * in the answer to {@link CarraraClient#deploy}: {@code created}, {@code updated} or {@code unchanged}.
 */
public record Deployment(
        String name,
        String model,
        String routing,
        UUID instance,
        String partitionBy,
        Map<String, UUID> instances,
        @JsonProperty("default") UUID fallback,
        List<FeatureLookup> features,
        String missingFeatures,
        double logSampleRate,
        int revision,
        Instant updatedAt,
        String updatedBy,
        String outcome) {
    public Deployment {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(routing, "routing is null");
        instances = Copies.map(instances);
        features = Copies.list(features);
    }
}
