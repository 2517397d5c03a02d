package io.carrara.registry;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Metric;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Metrics: append-only rows, plus the latest numeric value of each (instance, scope, name) that search compares. */
final class MetricStore {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    /** Appends a metric and returns its id; a numeric one becomes the latest of its name and scope. */
    long insert(Handle handle, UUID instance, String scope, String name, Double value, JsonNode data,
            Map<String, String> metadata, Instant now, String by) {
        long id = handle.createUpdate("""
                        INSERT INTO metrics (instance_id, scope, name, metric_value, structured, metadata, recorded_at, recorded_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .bind(0, instance.toString()).bind(1, scope).bind(2, name).bind(3, value)
                .bind(4, data == null ? null : RegistryJson.write(data)).bind(5, RegistryJson.write(metadata)).bind(6, toDb(now))
                .bind(7, by)
                .executeAndReturnGeneratedKeys("metric_id")
                .mapTo(Long.class)
                .one();
        if (value != null) {
            handle.createUpdate("DELETE FROM metric_latest WHERE instance_id = ? AND scope = ? AND name = ?")
                    .bind(0, instance.toString()).bind(1, scope).bind(2, name).execute();
            handle.createUpdate("INSERT INTO metric_latest (instance_id, scope, name, metric_value, metric_id) VALUES (?, ?, ?, ?, ?)")
                    .bind(0, instance.toString()).bind(1, scope).bind(2, name).bind(3, value).bind(4, id).execute();
        }
        return id;
    }

    /** Every metric of an instance, oldest first. */
    List<Metric> list(Handle handle, UUID instance) {
        return handle.createQuery("""
                        SELECT metric_id, instance_id, scope, name, metric_value, structured, metadata, recorded_at, recorded_by
                        FROM metrics WHERE instance_id = ? ORDER BY metric_id""")
                .bind(0, instance.toString())
                .map((rs, ctx) -> new Metric(
                        rs.getLong("metric_id"),
                        UUID.fromString(rs.getString("instance_id")),
                        rs.getString("name"),
                        rs.getString("scope"),
                        nullableDouble(rs, "metric_value"),
                        rs.getString("structured") == null ? null : RegistryJson.readTree(rs.getString("structured")),
                        RegistryJson.read(rs.getString("metadata"), STRING_MAP),
                        fromDb(rs.getObject("recorded_at", LocalDateTime.class)),
                        rs.getString("recorded_by")))
                .list();
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
