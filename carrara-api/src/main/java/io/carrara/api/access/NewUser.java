package io.carrara.api.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The body of {@code POST /api/v1/users} (admins only); {@code admin} and {@code groups} may be absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewUser(String name, Boolean admin, List<String> groups) {}
