package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.api.monitoring.MonitoringRun;
import io.carrara.api.monitoring.MonitoringSeries;
import io.carrara.api.monitoring.MonitoringSettings;
import io.carrara.api.monitoring.MonitoringSettingsRequest;
import io.carrara.api.monitoring.NewOutcome;
import io.carrara.api.monitoring.OutcomeLoad;
import java.util.List;

/** Monitoring of deployments: what each predicts, and the outcomes of its predictions. Reached through {@link CarraraClient#monitoring()}. */
public final class MonitoringClient {
    /** The most outcomes the server takes per request; {@link #loadOutcomes} callers send more in several. */
    public static final int MAX_OUTCOMES_PER_REQUEST = 10_000;

    private final Transport transport;

    MonitoringClient(Transport transport) {
        this.transport = transport;
    }

    /** Declares what {@code deployment} predicts: {@code classification} or {@code regression}. */
    public MonitoringSettings configure(String deployment, String task) {
        return configure(deployment, task, List.of());
    }

    /** Declares what {@code deployment} predicts and its alert thresholds ({@code auc < 0.7}). */
    public MonitoringSettings configure(String deployment, String task, List<String> alerts) {
        return configure(deployment, new MonitoringSettingsRequest(task, alerts.isEmpty() ? null : alerts));
    }

    /**
     * Declares everything about how {@code deployment} is monitored (task, alert thresholds, outcome key and lookback,
     * window sizes), replacing what was declared.
     */
    public MonitoringSettings configure(String deployment, MonitoringSettingsRequest settings) {
        requireNonNull(settings, "settings is null");
        requireNonNull(settings.task(), "task is null");
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/monitoring/settings")
                .header("Content-Type", "application/json").PUT(transport.jsonBody(settings)),
                transport.type(MonitoringSettings.class));
    }

    /** How {@code deployment} is monitored. */
    public MonitoringSettings settings(String deployment) {
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/monitoring/settings").GET(),
                transport.type(MonitoringSettings.class));
    }

    /** Sets an instance's reference profile (a profile document, as io.carrara.monitoring.drift.ProfileJson writes it). */
    public io.carrara.api.monitoring.ProfileInfo setProfile(java.util.UUID instance, byte[] profile) {
        requireNonNull(profile, "profile is null");
        return transport.call(transport.request(Transport.instancePath(instance) + "/profile").header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(profile)), transport.type(io.carrara.api.monitoring.ProfileInfo.class));
    }

    /** Runs the quality monitor now over every monitored deployment (server admins); answers the windows it computed. */
    public MonitoringRun run() {
        return transport.call(transport.request("/api/v1/monitoring/run").POST(java.net.http.HttpRequest.BodyPublishers.noBody()),
                transport.type(MonitoringRun.class));
    }

    /** How long an export or a computation on Spark may take (the server's bound). */
    private static final java.time.Duration SPARK_JOB_TIMEOUT = java.time.Duration.ofMinutes(31);

    /**
     * Writes {@code deployment}'s prediction log of the dates from {@code from} to {@code to} (UTC), with the outcomes
     * joined so far, into {@code table} of the server's catalog, replacing those dates.
     */
    public io.carrara.api.monitoring.PredictionLogExport export(String deployment, String table, java.time.LocalDate from,
            java.time.LocalDate to) {
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/monitoring/export")
                        .header("Content-Type", "application/json").POST(transport.jsonBody(new io.carrara.api.monitoring.MonitoringTableRequest(
                                table, from.toString(), to.toString()))),
                transport.type(io.carrara.api.monitoring.PredictionLogExport.class), SPARK_JOB_TIMEOUT);
    }

    /** Computes {@code deployment}'s windows of those dates on Spark from a prediction log table, and records them. */
    public io.carrara.api.monitoring.MonitoringComputation compute(String deployment, String table, java.time.LocalDate from,
            java.time.LocalDate to) {
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/monitoring/compute")
                        .header("Content-Type", "application/json").POST(transport.jsonBody(new io.carrara.api.monitoring.MonitoringTableRequest(
                                table, from.toString(), to.toString()))),
                transport.type(io.carrara.api.monitoring.MonitoringComputation.class), SPARK_JOB_TIMEOUT);
    }

    /** The deployment's windows of size {@code window} (1d, 1h; null: 1d) starting in [from, to) (null: the last 30 days). */
    public MonitoringSeries series(String deployment, String window, java.time.Instant from, java.time.Instant to) {
        java.util.Map<String, Object> query = new java.util.LinkedHashMap<>();
        query.put("window", window);
        query.put("from", from == null ? null : from.toString());
        query.put("to", to == null ? null : to.toString());
        return transport.call(transport.request(Transport.withQuery(Transport.deploymentPath(deployment) + "/monitoring", query)).GET(),
                transport.type(MonitoringSeries.class));
    }

    /** Sends up to {@value #MAX_OUTCOMES_PER_REQUEST} outcomes; answers what came of them, row by row. */
    public OutcomeLoad loadOutcomes(String deployment, List<NewOutcome> outcomes) {
        requireNonNull(outcomes, "outcomes is null");
        return transport.call(transport.request(Transport.deploymentPath(deployment) + "/outcomes")
                .header("Content-Type", "application/json").POST(transport.jsonBody(outcomes)), transport.type(OutcomeLoad.class));
    }
}
