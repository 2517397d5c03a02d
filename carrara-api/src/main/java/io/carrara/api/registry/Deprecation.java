package io.carrara.api.registry;

/** The body of {@code POST /api/v1/instances/{id}/deprecate}: why, for whoever finds the instance later. */
public record Deprecation(String reason) {}
