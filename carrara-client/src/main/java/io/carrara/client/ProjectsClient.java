package io.carrara.client;

import io.carrara.api.Page;
import io.carrara.api.alerts.AlertDelivery;
import io.carrara.api.alerts.AlertWebhook;
import io.carrara.api.alerts.NewAlertWebhook;
import io.carrara.api.registry.NewProject;
import io.carrara.api.registry.Project;
import io.carrara.spi.model.Names;
import java.util.List;

/**
 * The projects of the registry: namespaces of models. Reached through {@link CarraraClient#projects()}.
 */
public final class ProjectsClient {
    private final Transport transport;

    ProjectsClient(Transport transport) {
        this.transport = transport;
    }

    // ---- projects

    public Project create(String name, String description) {
        Names.checkName(name, "project");
        return transport.call(transport.request("/api/v1/projects").header("Content-Type", "application/json")
                .POST(transport.jsonBody(new NewProject(name, description))), transport.type(Project.class));
    }

    public Project get(String name) {
        return transport.call(transport.request(Transport.projectPath(name)).GET(), transport.type(Project.class));
    }

    public Page<Project> list(int limit, int offset) {
        return transport.call(transport.request(Transport.withPage("/api/v1/projects", limit, offset)).GET(), transport.pageOf(Project.class));
    }

    /** Every project, following pages. */
    public List<Project> list() {
        return Transport.all(this::list);
    }

    // ---- alert webhooks

    /**
     * Adds an alert webhook to {@code project}: alerts of {@code minSeverity} (null: warning) or worse are POSTed to
     * {@code url}. The answer holds the webhook's secret, which is never shown again.
     */
    public AlertWebhook addAlertWebhook(String project, String url, String minSeverity) {
        return transport.call(transport.request(Transport.projectPath(project) + "/alert-webhooks")
                .header("Content-Type", "application/json").POST(transport.jsonBody(new NewAlertWebhook(url, minSeverity))),
                transport.type(AlertWebhook.class));
    }

    /** The alert webhooks of {@code project}, without their secrets. */
    public List<AlertWebhook> alertWebhooks(String project) {
        Page<AlertWebhook> page = transport.call(transport.request(Transport.projectPath(project) + "/alert-webhooks").GET(),
                transport.pageOf(AlertWebhook.class));
        return page.items();
    }

    /** Removes an alert webhook; answers what it was. */
    public AlertWebhook removeAlertWebhook(String project, long id) {
        return transport.call(transport.request(Transport.projectPath(project) + "/alert-webhooks/" + id).DELETE(),
                transport.type(AlertWebhook.class));
    }

    /** Posts a test alert to one webhook; answers what came of it. */
    public AlertDelivery testAlertWebhook(String project, long id) {
        return transport.call(transport.request(Transport.projectPath(project) + "/alert-webhooks/" + id + "/test")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()), transport.type(AlertDelivery.class));
    }
}
