package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/projects/{project}/models}: any field but {@code name} may be
 * absent; {@code previousModel} and {@code dependsOn} are full names ({@code project/model}). The
 * server checks every field and names the one at fault.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewModel(
        String name,
        String description,
        String owner,
        String type,
        List<String> features,
        Map<String, String> hyperparameters,
        List<String> tags,
        String previousModel,
        List<String> dependsOn) {}
