package io.carrara.api.access;

/** The body of {@code PUT /api/v1/projects/{project}/members/{principal}}. */
public record NewGrant(Role role) {}
