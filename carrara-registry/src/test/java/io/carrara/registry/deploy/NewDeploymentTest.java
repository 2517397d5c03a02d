package io.carrara.registry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class NewDeploymentTest {
    private static final UUID V1 = UUID.randomUUID();
    private static final UUID V2 = UUID.randomUUID();

    @Test
    void acceptsEachWayOfRouting() {
        assertThat(NewDeployment.pinned("eta", V1).instance()).isEqualTo(V1);
        assertThat(NewDeployment.latest("eta", "demand/eta").latest()).isTrue();
        assertThat(NewDeployment.partitioned("eta", "city", Map.of("sf", V2, "nyc", V1), V1).instances().keySet())
                .containsExactly("nyc", "sf");
    }

    @Test
    void refusesABadShapeNamingTheField() {
        NewDeployment pinned = NewDeployment.pinned("eta", V1);
        assertRefused(() -> NewDeployment.pinned("bad name!", V1), "name", "is not a valid name");
        assertRefused(() -> NewDeployment.latest("eta", "no-slash"), "model", "must be PROJECT/MODEL");
        assertRefused(() -> new NewDeployment("x", "demand/eta", V1, true, null, null, null, null, null, null, null), "instance",
                "give exactly one way of routing");
        assertRefused(() -> new NewDeployment("x", null, null, false, null, null, null, null, null, null, null), "partitionBy",
                "give exactly one way of routing");
        assertRefused(() -> new NewDeployment("x", null, V1, null, null, Map.of("sf", V1), null, null, null, null, null), "instances",
                "need partitionBy");
        assertRefused(() -> new NewDeployment("x", null, V1, null, null, null, V2, null, null, null, null), "default",
                "it needs partitionBy");
        assertRefused(() -> NewDeployment.partitioned("x", "city", Map.of(), V1), "instances", "instances is required");
        assertRefused(() -> NewDeployment.partitioned("x", "city", Map.of("sf", V1), null), "default", "default is required");
        assertRefused(() -> NewDeployment.partitioned("x", " ", Map.of("sf", V1), V1), "partitionBy", "1 to 128 characters");
        assertRefused(() -> pinned.withFeatures(List.of(), "sometimes"), "missingFeatures", "is not one of null");
        assertRefused(() -> pinned.withLogSampleRate(Double.NaN), "logSampleRate", "must be between 0");
        assertRefused(() -> pinned.withOutputs(List.of("prediction", " ")), "outputs[1]", "must name a column");
        assertRefused(() -> pinned.withOutputs(java.util.Arrays.asList("prediction", null)), "outputs[1]", "must name a column");
        assertRefused(() -> pinned.withOutputs(List.of("x".repeat(129))), "outputs[0]", "1 to 128 characters");
        assertRefused(() -> pinned.withOutputs(List.of("prediction", "probability", "prediction")), "outputs[2]",
                "names prediction twice");
        assertRefused(() -> pinned.withOutputs(java.util.stream.IntStream.range(0, 257).mapToObj(i -> "c" + i).toList()),
                "outputs", "more than 256");
        assertRefused(() -> pinned.withFeatures(List.of(new FeatureLookup("stats", "driver_id", List.of())), null),
                "features[0].features", "is empty");
        assertRefused(() -> pinned.withFeatures(List.of(new FeatureLookup("stats", "driver_id", List.of("rating")),
                new FeatureLookup("other", "driver_id", List.of("rating"))), null), "features[1].features", "looked up by both");
    }

    private static void assertRefused(ThrowingCallable build, String field, String message) {
        assertThatThrownBy(build)
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    assertThat(((CarraraException) e).errorCode().name()).isEqualTo("INVALID_ARGUMENT");
                    assertThat(((CarraraException) e).field()).contains(field);
                });
    }
}
