package io.carrara.registry;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Event;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** The event outbox's rows: one written inside every change's transaction, read in commit order. */
final class EventStore {
    void insert(Handle handle, String type, String project, String model, UUID instance, JsonNode payload, Instant now) {
        handle.createUpdate("INSERT INTO events (event_type, project, model, instance_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, type).bind(1, project).bind(2, model).bind(3, instance == null ? null : instance.toString())
                .bind(4, RegistryJson.write(payload)).bind(5, toDb(now))
                .execute();
    }

    /** Events with an id greater than {@code after}, oldest first. */
    List<Event> after(Handle handle, long after, int limit) {
        return handle.createQuery("""
                        SELECT event_id, event_type, project, model, instance_id, payload, created_at
                        FROM events WHERE event_id > ? ORDER BY event_id LIMIT ?""")
                .bind(0, after).bind(1, limit)
                .map((rs, ctx) -> new Event(
                        rs.getLong("event_id"),
                        rs.getString("event_type"),
                        rs.getString("project"),
                        rs.getString("model"),
                        rs.getString("instance_id") == null ? null : UUID.fromString(rs.getString("instance_id")),
                        RegistryJson.readTree(rs.getString("payload")),
                        fromDb(rs.getObject("created_at", LocalDateTime.class))))
                .list();
    }
}
