package io.carrara.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Instances as servers answered them, kept as golden files that every later release must read:
 * {@code instance-v1.json} is {@code GET /api/v1/instances/{id}} as the server answered before
 * provenance had a format (a flat string map), {@code instance-v2.json} one with format-2 provenance.
 */
class GoldenInstanceTest {
    private static final ObjectMapper JSON = WireJson.strict();

    @Test
    void readsAnInstanceWhoseProvenanceIsFormat1ThroughFromVersion1() throws IOException {
        JsonNode golden = golden("instance-v1.json");
        Map<String, String> flat = JSON.convertValue(golden.get("provenance"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        ((com.fasterxml.jackson.databind.node.ObjectNode) golden).set("provenance",
                JSON.valueToTree(Provenance.fromVersion1(flat)));

        Instance instance = JSON.treeToValue(golden, Instance.class);

        assertThat(instance.id()).isEqualTo(UUID.fromString("b31669e7-53d3-46d8-893e-2fcda4ca4e58"));
        assertThat(instance.model()).isEqualTo("demand/eta");
        assertThat(instance.version()).isEqualTo(1);
        assertThat(instance.reason()).isEqualTo(Instance.REASON_UPLOAD);
        assertThat(instance.artifact().format()).isEqualTo("python");
        assertThat(instance.artifact().packaging()).isEqualTo(Packaging.FILE);
        assertThat(instance.artifact().size()).isEqualTo(7);
        assertThat(instance.metadata()).containsEntry("city", "nyc").containsEntry("trainingData", "hive://trips/2026-11-01");
        assertThat(instance.dependencies()).containsEntry("demand/conversion",
                UUID.fromString("964805d5-6a28-49fe-a011-0fc8db388bf5"));
        assertThat(instance.deprecated()).isFalse();
        Provenance provenance = instance.provenance();
        assertThat(provenance.formatVersion()).isEqualTo(2);
        assertThat(provenance.uploader()).isEqualTo("alice");
        assertThat(provenance.uploadedAt()).isEqualTo(Instant.parse("2026-12-06T20:22:48.213850Z"));
        assertThat(provenance.fileName()).isEqualTo("model.txt");
        assertThat(provenance.client()).containsOnlyKeys("arch", "carraraVersion", "javaVendor", "javaVersion", "os",
                "osVersion");
        assertThat(provenance.extra()).isEmpty();
        assertThat(provenance.toVersion1()).isEqualTo(flat);
    }

    @Test
    void readsAnInstanceWithFormat2ProvenanceAndWritesItBackTheSame() throws IOException {
        JsonNode golden = golden("instance-v2.json");

        Instance instance = JSON.treeToValue(golden, Instance.class);

        Provenance provenance = instance.provenance();
        assertThat(provenance.client()).containsEntry("carraraVersion", "0.1.0").containsEntry("os", "Linux");
        assertThat(provenance.server()).containsEntry("javaVendor", "Debian");
        assertThat(provenance.training().dataRef()).isEqualTo("hive://ml.trips/execution_date=2026-11-01");
        assertThat(provenance.training().seeds()).containsEntry("split", 42L).containsEntry("model", 7L);
        assertThat(provenance.training().frameworks()).containsEntry("spark", "4.1.0");
        assertThat(provenance.propagatedFrom()).isEqualTo(UUID.fromString("964805d5-6a28-49fe-a011-0fc8db388bf5"));
        assertThat(provenance.propagatedAt()).isEqualTo(Instant.parse("2026-12-06T20:30:00Z"));
        assertThat(provenance.extra()).containsExactly(Map.entry("team", "pricing"));
        assertThat(instance.reason()).isEqualTo(Instance.REASON_DEPENDENCY_UPDATE);
        assertThat(JSON.readTree(JSON.writeValueAsString(instance))).isEqualTo(golden);
    }

    private static JsonNode golden(String name) throws IOException {
        try (InputStream in = GoldenInstanceTest.class.getResourceAsStream("/golden/" + name)) {
            return JSON.readTree(in);
        }
    }
}
