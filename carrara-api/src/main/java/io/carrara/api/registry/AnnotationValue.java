package io.carrara.api.registry;

/** The body of {@code PUT /api/v1/instances/{id}/annotations/{key}}: the annotation's new text. */
public record AnnotationValue(String value) {}
