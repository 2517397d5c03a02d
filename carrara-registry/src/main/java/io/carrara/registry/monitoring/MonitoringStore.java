package io.carrara.registry.monitoring;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.CONFLICT;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.model.FieldChecks;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Monitoring's state in the registry database: each monitored deployment's settings, and the outcomes observed for its
 * logged predictions.
 *
 * <pre>{@code
 * MonitoringStore monitoring = new MonitoringStore(database, deployments);
 * monitoring.configure("fraud", MonitoringTask.CLASSIFICATION, "alice");
 * OutcomeLoad load = monitoring.loadOutcomes("fraud", List.of(new NewOutcome(predictionId, IntNode.valueOf(1), null)), "alice");
 * }</pre>
 */
public final class MonitoringStore {
    /** The most outcomes one load takes; a client sends more in several. */
    public static final int MAX_OUTCOMES_PER_LOAD = 10_000;
    /** How far in the future an observation time may be (clocks differ), beyond which it is refused. */
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    private static final int IN_CHUNK = 500;

    private final RegistryDatabase database;
    private final DeploymentRegistry deployments;

    public MonitoringStore(RegistryDatabase database, DeploymentRegistry deployments) {
        this.database = requireNonNull(database, "database is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
    }

    /** The most alert thresholds a deployment may have. */
    public static final int MAX_ALERTS = 20;

    /** Declares what {@code deployment} (which must exist) predicts, with no alert thresholds; replaces what was declared. */
    public MonitoringSettings configure(String deployment, MonitoringTask task, String user) {
        return configure(deployment, task, List.of(), user);
    }

    /** Declares what {@code deployment} (which must exist) predicts and its alert thresholds; replaces what was declared. */
    public MonitoringSettings configure(String deployment, MonitoringTask task, List<Threshold> alerts, String user) {
        Names.checkName(deployment, "deployment");
        requireNonNull(task, "task is null");
        requireNonNull(alerts, "alerts is null");
        if (alerts.size() > MAX_ALERTS) {
            throw new CarraraException(INVALID_ARGUMENT, "at most " + MAX_ALERTS + " alert thresholds, not " + alerts.size(), "alerts");
        }
        String rules = io.carrara.registry.json.RegistryJson.write(io.carrara.registry.json.RegistryJson.mapper().valueToTree(
                alerts.stream().map(Threshold::toString).toList()));
        deployments.get(deployment);   // 404 for a deployment that does not exist
        Instant now = DatabaseTimes.now();
        String by = FieldChecks.checkUser(user);
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM deployment_monitoring WHERE deployment = ?").bind(0, deployment).execute();
            handle.createUpdate("INSERT INTO deployment_monitoring (deployment, task, alert_rules, updated_at, updated_by)"
                            + " VALUES (?, ?, ?, ?, ?)")
                    .bind(0, deployment).bind(1, task.wireName()).bind(2, rules).bind(3, toDb(now)).bind(4, by).execute();
            return null;
        });
        return new MonitoringSettings(deployment, task, alerts, now, by);
    }

    /** How {@code deployment} is monitored, if it was configured. */
    public Optional<MonitoringSettings> settings(String deployment) {
        Names.checkName(deployment, "deployment");
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM deployment_monitoring WHERE deployment = ?")
                .bind(0, deployment)
                .map((rs, ctx) -> settings(rs))
                .findOne());
    }

    /** Every monitored deployment's settings, by name. */
    public List<MonitoringSettings> monitored() {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM deployment_monitoring ORDER BY deployment")
                .map((rs, ctx) -> settings(rs)).list());
    }

    private static MonitoringSettings settings(java.sql.ResultSet rs) throws java.sql.SQLException {
        String rules = rs.getString("alert_rules");
        List<Threshold> alerts = new ArrayList<>();
        if (rules != null) {
            io.carrara.registry.json.RegistryJson.readTree(rules).forEach(rule -> alerts.add(Threshold.parse(rule.asText(), "alerts")));
        }
        return new MonitoringSettings(rs.getString("deployment"), MonitoringTask.fromWireName(rs.getString("task")).orElseThrow(),
                alerts, fromDb(rs.getObject("updated_at", LocalDateTime.class)), rs.getString("updated_by"));
    }

    /**
     * Stores the outcomes of {@code deployment}'s predictions, each checked on its own: a bad row is refused and named,
     * never the whole load; the rows accepted are written in one transaction, all or none. A later outcome of the same
     * prediction replaces the earlier one (the last one wins) and is counted as a duplicate; one whose prediction is not
     * in the log yet is kept and counted as an orphan.
     */
    public OutcomeLoad loadOutcomes(String deployment, List<NewOutcome> outcomes, String user) {
        Names.checkName(deployment, "deployment");
        requireNonNull(outcomes, "outcomes is null");
        if (outcomes.isEmpty() || outcomes.size() > MAX_OUTCOMES_PER_LOAD) {
            throw new CarraraException(INVALID_ARGUMENT, "send 1 to " + MAX_OUTCOMES_PER_LOAD + " outcomes per request, not "
                    + outcomes.size() + " (carrara outcomes load sends a file in batches)", "outcomes");
        }
        MonitoringTask task = settings(deployment).map(MonitoringSettings::task).orElseThrow(() -> new CarraraException(CONFLICT,
                "deployment " + deployment + " has no monitoring task yet: declare what it predicts with carrara monitor configure "
                        + deployment + " --task classification|regression", "deployment"));
        String by = FieldChecks.checkUser(user);
        Instant now = DatabaseTimes.now();
        List<OutcomeLoad.Problem> problems = new ArrayList<>();
        int rejected = 0;
        int duplicates = 0;
        Map<String, Row> rows = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            NewOutcome outcome = outcomes.get(i);
            String[] problem = new String[1];
            String field = null;
            Row row = null;
            if (outcome == null) {
                field = "[" + i + "]";
                problem[0] = "is null: each outcome is {\"predictionId\", \"outcome\", \"observedAt\"?}";
            } else if (outcome.predictionId() == null || outcome.predictionId().isBlank() || outcome.predictionId().length() > 64
                    || !outcome.predictionId().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                field = "[" + i + "].predictionId";
                problem[0] = "must be the id a prediction was answered with (1 to 64 printable characters)";
            } else {
                Optional<String> value = task.normalize(outcome.outcome(), problem);
                if (value.isEmpty()) {
                    field = "[" + i + "].outcome";
                } else {
                    Instant observed = observedAt(outcome.observedAt(), now, problem);
                    if (observed == null) {
                        field = "[" + i + "].observedAt";
                    } else {
                        row = new Row(outcome.predictionId(), value.get(), observed);
                    }
                }
            }
            if (row == null) {
                rejected++;
                if (problems.size() < OutcomeLoad.MAX_PROBLEMS) {
                    problems.add(new OutcomeLoad.Problem(i, field, field + " " + problem[0]));
                }
                continue;
            }
            if (rows.remove(row.predictionId()) != null) {
                duplicates++;   // the same prediction earlier in this load: the last one wins
            }
            rows.put(row.predictionId(), row);
        }
        if (rows.isEmpty()) {
            return new OutcomeLoad(outcomes.size(), 0, duplicates, 0, rejected, problems);
        }
        List<Row> accepted = new ArrayList<>(rows.values());
        int[] counts = database.inTransaction(handle -> store(handle, deployment, accepted, now, by));
        return new OutcomeLoad(outcomes.size(), outcomes.size() - rejected, duplicates + counts[0], counts[1], rejected, problems);
    }

    /** An instance's reference profile as stored: its JSON document (checked by the caller), rows, who set it when. */
    public record StoredProfile(java.util.UUID instance, String json, long rows, Instant setAt, String setBy) {}

    /** Sets (replaces) the reference profile of an instance, which must exist. */
    public StoredProfile setProfile(java.util.UUID instance, String json, long rows, String user) {
        requireNonNull(instance, "instance is null");
        requireNonNull(json, "json is null");
        String by = FieldChecks.checkUser(user);
        Instant now = DatabaseTimes.now();
        database.inTransaction(handle -> {
            boolean exists = handle.createQuery("SELECT COUNT(*) FROM instances WHERE instance_id = ?").bind(0, instance.toString())
                    .mapTo(Integer.class).one() > 0;
            if (!exists) {
                throw new CarraraException(io.carrara.spi.error.StandardErrorCode.NOT_FOUND, "instance " + instance + " does not exist",
                        "id");
            }
            handle.createUpdate("DELETE FROM instance_profiles WHERE instance_id = ?").bind(0, instance.toString()).execute();
            handle.createUpdate("INSERT INTO instance_profiles (instance_id, profile, profile_rows, set_at, set_by) VALUES (?, ?, ?, ?, ?)")
                    .bind(0, instance.toString()).bind(1, json).bind(2, rows).bind(3, toDb(now)).bind(4, by).execute();
            return null;
        });
        return new StoredProfile(instance, json, rows, now, by);
    }

    /** The reference profile of an instance, if it has one. */
    public Optional<StoredProfile> profile(java.util.UUID instance) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM instance_profiles WHERE instance_id = ?")
                .bind(0, instance.toString())
                .map((rs, ctx) -> new StoredProfile(instance, rs.getString("profile"), rs.getLong("profile_rows"),
                        fromDb(rs.getObject("set_at", LocalDateTime.class)), rs.getString("set_by")))
                .findOne());
    }

    private record Row(String predictionId, String outcome, Instant observedAt) {}

    /** Writes the rows, replacing earlier outcomes of the same predictions; answers {replaced, orphans}. */
    private static int[] store(Handle handle, String deployment, List<Row> rows, Instant now, String by) {
        int replaced = 0;
        int logged = 0;
        for (int start = 0; start < rows.size(); start += IN_CHUNK) {
            List<Row> chunk = rows.subList(start, Math.min(start + IN_CHUNK, rows.size()));
            List<String> ids = chunk.stream().map(Row::predictionId).toList();
            Set<String> existing = existing(handle, "outcomes", deployment, ids);
            if (!existing.isEmpty()) {
                handle.createUpdate("DELETE FROM outcomes WHERE deployment = :deployment AND prediction_id IN (<ids>)")
                        .bind("deployment", deployment).bindList("ids", new ArrayList<>(existing)).execute();
                replaced += existing.size();
            }
            logged += existing(handle, "predictions", deployment, ids).size();
            PreparedBatch insert = handle.prepareBatch("INSERT INTO outcomes (deployment, prediction_id, outcome, observed_at, received_at,"
                    + " received_by) VALUES (?, ?, ?, ?, ?, ?)");
            for (Row row : chunk) {
                insert.bind(0, deployment).bind(1, row.predictionId()).bind(2, row.outcome()).bind(3, toDb(row.observedAt()))
                        .bind(4, toDb(now)).bind(5, by).add();
            }
            insert.execute();
        }
        return new int[] {replaced, rows.size() - logged};
    }

    /** Which of {@code ids} have a row of {@code deployment} in {@code table} (outcomes or predictions). */
    private static Set<String> existing(Handle handle, String table, String deployment, List<String> ids) {
        return new HashSet<>(handle.createQuery("SELECT prediction_id FROM " + table + " WHERE deployment = :deployment"
                        + " AND prediction_id IN (<ids>)")
                .bind("deployment", deployment).bindList("ids", ids).mapTo(String.class).list());
    }

    /** The observation time: now when absent; an ISO-8601 instant or date-time with offset; not in the future. */
    private static Instant observedAt(String text, Instant now, String[] problem) {
        if (text == null) {
            return now;
        }
        Instant parsed;
        try {
            parsed = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            problem[0] = "must be an ISO-8601 time with its offset, such as 2026-12-07T10:15:30Z, not '"
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
            return null;
        }
        if (parsed.isAfter(now.plus(FUTURE_TOLERANCE))) {
            problem[0] = "is in the future (" + parsed + "); outcomes are observed, not foreseen";
            return null;
        }
        return parsed;
    }
}
