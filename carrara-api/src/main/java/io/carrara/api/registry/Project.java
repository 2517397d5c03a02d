package io.carrara.api.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A namespace of models, as the server answers it. {@code description} may be null. */
public record Project(String name, String description, Instant createdAt, String createdBy) {
    public Project {
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
