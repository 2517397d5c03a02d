package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.Put;
import io.carrara.api.monitoring.MonitoringSettings;
import io.carrara.api.monitoring.MonitoringSettingsRequest;
import io.carrara.api.monitoring.OutcomeLoad;
import io.carrara.registry.monitoring.MonitoringStore;
import io.carrara.registry.monitoring.MonitoringTask;
import io.carrara.registry.monitoring.NewOutcome;
import io.carrara.server.access.AccessGuard;
import io.carrara.spi.error.CarraraException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Monitoring under {@code /api/v1/deployments/{name}}: its settings and the outcomes of its predictions; see docs/api.md. */
@ProducesJson
public final class MonitoringApi {
    private static final java.util.Set<String> FIELDS = java.util.Set.of("predictionId", "outcome", "observedAt");
    private final MonitoringStore monitoring;

    public MonitoringApi(MonitoringStore monitoring) {
        this.monitoring = requireNonNull(monitoring, "monitoring is null");
    }

    /** Declares what the deployment predicts (body {@code {"task": "classification"}}). */
    @Put("/deployments/{name}/monitoring/settings")
    public MonitoringSettings configure(@Param("name") String name, AggregatedHttpRequest request) {
        MonitoringSettingsRequest body = JsonBodies.read(request, MonitoringSettingsRequest.class);
        MonitoringTask task = MonitoringTask.fromWireName(body.task() == null ? "" : body.task())
                .orElseThrow(() -> new CarraraException(INVALID_ARGUMENT, "task must be classification (outcomes 0 or 1) or"
                        + " regression (outcomes are numbers), not '" + body.task() + "'", "task"));
        return settings(monitoring.configure(name, task, AccessGuard.caller().user()));
    }

    /** How the deployment is monitored; 404 when nothing was declared. */
    @Get("/deployments/{name}/monitoring/settings")
    public MonitoringSettings settings(@Param("name") String name) {
        return monitoring.settings(name).map(MonitoringApi::settings).orElseThrow(() -> new CarraraException(NOT_FOUND,
                "deployment " + name + " is not monitored yet: carrara monitor configure " + name + " --task classification|regression",
                "name"));
    }

    /**
     * Stores outcomes (body: a list of {@code {"predictionId", "outcome", "observedAt"?}}, at most 10,000): each row is
     * checked alone, refused rows are named in the answer, the others are stored.
     */
    @Post("/deployments/{name}/outcomes")
    public OutcomeLoad outcomes(@Param("name") String name, AggregatedHttpRequest request) {
        JsonNode body = JsonBodies.read(request, JsonNode.class);
        if (!body.isArray()) {
            throw new CarraraException(INVALID_ARGUMENT, "the body must be a JSON list of outcomes: [{\"predictionId\": \"…\","
                    + " \"outcome\": 1, \"observedAt\": \"2026-12-07T10:00:00Z\"}]", "body");
        }
        // Each row is read on its own, so that a row of the wrong shape is refused alone (by the store, naming it).
        List<NewOutcome> outcomes = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            JsonNode row = body.get(i);
            if (!row.isObject()) {
                outcomes.add(null);
                continue;
            }
            for (java.util.Iterator<String> names = row.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!FIELDS.contains(field)) {
                    throw new CarraraException(INVALID_ARGUMENT, "unknown field '" + field + "'; known fields: observedAt, outcome,"
                            + " predictionId", "[" + i + "]." + field);
                }
            }
            JsonNode id = row.get("predictionId");
            outcomes.add(new NewOutcome(id != null && (id.isTextual() || id.isNumber()) ? id.asText() : null, row.get("outcome"),
                    text(row.get("observedAt"))));
        }
        io.carrara.registry.monitoring.OutcomeLoad load = monitoring.loadOutcomes(name, outcomes,
                AccessGuard.caller().user());
        return new OutcomeLoad(load.received(), load.accepted(), load.duplicates(), load.orphans(), load.rejected(),
                load.problems().stream().map(problem -> new OutcomeLoad.Problem(problem.index(), problem.field(), problem.reason()))
                        .toList());
    }

    /** A text field as text, a number as its digits; anything else as its JSON, which the store refuses, saying what it got. */
    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isTextual() || value.isNumber() ? value.asText() : value.toString();
    }

    private static MonitoringSettings settings(io.carrara.registry.monitoring.MonitoringSettings settings) {
        return new MonitoringSettings(settings.deployment(), settings.task().wireName(), settings.updatedAt(), settings.updatedBy());
    }
}
