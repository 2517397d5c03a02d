package io.carrara.api.registry;

import java.time.Instant;

/**
 * A mutable note on an instance, as {@code GET /api/v1/instances/{id}/annotations} lists it; unlike the instance's metadata it
 * may be set and removed after the instance was made (by people and by rules' {@code set-meta}).
 */
public record Annotation(String key, String value, Instant setAt, String setBy) {}
