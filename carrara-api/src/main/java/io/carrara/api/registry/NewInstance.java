package io.carrara.api.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/projects/{project}/models/{model}/instances}, which commits an
 * instance whose artifact is already a blob: which blob and what it is ({@code packaging} defaults to
 * {@code file}), metadata, and the uploader's provenance (format 2, or format 1's flat map).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewInstance(ArtifactSpec artifact, Map<String, String> metadata, NewProvenance provenance) {
    /** Which blob holds the artifact and what it is; the server checks each and names the field at fault. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ArtifactSpec(String sha256, String format, String packaging) {}
}
