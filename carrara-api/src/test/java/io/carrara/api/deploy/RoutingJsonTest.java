package io.carrara.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.WireJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each routing alternative round-trips through today's flat JSON: deployments, revisions and definitions. */
class RoutingJsonTest {
    private static final ObjectMapper JSON = WireJson.strict();
    private static final UUID V1 = UUID.fromString("11111111-1111-1111-1111-111111111111");
    private static final UUID V2 = UUID.fromString("22222222-2222-2222-2222-222222222222");

    @Test
    void aPinnedDeploymentIsWrittenAsTheApiAlwaysWroteIt() throws Exception {
        Deployment deployment = new Deployment("eta-live", "demand/eta", new Routing.Pinned(V1),
                List.of(new FeatureLookup("driver_stats", "driver_id", List.of("trips_7d", "rating"))),
                MissingFeatures.REJECT, 0.1, List.of("eta", "eta_low"), 3, Instant.parse("2026-12-06T20:00:00Z"), "alice", DeployOutcome.CREATED);

        String json = JSON.writeValueAsString(deployment);

        assertThat(json).isEqualTo("{\"name\":\"eta-live\",\"model\":\"demand/eta\",\"routing\":\"pinned\",\"instance\":\""
                + V1 + "\",\"partitionBy\":null,\"instances\":null,\"default\":null,\"features\":[{\"group\":\"driver_stats\","
                + "\"key\":\"driver_id\",\"features\":[\"trips_7d\",\"rating\"]}],\"missingFeatures\":\"reject\","
                + "\"logSampleRate\":0.1,\"outputs\":[\"eta\",\"eta_low\"],\"revision\":3,\"updatedAt\":\"2026-12-06T20:00:00Z\",\"updatedBy\":\"alice\","
                + "\"outcome\":\"created\"}");
        assertThat(JSON.readValue(json, Deployment.class)).isEqualTo(deployment);
    }

    @Test
    void aPartitionedDeploymentWithoutOutcomeRoundTrips() throws Exception {
        Deployment deployment = new Deployment("eta-by-city", "demand/eta",
                new Routing.Partitioned("city", Map.of("sf", V2, "nyc", V1), V2), List.of(), MissingFeatures.NULL, 0,
                List.of(), 1, Instant.parse("2026-12-06T20:00:00Z"), "bob", null);

        JsonNode json = JSON.valueToTree(deployment);

        assertThat(json.get("routing").asText()).isEqualTo("partitioned");
        assertThat(json.get("instance").isNull()).isTrue();
        assertThat(json.get("partitionBy").asText()).isEqualTo("city");
        assertThat(json.get("instances").get("nyc").asText()).isEqualTo(V1.toString());
        assertThat(json.get("default").asText()).isEqualTo(V2.toString());
        assertThat(json.get("missingFeatures").asText()).isEqualTo("null");
        assertThat(json.has("outcome")).isFalse();
        assertThat(json.get("outputs").isEmpty()).isTrue();
        assertThat(JSON.treeToValue(json, Deployment.class)).isEqualTo(deployment);
    }

    @Test
    void aDeploymentWithoutOutputsFromAnEarlierServerAnswersEveryColumn() throws Exception {
        Deployment deployment = JSON.readValue("{\"name\":\"eta-live\",\"model\":\"demand/eta\",\"routing\":\"pinned\","
                + "\"instance\":\"" + V1 + "\",\"logSampleRate\":0,\"revision\":1}", Deployment.class);

        assertThat(deployment.outputs()).isEmpty();
    }

    @Test
    void aRevisionRoundTripsWithItsActionAndReason() throws Exception {
        DeploymentRevision revision = new DeploymentRevision("eta-live", 2, RevisionAction.REFUSED, "demand/eta",
                new Routing.Pinned(V2), List.of(), MissingFeatures.NULL, 0, List.of("eta"), List.of("routing"),
                Instant.parse("2026-12-06T20:00:00Z"), "alice", "instance " + V2 + " cannot be served");

        JsonNode json = JSON.valueToTree(revision);

        assertThat(json.get("action").asText()).isEqualTo("refused");
        assertThat(json.get("routing").asText()).isEqualTo("pinned");
        assertThat(json.get("instance").asText()).isEqualTo(V2.toString());
        assertThat(json.get("reason").asText()).contains("cannot be served");
        assertThat(JSON.treeToValue(json, DeploymentRevision.class)).isEqualTo(revision);
        DeploymentRevision created = new DeploymentRevision("eta-live", 1, RevisionAction.CREATED, "demand/eta",
                new Routing.Pinned(V1), List.of(), MissingFeatures.NULL, 0, List.of(), List.of(), Instant.EPOCH, "alice", null);
        assertThat(JSON.valueToTree(created).has("reason")).isFalse();
    }

