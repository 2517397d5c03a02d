package io.carrara.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileJsonTest {

    private static Profile sample() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        for (int i = 0; i < 50; i++) {
            builder.add(Map.of("distance", i * 0.37, "city", i % 3 == 0 ? "nyc" : "sf"), i % 2);
        }
        builder.add(Map.of("city", "la"), null);
        return builder.build();
    }

    @Test
    void roundTrips() {
        Profile profile = sample();
        byte[] json = ProfileJson.write(profile);
        assertThat(ProfileJson.read(json)).isEqualTo(profile);
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"formatVersion\":1,\"rows\":51,\"features\":{\"city\":{\"type\":\"categorical\"");
        assertThat(text).contains("\"distance\":{\"type\":\"numeric\",\"edges\":[");
    }

    @Test
    void aProfileWithoutPredictionOrValuesRoundTrips() {
        Profile empty = ProfileBuilder.sketching(ProfileSettings.DEFAULTS).add(Map.of()).build();
        assertThat(ProfileJson.read(ProfileJson.write(empty))).isEqualTo(empty);
        Profile nulls = ProfileBuilder.sketching(ProfileSettings.DEFAULTS).add(new java.util.HashMap<>(
                java.util.Collections.singletonMap("x", null))).build();
        assertThat(ProfileJson.read(ProfileJson.write(nulls))).isEqualTo(nulls);
        assertThat(((NumericProfile) nulls.features().get("x")).mean()).isNull();
    }

    @Test
    void refusesOtherVersions() {
        String json = new String(ProfileJson.write(sample()), StandardCharsets.UTF_8).replace("\"formatVersion\":1",
                "\"formatVersion\":2");
        assertThatThrownBy(() -> ProfileJson.read(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown profile format version 2; this version of Carrara reads version 1");
        assertThatThrownBy(() -> ProfileJson.read("{\"rows\":1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no integer formatVersion");
    }

    @Test
    void refusesMalformedDocuments() {
        assertThatThrownBy(() -> ProfileJson.read("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ProfileJson.read("[1]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a JSON object");
        assertThatThrownBy(() -> ProfileJson.read("{\"formatVersion\":1,\"rows\":1,\"features\":{},\"prediction\":null,"
                + "\"extra\":1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed profile")
                .hasMessageContaining("extra");
        assertThatThrownBy(() -> ProfileJson.read("{\"formatVersion\":1,\"rows\":2,\"features\":{\"x\":{\"type\":\"numeric\","
                + "\"edges\":[2.0,1.0],\"counts\":[1,1,0],\"nulls\":0,\"min\":null,\"max\":null,\"mean\":null}},"
                + "\"prediction\":null}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("edges must increase strictly");
        assertThatThrownBy(() -> ProfileJson.read("{\"formatVersion\":1,\"rows\":5,\"features\":{\"c\":{\"type\":\"categorical\","
                + "\"values\":[\"a\"],\"counts\":[1],\"other\":0,\"nulls\":0}},\"prediction\":null}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts 1 rows")
                .hasMessageContaining("has 5");
        assertThatThrownBy(() -> ProfileJson.read("{\"formatVersion\":1,\"rows\":0,\"features\":{\"c\":{\"type\":\"histogram\"}},"
                + "\"prediction\":null}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed profile");
    }

    @Test
    void refusesTooManyFeatures() {
        StringBuilder json = new StringBuilder("{\"formatVersion\":1,\"rows\":0,\"features\":{");
        for (int i = 0; i <= Profile.MAX_FEATURES; i++) {
            json.append(i == 0 ? "" : ",").append("\"f").append(i)
                    .append("\":{\"type\":\"categorical\",\"values\":[],\"counts\":[],\"other\":0,\"nulls\":0}");
        }
        json.append("},\"prediction\":null}");
        assertThatThrownBy(() -> ProfileJson.read(json.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1000 features");
    }
}
