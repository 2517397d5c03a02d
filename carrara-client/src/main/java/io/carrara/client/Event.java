package io.carrara.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** An entry of the registry's outbox, e.g. {@code instance.created}; {@code model} and {@code instance} may be null. */
public record Event(long id, String type, String project, String model, UUID instance, JsonNode payload, Instant createdAt) {
    public Event {
        requireNonNull(type, "type is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
