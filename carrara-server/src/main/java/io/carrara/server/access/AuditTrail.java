package io.carrara.server.access;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.access.AuditRecord;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.spi.error.CarraraException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The audit trail in the registry database: append-only (nothing here updates or deletes a record),
 * read by filters with an id cursor.
 */
public final class AuditTrail {
    public static final int MAX_LIMIT = 1000;

    private final RegistryDatabase database;

    public AuditTrail(RegistryDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Appends a record; its id is assigned by the database (the one in {@code record} is ignored). */
    public void append(AuditRecord record) {
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO audit_log (logged_at, user_name, token_id, action, project, object, address, status, outcome,
                                               reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .bind(0, toDb(record.time())).bind(1, clip(record.user(), 128))
                .bind(2, record.token() == null ? null : record.token().toString())
                .bind(3, clip(record.action(), 400)).bind(4, clip(record.project(), 128)).bind(5, clip(record.object(), 400))
                .bind(6, clip(record.address(), 64)).bind(7, record.status()).bind(8, record.outcome())
                .bind(9, clip(record.reason(), 128)).execute());
    }

    /**
     * Records after id {@code after}, oldest first, at most {@code limit}; each filter may be null. A caller's
     * records are those made with its identity ({@code user}), a project's those about it.
     */
    public List<AuditRecord> find(String user, String project, Instant since, long after, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be between 1 and " + MAX_LIMIT + ", not " + limit, "limit");
        }
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE audit_id > ?");
        List<Object> values = new ArrayList<>(List.of(after));
        if (user != null) {
            sql.append(" AND user_name = ?");
            values.add(user);
        }
        if (project != null) {
            sql.append(" AND project = ?");
            values.add(project);
        }
        if (since != null) {
            sql.append(" AND logged_at >= ?");
            values.add(toDb(since));
        }
        sql.append(" ORDER BY audit_id LIMIT ?");
        values.add(limit);
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery(sql.toString());
            for (int i = 0; i < values.size(); i++) {
                query.bind(i, values.get(i));
            }
            return query.map((rs, ctx) -> {
                String token = rs.getString("token_id");
                return new AuditRecord(rs.getLong("audit_id"), fromDb(rs.getObject("logged_at", LocalDateTime.class)),
                        rs.getString("user_name"), token == null ? null : UUID.fromString(token), rs.getString("action"),
                        rs.getString("project"), rs.getString("object"), rs.getString("address"), rs.getInt("status"),
                        rs.getString("outcome"), rs.getString("reason"));
            }).list();
        });
    }

    private static String clip(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
