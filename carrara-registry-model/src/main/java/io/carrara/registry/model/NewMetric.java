package io.carrara.registry.model;

import static io.carrara.registry.model.FieldChecks.MAX_METADATA_VALUE;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.spi.error.CarraraException;
import java.util.Map;
import java.util.Set;

/**
 * A request to record a metric: a name (a key), a scope ({@code training}, {@code validation} (the
 * default when null) or {@code production}), exactly one of {@code value} (a finite number) and
 * {@code data} (any JSON; JSON null is none), and optional metadata. Checked here, naming the field.
 */
public record NewMetric(String name, String scope, Double value, JsonNode data, Map<String, String> metadata) {
    public static final Set<String> SCOPES = Set.of("training", "validation", "production");

    public NewMetric {
        FieldChecks.checkKey(name, "name");
        scope = scope == null ? "validation" : scope;
        if (!SCOPES.contains(scope)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "scope '" + scope + "' is not one of " + SCOPES.stream().sorted().toList(), "scope");
        }
        data = data == null || data.isNull() ? null : data;
        if ((value == null) == (data == null)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "give exactly one of value (a number) and data (a JSON document)", value == null ? "value" : "data");
        }
        if (value != null && !Double.isFinite(value)) {
            throw new CarraraException(INVALID_ARGUMENT, "value must be a finite number, not " + value, "value");
        }
        metadata = FieldChecks.checkMap(metadata, "metadata", MAX_METADATA_VALUE);
    }
}
