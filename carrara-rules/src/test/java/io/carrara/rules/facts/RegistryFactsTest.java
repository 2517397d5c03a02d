package io.carrara.rules.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.registry.model.Artifact;
import io.carrara.registry.model.ArtifactPackaging;
import io.carrara.registry.model.Event;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Metric;
import io.carrara.registry.model.Provenance;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RegistryFactsTest {
    private static final UUID ID = UUID.fromString("6f1c2d3e-0000-4000-8000-000000000001");
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    @Test
    void instanceFactsKeepTheLatestNumericValueOfEachMetric() {
        Instance instance = new Instance(ID, new ModelRef("maps", "eta"), 3, T0, "alice", Instance.REASON_UPLOAD, null,
                new Artifact("a".repeat(64), 10, ArtifactFormat.PYTHON, ArtifactPackaging.ZIP, "blob://x"),
                Map.of("city", "nyc"), Provenance.empty(), Map.of(), false, null, null, null);
        List<Metric> metrics = List.of(
                new Metric(2, ID, "mae", "validation", 4.0, null, Map.of(), T0.plusSeconds(20), "alice"),
                new Metric(1, ID, "mae", "validation", 5.0, null, Map.of(), T0.plusSeconds(10), "alice"),
                new Metric(3, ID, "curve", "validation", null, JsonNodeFactory.instance.arrayNode(), Map.of(), T0, "alice"),
                new Metric(4, ID, "mae", "production", 6.0, null, Map.of(), T0, "alice"));
        InstanceFacts facts = InstanceFacts.from(instance, metrics);
        assertThat(facts.id()).isEqualTo(ID);
        assertThat(facts.model()).isEqualTo(new ModelRef("maps", "eta"));
        assertThat(facts.version()).isEqualTo(3);
        assertThat(facts.format()).isEqualTo("python");
        assertThat(facts.metadata()).containsExactly(Map.entry("city", "nyc"));
        assertThat(facts.metric("validation", "mae")).contains(4.0);
        assertThat(facts.metric("production", "mae")).contains(6.0);
        assertThat(facts.metric("validation", "curve")).isEmpty();
        assertThat(facts.withMetric("validation", "mae", 3.5).metric("validation", "mae")).contains(3.5);
    }

    @Test
    void eventFactsReadTheMetricAndDeploymentFromThePayload() {
        ObjectNode metric = JsonNodeFactory.instance.objectNode().put("metricId", 7).put("name", "mae")
                .put("scope", "validation").put("value", 4.5);
        EventFacts recorded = EventFacts.from(new Event(1, Event.METRIC_RECORDED, "maps", "eta", ID, metric, T0));
        assertThat(recorded.metric()).isEqualTo(new MetricFacts("validation", "mae", 4.5));
        assertThat(recorded.instance()).isEqualTo(ID);
        assertThat(recorded.payload()).containsEntry("metricId", "7");
        assertThat(recorded.deployment()).isNull();

        ObjectNode deployment = JsonNodeFactory.instance.objectNode().put("deployment", "eta").put("revision", 4);
        deployment.putArray("instances").add(ID.toString());
        EventFacts updated = EventFacts.from(new Event(2, Event.DEPLOYMENT_UPDATED, "maps", "eta", null, deployment, T0));
        assertThat(updated.deployment()).isEqualTo("eta");
        assertThat(updated.metric()).isNull();
        assertThat(updated.payload()).containsOnlyKeys("deployment", "revision");
        assertThat(Optional.ofNullable(updated.instance())).isEmpty();
    }
}
