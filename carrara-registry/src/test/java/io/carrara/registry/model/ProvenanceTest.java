package io.carrara.registry.model;

import static io.carrara.registry.model.Refusals.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.json.RegistryJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
    private static final UUID ROOT = UUID.fromString("6f1c2a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b");

    @Test
    void readsTheGoldenFormatOneRowThroughTheUpgrade() throws IOException {
        Provenance read = Provenance.fromJson(RegistryJson.readTree(golden("instance-provenance-v1.json")));

        assertThat(read).isEqualTo(new Provenance(
                "alice",
                Instant.parse("2026-12-06T19:58:12.123456Z"),
                "model.txt",
                Map.of("arch", "amd64", "carraraVersion", "0.1.0-SNAPSHOT", "javaVendor", "Eclipse Adoptium",
                        "javaVersion", "17.0.15", "os", "Linux", "osVersion", "6.8.0-49-generic"),
                Map.of(),
                null,
                ROOT,
                Instant.parse("2026-12-06T19:58:13.402117Z"),
                Map.of("framework", "spark-4.1.0")));
        assertThat(read.formatVersion()).isEqualTo(2);
    }

    @Test
    void upgradesAFormatOneRequestOfAnOldClient() {
        Provenance upgraded = Provenance.fromVersion1(Map.of("carraraVersion", "0.1.0", "javaVersion", "17", "os", "Linux",
                "arch", "amd64", "fileName", "model.txt", "team", "pricing"));

        assertThat(upgraded).isEqualTo(Provenance.ofClient("model.txt",
                Map.of("carraraVersion", "0.1.0", "javaVersion", "17", "os", "Linux", "arch", "amd64"), null,
                Map.of("team", "pricing")));
        // A format-1 key that happens to be called formatVersion is a string: it stays the user's.
        assertThat(Provenance.fromJson(RegistryJson.readTree("{\"formatVersion\":\"mine\"}")).extra())
                .containsExactly(Map.entry("formatVersion", "mine"));
    }

    @Test
    void writesFormatTwoInItsDocumentedShapeAndReadsItBack() {
        Provenance full = new Provenance("alice", Instant.parse("2026-12-06T20:00:00Z"), "model.txt",
                Map.of("os", "Linux"), Map.of("javaVersion", "17.0.15"),
                new Provenance.Training("hive://trips", "git:abc", Map.of("split", 42L), Map.of("scikit-learn", "1.5.2")),
                ROOT, Instant.parse("2026-12-06T20:00:01Z"), Map.of("any", "string"));

        String written = RegistryJson.write(full);

        assertThat(written).isEqualTo("{\"formatVersion\":2,\"uploader\":\"alice\",\"uploadedAt\":\"2026-12-06T20:00:00Z\","
                + "\"fileName\":\"model.txt\",\"client\":{\"os\":\"Linux\"},\"server\":{\"javaVersion\":\"17.0.15\"},"
                + "\"training\":{\"dataRef\":\"hive://trips\",\"codeRef\":\"git:abc\",\"seeds\":{\"split\":42},"
                + "\"frameworks\":{\"scikit-learn\":\"1.5.2\"}},\"propagatedFrom\":\"" + ROOT + "\","
                + "\"propagatedAt\":\"2026-12-06T20:00:01Z\",\"extra\":{\"any\":\"string\"}}");
        assertThat(Provenance.fromJson(RegistryJson.readTree(written))).isEqualTo(full);
        assertThat(RegistryJson.read(written, new com.fasterxml.jackson.core.type.TypeReference<Provenance>() {}))
                .isEqualTo(full);
    }

    @Test
    void leavesOutWhatHasNoValue() {
        Provenance minimal = Provenance.empty().uploaded("alice", Instant.parse("2026-12-06T20:00:00Z"), Map.of());
        JsonNode json = RegistryJson.readTree(RegistryJson.write(minimal));

        assertThat(json.has("fileName")).isFalse();
        assertThat(json.has("training")).isFalse();
        assertThat(json.has("propagatedFrom")).isFalse();
        assertThat(json.has("propagatedAt")).isFalse();
        assertThat(json.get("client").isEmpty()).isTrue();
        assertThat(new Provenance(null, null, null, null, null, new Provenance.Training(null, null, null, null), null, null,
                null).training()).isNull();
    }

    @Test
    void refusesMalformedDocumentsNamingTheField() {
        assertRefused(() -> read("{\"formatVersion\":3}"), "INVALID_ARGUMENT", "provenance.formatVersion", "is not supported");
        assertRefused(() -> read("{\"formatVersion\":2,\"colour\":\"red\"}"), "INVALID_ARGUMENT", "provenance.colour",
                "unknown field 'provenance.colour'");
        assertRefused(() -> read("{\"formatVersion\":2,\"training\":{\"seeds\":{\"split\":1.5}}}"), "INVALID_ARGUMENT",
                "provenance.training.seeds.split", "must be a whole number");
        assertRefused(() -> read("{\"formatVersion\":2,\"client\":{\"os\":1}}"), "INVALID_ARGUMENT", "provenance.client.os",
                "must be a string");
        assertRefused(() -> read("{\"formatVersion\":2,\"uploadedAt\":\"yesterday\"}"), "INVALID_ARGUMENT",
                "provenance.uploadedAt", "is not an ISO-8601 instant");
        assertRefused(() -> read("{\"os\":[\"Linux\"]}"), "INVALID_ARGUMENT", "provenance.os", "must be a string");
        assertRefused(() -> read("[]"), "INVALID_ARGUMENT", "provenance", "must be a JSON object");
        assertRefused(() -> Provenance.ofClient("f".repeat(1025), null, null, null), "INVALID_ARGUMENT", "provenance.fileName",
                "longer than 1024 characters");
        assertRefused(() -> Provenance.ofClient(null, null, null, Map.of("bad key", "v")), "INVALID_ARGUMENT",
                "provenance.extra key", "is not valid");
    }

    private static Provenance read(String json) {
        return Provenance.fromJson(RegistryJson.readTree(json));
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = ProvenanceTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), UTF_8).strip();
        }
    }
}