    @Test
    void definitionsWriteOnlyTheFieldsOfTheirRouting() throws Exception {
        assertThat(JSON.writeValueAsString(DeploymentDefinition.pinned("eta-live", V1)))
                .isEqualTo("{\"name\":\"eta-live\",\"instance\":\"" + V1 + "\"}");
        assertThat(JSON.writeValueAsString(DeploymentDefinition.latest("eta-live", "demand/eta")
                .withFeatures(List.of(new FeatureLookup("driver_stats", "driver_id", List.of("rating"))),
                        MissingFeatures.REJECT)
                .withLogSampleRate(0.1)
                .withOutputs(List.of("eta"))))
                .isEqualTo("{\"name\":\"eta-live\",\"model\":\"demand/eta\",\"latest\":true,\"features\":[{\"group\":"
                        + "\"driver_stats\",\"key\":\"driver_id\",\"features\":[\"rating\"]}],\"missingFeatures\":\"reject\","
                        + "\"logSampleRate\":0.1,\"outputs\":[\"eta\"]}");
        assertThat(JSON.writeValueAsString(DeploymentDefinition.partitioned("eta-by-city", "city", Map.of("nyc", V1), V2)))
                .isEqualTo("{\"name\":\"eta-by-city\",\"partitionBy\":\"city\",\"instances\":{\"nyc\":\"" + V1
                        + "\"},\"default\":\"" + V2 + "\"}");
    }

    @Test
    void aDefinitionReadsBackToItsOneRoutingAndKeepsAWrongCombinationForTheServerToName() throws Exception {
        DeploymentDefinition partitioned = JSON.readValue("{\"name\":\"x\",\"partitionBy\":\"city\",\"instances\":{\"nyc\":\""
                + V1 + "\"},\"default\":\"" + V2 + "\"}", DeploymentDefinition.class);
        assertThat(partitioned.routing()).contains(new Routing.Partitioned("city", Map.of("nyc", V1), V2));
        assertThat(JSON.readValue("{\"name\":\"x\",\"latest\":true}", DeploymentDefinition.class).routing())
                .contains(new Routing.Latest());

        DeploymentDefinition both = JSON.readValue("{\"name\":\"x\",\"instance\":\"" + V1 + "\",\"latest\":true}",
                DeploymentDefinition.class);
        assertThat(both.instance()).isEqualTo(V1);
        assertThat(both.routing()).isEmpty();
        assertThat(JSON.readValue("{\"name\":\"x\"}", DeploymentDefinition.class).routing()).isEmpty();
        assertThatThrownBy(() -> JSON.readValue("{\"name\":\"x\",\"routing\":\"pinned\"}", DeploymentDefinition.class))
                .hasMessageContaining("routing");
    }

    @Test
    void outcomesActionsAndPoliciesTravelByTheirLowerCaseNames() throws Exception {
        for (DeployOutcome outcome : DeployOutcome.values()) {
            String json = JSON.writeValueAsString(outcome);
            assertThat(json).isEqualTo("\"" + outcome.name().toLowerCase() + "\"");
            assertThat(JSON.readValue(json, DeployOutcome.class)).isEqualTo(outcome);
        }
        for (RevisionAction action : RevisionAction.values()) {
            assertThat(JSON.readValue(JSON.writeValueAsString(action), RevisionAction.class)).isEqualTo(action);
        }
        assertThat(JSON.writeValueAsString(MissingFeatures.NULL)).isEqualTo("\"null\"");
        assertThat(JSON.readValue("\"reject\"", MissingFeatures.class)).isEqualTo(MissingFeatures.REJECT);
        assertThatThrownBy(() -> JSON.readValue("\"zero\"", MissingFeatures.class)).hasMessageContaining("zero");
    }
}
