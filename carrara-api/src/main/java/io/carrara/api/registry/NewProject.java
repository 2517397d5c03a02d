package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of {@code POST /api/v1/projects}; the server checks the name and names the field at fault. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewProject(String name, String description) {}
