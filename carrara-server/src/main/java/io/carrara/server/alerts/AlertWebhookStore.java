package io.carrara.server.alerts;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static java.util.Objects.requireNonNull;

import io.carrara.api.alerts.AlertWebhook;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/** The alert webhooks of projects, in the registry database ({@code project_alert_webhooks}). */
public final class AlertWebhookStore {
    /** A webhook with its secret, for signing. */
    public record Stored(AlertWebhook webhook, String secret) {}

    private final RegistryDatabase database;

    public AlertWebhookStore(RegistryDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Adds a webhook; answers it with its secret. */
    public AlertWebhook add(String project, String url, String secret, String minSeverity, String user) {
        var now = DatabaseTimes.now();
        long id = database.inTransaction(handle -> handle.createUpdate("INSERT INTO project_alert_webhooks (project, url, secret,"
                        + " min_severity, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, project).bind(1, url).bind(2, secret).bind(3, minSeverity).bind(4, toDb(now)).bind(5, user)
                .executeAndReturnGeneratedKeys("webhook_id").mapTo(Long.class).one());
        return new AlertWebhook(id, project, url, minSeverity, now, user, secret);
    }

    /** A project's webhooks, oldest first, with their secrets. */
    public List<Stored> of(String project) {
        return database.jdbi().withHandle(handle -> select(handle, "project = ?", project, -1));
    }

    /** The webhooks matching {@code condition} (on project, and on webhook_id when {@code id} is positive), oldest first. */
    private static List<Stored> select(org.jdbi.v3.core.Handle handle, String condition, String project, long id) {
        var query = handle.createQuery("SELECT * FROM project_alert_webhooks WHERE " + condition + " ORDER BY webhook_id")
                .bind(0, project);
        if (id > 0) {
            query.bind(1, id);
        }
        return query.map((rs, ctx) -> new Stored(new AlertWebhook(rs.getLong("webhook_id"), rs.getString("project"), rs.getString("url"),
                        rs.getString("min_severity"), fromDb(rs.getObject("created_at", LocalDateTime.class)), rs.getString("created_by"),
                        null), rs.getString("secret")))
                .list();
    }

    /** Removes a project's webhook; answers it (without its secret), or empty when the project has no such webhook. */
    public Optional<AlertWebhook> remove(String project, long id) {
        return database.inTransaction(handle -> {
            Optional<Stored> found = select(handle, "project = ? AND webhook_id = ?", project, id).stream().findFirst();
            found.ifPresent(stored -> handle.createUpdate("DELETE FROM project_alert_webhooks WHERE webhook_id = ? AND project = ?")
                    .bind(0, id).bind(1, project).execute());
            return found.map(Stored::webhook);
        });
    }
}
