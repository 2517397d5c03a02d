package io.carrara.registry;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;

import io.carrara.registry.model.Annotation;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Instance annotations: one row per (instance, key), replaced when set again. */
final class AnnotationStore {
    void put(Handle handle, UUID instance, String key, String value, Instant now, String by) {
        remove(handle, instance, key);
        handle.createUpdate("INSERT INTO instance_annotations (instance_id, annotation_key, annotation_value, set_at, set_by)"
                        + " VALUES (?, ?, ?, ?, ?)")
                .bind(0, instance.toString()).bind(1, key).bind(2, value).bind(3, toDb(now)).bind(4, by).execute();
    }

    void remove(Handle handle, UUID instance, String key) {
        handle.createUpdate("DELETE FROM instance_annotations WHERE instance_id = ? AND annotation_key = ?")
                .bind(0, instance.toString()).bind(1, key).execute();
    }

    /** An instance's annotations by key, in key order. */
    Map<String, Annotation> list(Handle handle, UUID instance) {
        Map<String, Annotation> found = new TreeMap<>();
        handle.createQuery("SELECT annotation_key, annotation_value, set_at, set_by FROM instance_annotations WHERE instance_id = ?")
                .bind(0, instance.toString())
                .map((rs, ctx) -> new Annotation(rs.getString("annotation_key"), rs.getString("annotation_value"),
                        fromDb(rs.getObject("set_at", LocalDateTime.class)), rs.getString("set_by")))
                .forEach(annotation -> found.put(annotation.key(), annotation));
        return Collections.unmodifiableMap(found);
    }
}
