package io.carrara.registry.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A namespace of models. */
public record Project(String name, String description, Instant createdAt, String createdBy) {
    public Project {
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
