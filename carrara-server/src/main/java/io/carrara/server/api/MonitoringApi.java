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
import io.carrara.api.monitoring.MonitoringRun;
import io.carrara.api.monitoring.MonitoringSeries;
import io.carrara.api.monitoring.MonitoringSettings;
import io.carrara.api.monitoring.MonitoringWindow;
import io.carrara.api.monitoring.MonitoringSettingsRequest;
import io.carrara.api.monitoring.OutcomeLoad;
import io.carrara.api.monitoring.ProfileInfo;
import io.carrara.monitoring.drift.Profile;
import io.carrara.monitoring.drift.ProfileJson;
import io.carrara.registry.monitoring.MonitoringStore;
import io.carrara.registry.monitoring.MonitoringTask;
import io.carrara.registry.monitoring.NewOutcome;
import io.carrara.registry.monitoring.WindowSize;
import io.carrara.server.access.AccessGuard;
import io.carrara.server.monitoring.QualityMonitor;
import io.carrara.spi.error.CarraraException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Monitoring under {@code /api/v1/deployments/{name}}: its settings and the outcomes of its predictions; see docs/api.md. */
@ProducesJson
public final class MonitoringApi {
    private static final java.util.Set<String> FIELDS = java.util.Set.of("predictionId", "key", "outcome", "observedAt");
    private static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    private static final int MAX_WINDOWS = 10_000;

    private final MonitoringStore monitoring;
    private final QualityMonitor monitor;

    public MonitoringApi(MonitoringStore monitoring, QualityMonitor monitor) {
        this.monitoring = requireNonNull(monitoring, "monitoring is null");
        this.monitor = requireNonNull(monitor, "monitor is null");
    }

    /**
     * Sets an instance's reference profile (body: a profile document as {@code carrara instance profile} builds it, see
     * docs/monitoring.md), against which the drift of its logged inputs is measured.
     */
    @Put("/instances/{id}/profile")
    public ProfileInfo setProfile(@Param("id") String id, AggregatedHttpRequest request) {
        UUID instance = ApiParameters.uuid(id, "id", "an instance id");
        byte[] body = request.content().array();
        if (body.length == 0) {
            throw new CarraraException(INVALID_ARGUMENT, "the body must be a profile document (carrara instance profile ID FILE makes"
                    + " one)", "profile");
        }
        Profile profile;
        try {
            profile = ProfileJson.read(body);
        } catch (IllegalArgumentException e) {
            throw new CarraraException(INVALID_ARGUMENT, "the profile is not valid: " + e.getMessage(), "profile");
        }
        MonitoringStore.StoredProfile stored = monitoring.setProfile(instance, new String(ProfileJson.write(profile),
                java.nio.charset.StandardCharsets.UTF_8), profile.rows(), AccessGuard.caller().user());
        return info(stored, profile);
    }

    /** An instance's reference profile: the document itself. */
    @Get("/instances/{id}/profile")
    public com.linecorp.armeria.common.HttpResponse profile(@Param("id") String id) {
        UUID instance = ApiParameters.uuid(id, "id", "an instance id");
        MonitoringStore.StoredProfile stored = monitoring.profile(instance).orElseThrow(() -> new CarraraException(NOT_FOUND,
                "instance " + instance + " has no reference profile: carrara instance profile " + instance + " FILE sets one", "id"));
        return com.linecorp.armeria.common.HttpResponse.of(com.linecorp.armeria.common.HttpStatus.OK,
                com.linecorp.armeria.common.MediaType.JSON_UTF_8, stored.json());
    }

    private static ProfileInfo info(MonitoringStore.StoredProfile stored, Profile profile) {
        return new ProfileInfo(stored.instance(), stored.rows(), new ArrayList<>(new java.util.TreeSet<>(profile.features().keySet())),
                profile.prediction() != null, stored.setAt(), stored.setBy());
    }

    /** Runs the quality monitor now over every monitored deployment (server admins). */
    @Post("/monitoring/run")
    public MonitoringRun run() {
        return new MonitoringRun(monitor.runOnce().windowsByDeployment());
    }

