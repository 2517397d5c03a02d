package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A mutable note on an instance ({@code reviewed: yes}), unlike its metadata, which is fixed when the instance is made:
 * set and removed by people and by rules ({@code set-meta}), each change an event.
 */
public record Annotation(String key, String value, Instant setAt, String setBy) {
    public Annotation {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        requireNonNull(setAt, "setAt is null");
        requireNonNull(setBy, "setBy is null");
    }
}
