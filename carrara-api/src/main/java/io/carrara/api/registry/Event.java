package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * An entry of the registry's outbox, e.g. {@code instance.created}; {@code project}, {@code model}
 * and {@code instance} may be null, {@code payload} is any JSON as Jackson reads it.
 */
public record Event(long id, String type, String project, String model, UUID instance, Object payload, Instant createdAt) {
    public Event {
        requireNonNull(type, "type is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
