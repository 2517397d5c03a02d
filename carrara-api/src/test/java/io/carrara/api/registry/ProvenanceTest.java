package io.carrara.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.WireJson;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Format-1 maps upgrade to format 2 by a fixed rule, and an upload's provenance reads in either format. */
class ProvenanceTest {
    private static final ObjectMapper JSON = WireJson.strict();

    @Test
    void fromVersion1SortsEachKeyIntoItsField() {
        UUID root = UUID.randomUUID();
        Provenance provenance = Provenance.fromVersion1(Map.of("uploader", "alice", "uploadedAt", "2026-12-06T20:00:00Z",
                "fileName", "model.txt", "propagatedFrom", root.toString(), "propagatedAt", "2026-12-06T21:00:00Z",
                "carraraVersion", "0.1.0", "javaVendor", "Debian", "osVersion", "6.1", "team", "pricing"));

        assertThat(provenance.formatVersion()).isEqualTo(2);
        assertThat(provenance.uploader()).isEqualTo("alice");
        assertThat(provenance.uploadedAt()).isEqualTo(Instant.parse("2026-12-06T20:00:00Z"));
        assertThat(provenance.fileName()).isEqualTo("model.txt");
        assertThat(provenance.propagatedFrom()).isEqualTo(root);
        assertThat(provenance.propagatedAt()).isEqualTo(Instant.parse("2026-12-06T21:00:00Z"));
        assertThat(provenance.client()).containsOnlyKeys("carraraVersion", "javaVendor", "osVersion");
        assertThat(provenance.server()).isEmpty();
        assertThat(provenance.training()).isNull();
        assertThat(provenance.extra()).containsExactly(Map.entry("team", "pricing"));
    }

    @Test
    void aValueThatDoesNotParseStaysInExtraRatherThanFailTheInstance() {
        Provenance provenance = Provenance.fromVersion1(Map.of("uploadedAt", "yesterday", "propagatedFrom", "nope"));

        assertThat(provenance.uploadedAt()).isNull();
        assertThat(provenance.propagatedFrom()).isNull();
        assertThat(provenance.extra()).containsEntry("uploadedAt", "yesterday").containsEntry("propagatedFrom", "nope");
    }

    @Test
    void anUploadSendsFormat2AndAnOlderClientsFlatMapReadsIntoTheSameFields() throws Exception {
        NewProvenance sent = new NewProvenance("model.txt", Map.of("carraraVersion", "0.1.0", "os", "Linux"), null,
                Map.of("team", "pricing"));

        String json = JSON.writeValueAsString(sent);

        assertThat(json).isEqualTo("{\"fileName\":\"model.txt\",\"client\":{\"carraraVersion\":\"0.1.0\",\"os\":\"Linux\"},"
                + "\"extra\":{\"team\":\"pricing\"}}");
        assertThat(JSON.readValue(json, NewProvenance.class)).isEqualTo(sent);
        assertThat(JSON.readValue("{\"fileName\":\"model.txt\",\"carraraVersion\":\"0.1.0\",\"os\":\"Linux\","
                + "\"team\":\"pricing\"}", NewProvenance.class)).isEqualTo(sent);
        assertThat(sent.toVersion1()).containsExactly(Map.entry("carraraVersion", "0.1.0"), Map.entry("fileName", "model.txt"),
                Map.entry("os", "Linux"), Map.entry("team", "pricing"));
    }

    @Test
    void trainingTravelsInFormat2AndFlattensUnderItsPrefix() throws Exception {
        NewProvenance sent = JSON.readValue("{\"client\":{},\"training\":{\"dataRef\":\"hive://ml.trips\",\"seeds\":{\"split\":42},"
                + "\"frameworks\":{\"spark\":\"4.1.0\"}},\"extra\":{}}", NewProvenance.class);

        assertThat(sent.training().seeds()).containsExactly(Map.entry("split", 42L));
        assertThat(sent.toVersion1()).containsEntry("training.dataRef", "hive://ml.trips")
                .containsEntry("training.seeds.split", "42").containsEntry("training.frameworks.spark", "4.1.0");
        assertThat(JSON.readValue(JSON.writeValueAsString(sent), NewProvenance.class)).isEqualTo(sent);
    }

    @Test
    void anUploadThatSendsWhatTheServerRecordsOrABadSeedIsRefusedNamingTheField() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> JSON.readValue(
                "{\"formatVersion\": 2, \"uploader\": \"mallory\"}", NewProvenance.class)))
                .hasRootCauseInstanceOf(io.carrara.api.InvalidWireValue.class)
                .rootCause().hasMessageContaining("provenance.uploader is recorded by the server");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> JSON.readValue(
                "{\"server\": {\"os\": \"Linux\"}}", NewProvenance.class)))
                .rootCause().isInstanceOf(io.carrara.api.InvalidWireValue.class)
                .extracting(cause -> ((io.carrara.api.InvalidWireValue) cause).field()).isEqualTo("server");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> JSON.readValue(
                "{\"training\": {\"seeds\": {\"split\": 4.5}}}", NewProvenance.class)))
                .rootCause().isInstanceOf(io.carrara.api.InvalidWireValue.class)
                .extracting(cause -> ((io.carrara.api.InvalidWireValue) cause).field()).isEqualTo("training.seeds.split");
    }

    @Test
    void formatVersionIsNotAnExtraValue() throws Exception {
        NewProvenance provenance = JSON.readValue("{\"formatVersion\": 2, \"fileName\": \"model.txt\"}", NewProvenance.class);

        assertThat(provenance.fileName()).isEqualTo("model.txt");
        assertThat(provenance.extra()).isEmpty();
    }

    @Test
    void aFormat2UploadOfTheWrongShapeIsRefusedNamingTheField() {
        assertThat(refusedField("{\"formatVersion\": 2, \"owner\": \"x\"}")).isEqualTo("owner");
        assertThat(refusedField("{\"formatVersion\": 3}")).isEqualTo("formatVersion");
        assertThat(refusedField("{\"formatVersion\": 2, \"client\": \"linux\"}")).isEqualTo("client");
        assertThat(refusedField("{\"client\": {\"os\": {\"name\": \"Linux\"}}}")).isEqualTo("client.os");
        assertThat(refusedField("{\"training\": {\"seed\": 1}}")).isEqualTo("training.seed");
        assertThat(refusedField("{\"fileName\": [\"a\"]}")).isEqualTo("fileName");
    }

    private static String refusedField(String json) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> JSON.readValue(json, NewProvenance.class));
        assertThat(thrown).as(json).rootCause().isInstanceOf(io.carrara.api.InvalidWireValue.class);
        return ((io.carrara.api.InvalidWireValue) org.assertj.core.util.Throwables.getRootCause(thrown)).field();
    }
}
