package io.carrara.registry.model;

import static io.carrara.registry.model.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewMetricTest {
    @Test
    void scopeDefaultsToValidationAndJsonNullIsNoData() {
        NewMetric metric = new NewMetric("mae", null, 4.2, JsonNodeFactory.instance.nullNode(), null);

        assertThat(metric.scope()).isEqualTo("validation");
        assertThat(metric.data()).isNull();
        assertThat(metric.metadata()).isEmpty();
    }

    @Test
    void refusesEachBadField() {
        assertRefused(() -> new NewMetric("bad name", null, 1.0, null, null), "INVALID_ARGUMENT", "name", "is not valid");
        assertRefused(() -> new NewMetric("mae", "someday", 1.0, null, null), "INVALID_ARGUMENT", "scope",
                "scope 'someday' is not one of [production, training, validation]");
        assertRefused(() -> new NewMetric("mae", null, null, null, null), "INVALID_ARGUMENT", "value", "give exactly one");
        assertRefused(() -> new NewMetric("mae", null, 1.0, JsonNodeFactory.instance.objectNode(), null), "INVALID_ARGUMENT",
                "data", "give exactly one");
        assertRefused(() -> new NewMetric("mae", null, Double.POSITIVE_INFINITY, null, null), "INVALID_ARGUMENT", "value",
                "value must be a finite number");
        assertRefused(() -> new NewMetric("mae", null, 1.0, null, Map.of("k", "v".repeat(513))), "INVALID_ARGUMENT",
                "metadata.k", "metadata.k is longer than 512 characters");
    }
}
