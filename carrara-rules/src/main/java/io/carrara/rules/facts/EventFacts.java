package io.carrara.rules.facts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.model.Event;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a rule may know about one registry event. {@code project} and {@code model} (the model's
 * name, without its project), {@code instance}, {@code deployment} and {@code metric} are null when
 * the event is not about one; {@code payload} holds the event's other scalar fields as text.
 * <pre>{@code
 * EventFacts facts = EventFacts.from(event); // from the registry's outbox
 * }</pre>
 */
public record EventFacts(
        String type,
        String project,
        String model,
        UUID instance,
        String deployment,
        MetricFacts metric,
        Map<String, String> payload,
        Instant createdAt) {
    public EventFacts {
        requireNonNull(type, "type is null");
        payload = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(payload, "payload is null")));
        requireNonNull(createdAt, "createdAt is null");
    }

    /** The facts of a registry event: the metric of a metric event and the deployment of a deployment event come from its payload. */
    public static EventFacts from(Event event) {
        requireNonNull(event, "event is null");
        JsonNode payload = event.payload();
        Map<String, String> scalars = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : payload.properties()) {
            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                scalars.put(field.getKey(), field.getValue().asText());
            }
        }
        MetricFacts metric = null;
        if (Event.METRIC_RECORDED.equals(event.type()) && payload.hasNonNull("scope") && payload.hasNonNull("name")) {
            JsonNode value = payload.get("value");
            metric = new MetricFacts(payload.get("scope").asText(), payload.get("name").asText(),
                    value != null && value.isNumber() ? value.doubleValue() : null);
        }
        String deployment = payload.hasNonNull("deployment") ? payload.get("deployment").asText() : null;
        return new EventFacts(event.type(), event.project(), event.model(), event.instance(), deployment, metric, scalars,
                event.createdAt());
    }
}
