package io.carrara.server.api;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.StatusCode;
import io.carrara.api.Page;
import io.carrara.api.alerts.AlertDelivery;
import io.carrara.api.alerts.AlertWebhook;
import io.carrara.api.alerts.NewAlertWebhook;
import io.carrara.registry.ModelRegistry;
import io.carrara.server.access.AccessGuard;
import io.carrara.server.alerts.AlertWebhookStore;
import io.carrara.server.alerts.Alerts;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

/** A project's alert webhooks under {@code /api/v1/projects/{project}/alert-webhooks}; see docs/api.md. */
@ProducesJson
public final class AlertWebhookApi {
    static final int MAX_WEBHOOKS = 20;

    private final Alerts alerts;
    private final ModelRegistry registry;
    private final OutboundAddressPolicy outbound;

    public AlertWebhookApi(Alerts alerts, ModelRegistry registry, OutboundAddressPolicy outbound) {
        this.alerts = requireNonNull(alerts, "alerts is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.outbound = requireNonNull(outbound, "outbound is null");
    }

    /** Adds a webhook; the answer holds its secret, which is never shown again. */
    @Post("/projects/{project}/alert-webhooks")
    @StatusCode(201)
    public AlertWebhook add(@Param("project") String project, AggregatedHttpRequest request) {
        registry.getProject(project);   // 404 for a project that does not exist
        NewAlertWebhook body = JsonBodies.read(request, NewAlertWebhook.class);
        if (body.url() == null || body.url().isBlank() || body.url().length() > 2000) {
            throw new CarraraException(INVALID_ARGUMENT, "url is required: the https address alerts are POSTed to (at most 2,000"
                    + " characters)", "url");
        }
        URI url;
        try {
            url = new URI(body.url());
        } catch (URISyntaxException e) {
            throw new CarraraException(INVALID_ARGUMENT, "url is not a URL: " + e.getReason(), "url");
        }
        outbound.check(url, "url");
        String minSeverity = body.minSeverity() == null ? "warning" : body.minSeverity();
        if (!Alerts.SEVERITIES.contains(minSeverity)) {
            throw new CarraraException(INVALID_ARGUMENT, "minSeverity must be one of " + String.join(", ", Alerts.SEVERITIES)
                    + ", not '" + minSeverity + "'", "minSeverity");
        }
        if (alerts.webhooks().of(project).size() >= MAX_WEBHOOKS) {
            throw new CarraraException(INVALID_ARGUMENT, "project " + project + " has " + MAX_WEBHOOKS
                    + " alert webhooks already: remove one first", "url");
        }
        return alerts.webhooks().add(project, url.toString(), Alerts.newSecret(), minSeverity, AccessGuard.caller().user());
    }

    /** The project's webhooks, without their secrets. */
    @Get("/projects/{project}/alert-webhooks")
    public Page<AlertWebhook> list(@Param("project") String project) {
        registry.getProject(project);
        return new Page<>(alerts.webhooks().of(project).stream().map(AlertWebhookStore.Stored::webhook).toList(), null);
    }

    /** Removes a webhook; answers what it was. */
    @Delete("/projects/{project}/alert-webhooks/{id}")
    public AlertWebhook remove(@Param("project") String project, @Param("id") String id) {
        return alerts.webhooks().remove(project, webhookId(id)).orElseThrow(() -> notFound(project, id));
    }

    /** Posts a test alert (severity info) to one webhook, whatever its minimum severity; answers what came of it. */
    @Post("/projects/{project}/alert-webhooks/{id}/test")
    public AlertDelivery test(@Param("project") String project, @Param("id") String id) throws InterruptedException {
        long webhook = webhookId(id);
        List<AlertWebhookStore.Stored> all = alerts.webhooks().of(project);
        AlertWebhookStore.Stored stored = all.stream().filter(candidate -> candidate.webhook().id() == webhook).findFirst()
                .orElseThrow(() -> notFound(project, id));
        String user = AccessGuard.caller().user();
        return alerts.post(stored, new Alerts.Alert(project, "test:" + user, "info", "a test alert sent by " + user,
                Map.of()), "test-" + java.util.UUID.randomUUID());
    }

    private static long webhookId(String id) {
        try {
            long value = Long.parseLong(id);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CarraraException(INVALID_ARGUMENT, "id must be a webhook id (a positive whole number), not '" + id + "'", "id");
    }

    private static CarraraException notFound(String project, String id) {
        return new CarraraException(NOT_FOUND, "project " + project + " has no alert webhook " + id
                + "; carrara project alert-webhook list " + project + " shows them", "id");
    }
}
