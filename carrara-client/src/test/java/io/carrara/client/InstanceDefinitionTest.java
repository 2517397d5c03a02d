package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.registry.NewProvenance;
import io.carrara.api.registry.Packaging;
import io.carrara.spi.model.ArtifactFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An instance request carries the client's provenance in format 2, or none at all. */
class InstanceDefinitionTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();
    private static final String SHA = "a".repeat(64);

    @Test
    void withoutProvenanceTheRequestCarriesNone() {
        JsonNode body = JSON.valueToTree(new InstanceDefinition(SHA, ArtifactFormat.OPAQUE, Packaging.FILE, Map.of("city", "nyc"),
                null).toRequest());

        assertThat(body.has("provenance")).isFalse();
        assertThat(body.at("/artifact/sha256").asText()).isEqualTo(SHA);
        assertThat(body.at("/metadata/city").asText()).isEqualTo("nyc");
    }

    @Test
    void withProvenanceTheRequestCarriesFormat2() {
        JsonNode body = JSON.valueToTree(new InstanceDefinition(SHA, ArtifactFormat.OPAQUE, Packaging.FILE, Map.of(),
                new NewProvenance("model.txt", Map.of("os", "Linux"), null, Map.of("team", "pricing"))).toRequest());

        assertThat(body.at("/provenance/fileName").asText()).isEqualTo("model.txt");
        assertThat(body.at("/provenance/client/os").asText()).isEqualTo("Linux");
        assertThat(body.at("/provenance/extra/team").asText()).isEqualTo("pricing");
    }
}
