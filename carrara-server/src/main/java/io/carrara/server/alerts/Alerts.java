package io.carrara.server.alerts;

import static java.util.Objects.requireNonNull;

import io.carrara.api.alerts.AlertDelivery;
import io.carrara.registry.json.RegistryJson;
import io.carrara.server.rules.WebhookSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Raises alerts about a project's models (a rule's {@code alert}; monitoring's thresholds later): a structured log line,
 * the {@code carrara_alerts_total} counter by source and severity, and a POST to each of the project's alert webhooks
 * whose minimum severity the alert reaches, signed with that webhook's secret (Standard Webhooks, retried on 429 and 5xx
 * by the {@link WebhookSender}). The webhook id is the alert's key and the webhook's id, so a retried alert is sent with
 * the same id and a receiver can drop the duplicate.
 */
public final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The severities, least severe first: the ones a rule's alert action takes. */
    public static final List<String> SEVERITIES = io.carrara.rules.ActionKind.SEVERITIES;

    /**
     * One alert: about {@code project} (null: no project, so no webhooks), raised by {@code source} ({@code rule:NAME},
     * {@code monitor:DEPLOYMENT}), with details sent along as JSON.
     */
    public record Alert(String project, String source, String severity, String message, Map<String, Object> details) {
        public Alert {
            requireNonNull(source, "source is null");
            requireNonNull(message, "message is null");
            if (!SEVERITIES.contains(severity)) {
                throw new IllegalArgumentException("severity must be one of " + SEVERITIES + ": " + severity);
            }
            details = details == null ? Map.of() : details;
        }
    }

    private final AlertWebhookStore webhooks;
    private final WebhookSender sender;
    private final MeterRegistry meters;

    public Alerts(AlertWebhookStore webhooks, WebhookSender sender, MeterRegistry meters) {
        this.webhooks = requireNonNull(webhooks, "webhooks is null");
        this.sender = requireNonNull(sender, "sender is null");
        this.meters = requireNonNull(meters, "meters is null");
    }

    public AlertWebhookStore webhooks() {
        return webhooks;
    }

    /** A new webhook secret: {@code whsec_} and 32 random bytes in base64, as Standard Webhooks receivers expect. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    /** Whether {@code severity} is at least {@code minimum}. */
    public static boolean reaches(String severity, String minimum) {
        return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
    }

    /**
     * Raises {@code alert}: logs it, counts it and posts it to the project's webhooks that take its severity. {@code key}
     * identifies the alert (the same on a retry). Answers what came of each webhook.
     */
    public List<AlertDelivery> raise(Alert alert, String key) throws InterruptedException {
        requireNonNull(alert, "alert is null");
        requireNonNull(key, "key is null");
        Counter.builder("carrara.alerts").description("alerts raised, by source kind and severity")
                .tag("source", alert.source().contains(":") ? alert.source().substring(0, alert.source().indexOf(':')) : alert.source())
                .tag("severity", alert.severity()).register(meters).increment();
        Level level = switch (alert.severity()) {
            case "info" -> Level.INFO;
            case "critical" -> Level.ERROR;
            default -> Level.WARN;
        };
        log.atLevel(level).setMessage("alert").addKeyValue("project", alert.project()).addKeyValue("source", alert.source())
                .addKeyValue("severity", alert.severity()).addKeyValue("message", alert.message()).addKeyValue("alert", key).log();
        List<AlertDelivery> deliveries = new ArrayList<>();
        if (alert.project() == null) {
            return deliveries;
        }
        for (AlertWebhookStore.Stored webhook : webhooks.of(alert.project())) {
            if (reaches(alert.severity(), webhook.webhook().minSeverity())) {
                deliveries.add(post(webhook, alert, key));
            }
        }
        return deliveries;
    }

    /** Posts {@code alert} to one webhook whatever its minimum severity (a test of the webhook). */
    public AlertDelivery post(AlertWebhookStore.Stored webhook, Alert alert, String key) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "alert");
        body.put("alert", key);
        body.put("project", alert.project());
        body.put("severity", alert.severity());
        body.put("message", alert.message());
        body.put("source", alert.source());
        body.put("details", alert.details());
        body.put("raisedAt", Instant.now().toString());
        String json = RegistryJson.write(RegistryJson.mapper().valueToTree(body));
        WebhookSender.Delivery delivery = sender.send(URI.create(webhook.webhook().url()), key + "-" + webhook.webhook().id(), json,
                webhook.secret());
        if (!delivery.delivered()) {
            log.atWarn().setMessage("an alert webhook did not take the alert").addKeyValue("project", alert.project())
                    .addKeyValue("webhook", webhook.webhook().id()).addKeyValue("alert", key).addKeyValue("reason", delivery.detail()).log();
        }
        return new AlertDelivery(webhook.webhook().id(), webhook.webhook().url(), delivery.delivered(), delivery.status(),
                delivery.attempts(), delivery.detail());
    }
}
