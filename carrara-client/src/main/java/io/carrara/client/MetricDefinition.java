package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.spi.error.CarraraException;
import java.util.Map;

/**
 * A metric to record: a number ({@link #numeric}) or structured JSON such as a curve or a
 * confusion matrix ({@link #structured}). A null {@code scope} lets the server choose its default.
 */
public record MetricDefinition(String name, String scope, Double value, JsonNode data, Map<String, String> metadata) {
    public MetricDefinition {
        requireNonNull(name, "name is null");
        if ((value == null) == (data == null)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "metric " + name + " needs exactly one of a numeric value and structured data", "value");
        }
        if (value != null && !Double.isFinite(value)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "metric " + name + " has value " + value + "; JSON carries finite numbers only", "value");
        }
        metadata = Copies.map(metadata);
    }

    public static MetricDefinition numeric(String name, String scope, double value, Map<String, String> metadata) {
        return new MetricDefinition(name, scope, value, null, metadata);
    }

    public static MetricDefinition structured(String name, String scope, JsonNode data, Map<String, String> metadata) {
        return new MetricDefinition(name, scope, null, requireNonNull(data, "data is null"), metadata);
    }
}