    /**
     * The deployment's windows of one size ({@code window}: 1d by default, or 1h) that start in [{@code from}, {@code to})
     * (ISO-8601; by default the last 30 days), oldest first: the series a chart draws.
     */
    @Get("/deployments/{name}/monitoring")
    public MonitoringSeries series(@Param("name") String name, @Param("window") Optional<String> window,
            @Param("from") Optional<String> from, @Param("to") Optional<String> to) {
        io.carrara.registry.monitoring.MonitoringSettings declared = declared(name);
        String size = window.filter(value -> !value.isBlank()).orElse(declared.primary().name());
        WindowSize chosen = declared.window(size).orElseThrow(() -> new CarraraException(INVALID_ARGUMENT, "window must be one of"
                + " the deployment's window sizes " + declared.windows() + ", not '" + size + "'", "window"));
        Instant end = ApiParameters.instant(to, "to").orElseGet(Instant::now);
        Instant start = ApiParameters.instant(from, "from").orElse(end.minus(DEFAULT_RANGE));
        if (!start.isBefore(end)) {
            throw new CarraraException(INVALID_ARGUMENT, "from (" + start + ") must be before to (" + end + ")", "from");
        }
        List<MonitoringWindow> windows = monitor.windows(name, size, start, end, MAX_WINDOWS * 20).stream()
                .map(found -> new MonitoringWindow(found.instance(), size, found.start(), found.start().plus(chosen.length()),
                        found.metrics(), found.computedAt()))
                .toList();
        return new MonitoringSeries(name, declared.task().wireName(), size, start, end, windows);
    }

    /** Declares what the deployment predicts (body {@code {"task": "classification"}}). */
    @Put("/deployments/{name}/monitoring/settings")
    public MonitoringSettings configure(@Param("name") String name, AggregatedHttpRequest request) {
        MonitoringSettingsRequest body = JsonBodies.read(request, MonitoringSettingsRequest.class);
        MonitoringTask task = MonitoringTask.fromWireName(body.task() == null ? "" : body.task())
                .orElseThrow(() -> new CarraraException(INVALID_ARGUMENT, "task must be classification (outcomes 0 or 1) or"
                        + " regression (outcomes are numbers), not '" + body.task() + "'", "task"));
        List<io.carrara.registry.monitoring.Threshold> alerts = new ArrayList<>();
        if (body.alerts() != null) {
            for (int i = 0; i < body.alerts().size(); i++) {
                alerts.add(io.carrara.registry.monitoring.Threshold.parse(body.alerts().get(i), "alerts[" + i + "]"));
            }
        }
        return settings(monitoring.configure(name, task, alerts, body.outcomeKey(),
                io.carrara.registry.monitoring.MonitoringSettings.parseLookback(body.lookback(), "lookback"),
                WindowSize.parseAll(body.windows(), "windows"), AccessGuard.caller().user()));
    }

    /** How the deployment is monitored; 404 when nothing was declared. */
    @Get("/deployments/{name}/monitoring/settings")
    public MonitoringSettings settings(@Param("name") String name) {
        return settings(declared(name));
    }

    private io.carrara.registry.monitoring.MonitoringSettings declared(String name) {
        return monitoring.settings(name).orElseThrow(() -> new CarraraException(NOT_FOUND, "deployment " + name
                + " is not monitored yet: carrara monitor configure " + name + " --task classification|regression", "name"));
    }

    /**
     * Stores outcomes (body: a list of {@code {"predictionId" or "key", "outcome", "observedAt"?}}, at most 10,000): each
     * row is checked alone, refused rows are named in the answer, the others are stored.
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
                    throw new CarraraException(INVALID_ARGUMENT, "unknown field '" + field + "'; known fields: key, observedAt,"
                            + " outcome, predictionId", "[" + i + "]." + field);
                }
            }
            JsonNode id = row.get("predictionId");
            JsonNode key = row.get("key");
            outcomes.add(new NewOutcome(id != null && (id.isTextual() || id.isNumber()) ? id.asText() : null,
                    key == null || key.isNull() ? null : io.carrara.monitoring.OutcomeKeys.text(key).orElse(""), row.get("outcome"),
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
        return new MonitoringSettings(settings.deployment(), settings.task().wireName(),
                settings.alerts().stream().map(Object::toString).toList(), settings.outcomeKey(),
                io.carrara.registry.monitoring.MonitoringSettings.lookbackText(settings.lookback()),
                settings.windows().stream().map(WindowSize::name).toList(), settings.updatedAt(), settings.updatedBy());
    }
}
