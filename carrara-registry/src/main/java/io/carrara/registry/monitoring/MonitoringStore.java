package io.carrara.registry.monitoring;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.CONFLICT;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.monitoring.OutcomeKeys;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.json.RegistryJson;
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
        return configure(deployment, task, alerts, null, MonitoringSettings.DEFAULT_LOOKBACK, WindowSize.DEFAULTS, user);
    }

    /**
     * Declares everything about how {@code deployment} (which must exist) is monitored, replacing what was declared:
     * what it predicts, its alert thresholds, the input field its outcomes may be keyed by (null: by prediction id only)
     * with the lookback, and its window sizes. A new or changed outcome key is copied from the predictions logged
     * within the lookback at the monitor's next run.
     */
    public MonitoringSettings configure(String deployment, MonitoringTask task, List<Threshold> alerts, String outcomeKey,
            Duration lookback, List<WindowSize> windows, String user) {
        Names.checkName(deployment, "deployment");
        requireNonNull(task, "task is null");
        requireNonNull(alerts, "alerts is null");
        requireNonNull(lookback, "lookback is null");
        requireNonNull(windows, "windows is null");
        if (alerts.size() > MAX_ALERTS) {
            throw new CarraraException(INVALID_ARGUMENT, "at most " + MAX_ALERTS + " alert thresholds, not " + alerts.size(), "alerts");
        }
        String key = MonitoringSettings.checkOutcomeKey(outcomeKey, "outcomeKey");
        List<WindowSize> sizes = WindowSize.parseAll(windows.stream().map(WindowSize::name).toList(), "windows");
        String rules = RegistryJson.write(RegistryJson.mapper().valueToTree(alerts.stream().map(Threshold::toString).toList()));
        deployments.get(deployment);   // 404 for a deployment that does not exist
        Instant now = DatabaseTimes.now();
        String by = FieldChecks.checkUser(user);
        database.inTransaction(handle -> {
            String before = handle.createQuery("SELECT outcome_key FROM deployment_monitoring WHERE deployment = ?").bind(0, deployment)
                    .mapTo(String.class).findOne().orElse(null);
            handle.createUpdate("DELETE FROM deployment_monitoring WHERE deployment = ?").bind(0, deployment).execute();
            handle.createUpdate("INSERT INTO deployment_monitoring (deployment, task, alert_rules, outcome_key, lookback_seconds,"
                            + " window_names, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, deployment).bind(1, task.wireName()).bind(2, rules).bind(3, key).bind(4, lookback.toSeconds())
                    .bind(5, String.join(",", sizes.stream().map(WindowSize::name).toList())).bind(6, toDb(now)).bind(7, by).execute();
            if (key != null && !key.equals(before)) {
                // Another field: the keys copied so far are of the old one; the monitor copies them again within the lookback.
                handle.createUpdate("UPDATE predictions SET outcome_key = NULL WHERE deployment = ? AND outcome_key IS NOT NULL")
                        .bind(0, deployment).execute();
                handle.createUpdate("UPDATE monitoring_cursors SET keys_until = NULL WHERE deployment = ?").bind(0, deployment).execute();
            }
            return null;
        });
        return new MonitoringSettings(deployment, task, alerts, key, lookback, sizes, now, by);
    }

    /** A 404 naming the deployment when it does not exist. */
    public void requireDeployment(String deployment) {
        Names.checkName(deployment, "deployment");
        deployments.get(deployment);
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
            RegistryJson.readTree(rules).forEach(rule -> alerts.add(Threshold.parse(rule.asText(), "alerts")));
        }
        long lookback = rs.getLong("lookback_seconds");
        String windows = rs.getString("window_names");
        return new MonitoringSettings(rs.getString("deployment"), MonitoringTask.fromWireName(rs.getString("task")).orElseThrow(),
                alerts, rs.getString("outcome_key"), rs.wasNull() || lookback <= 0 ? MonitoringSettings.DEFAULT_LOOKBACK
                        : Duration.ofSeconds(lookback),
                windows == null ? WindowSize.DEFAULTS : WindowSize.parseAll(List.of(windows.split(",")), "windows"),
                fromDb(rs.getObject("updated_at", LocalDateTime.class)), rs.getString("updated_by"));
    }

    /**
     * Stores the outcomes of {@code deployment}'s predictions, each checked on its own: a bad row is refused and named,
     * never the whole load; the rows accepted are written in one transaction, all or none. A row names its prediction by
     * id, or by the value of the deployment's outcome key, which matches the latest logged prediction with that key made
     * within the lookback before the outcome was observed. A later outcome of the same prediction (or key) replaces the
     * earlier one (the last one wins) and is counted as a duplicate; one whose prediction is not in the log yet is kept and
     * counted as an orphan.
     */
    public OutcomeLoad loadOutcomes(String deployment, List<NewOutcome> outcomes, String user) {
        Names.checkName(deployment, "deployment");
        requireNonNull(outcomes, "outcomes is null");
        if (outcomes.isEmpty() || outcomes.size() > MAX_OUTCOMES_PER_LOAD) {
            throw new CarraraException(INVALID_ARGUMENT, "send 1 to " + MAX_OUTCOMES_PER_LOAD + " outcomes per request, not "
                    + outcomes.size() + " (carrara outcomes load sends a file in batches)", "outcomes");
        }
        MonitoringSettings settings = settings(deployment).orElseThrow(() -> new CarraraException(CONFLICT,
                "deployment " + deployment + " has no monitoring task yet: declare what it predicts with carrara monitor configure "
                        + deployment + " --task classification|regression", "deployment"));
        MonitoringTask task = settings.task();
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
                problem[0] = "is null: each outcome is {\"predictionId\" or \"key\", \"outcome\", \"observedAt\"?}";
            } else if (outcome.predictionId() != null && outcome.key() != null) {
                field = "[" + i + "]";
                problem[0] = "names its prediction twice: give predictionId or key, not both";
            } else if (outcome.key() != null && settings.outcomeKey() == null) {
                field = "[" + i + "].key";
                problem[0] = "cannot be matched: deployment " + deployment + " has no outcome key (carrara monitor configure "
                        + deployment + " --outcome-key FIELD declares one), so outcomes name their predictionId";
            } else if (outcome.key() != null && (outcome.key().isEmpty() || outcome.key().length() > OutcomeKeys.MAX_LENGTH)) {
                field = "[" + i + "].key";
                problem[0] = "must be the value of the input field " + settings.outcomeKey() + " (1 to " + OutcomeKeys.MAX_LENGTH
                        + " characters)";
            } else if (outcome.key() == null && (outcome.predictionId() == null || outcome.predictionId().isBlank()
                    || outcome.predictionId().length() > 64 || !outcome.predictionId().chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                field = "[" + i + "].predictionId";
                problem[0] = "must be the id a prediction was answered with (1 to 64 printable characters)"
                        + (settings.outcomeKey() == null ? "" : ", or give the outcome's key (" + settings.outcomeKey() + ")");
            } else {
                Optional<String> value = task.normalize(outcome.outcome(), problem);
                if (value.isEmpty()) {
                    field = "[" + i + "].outcome";
                } else {
                    Instant observed = observedAt(outcome.observedAt(), now, problem);
                    if (observed == null) {
                        field = "[" + i + "].observedAt";
                    } else {
                        row = new Row(outcome.predictionId(), outcome.key(), value.get(), observed);
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
            String identity = row.key() != null ? "key:" + row.key() : "id:" + row.predictionId();
            if (rows.remove(identity) != null) {
                duplicates++;   // the same prediction (or key) earlier in this load: the last one wins
            }
            rows.put(identity, row);
        }
        if (rows.isEmpty()) {
            return new OutcomeLoad(outcomes.size(), 0, duplicates, 0, rejected, problems);
        }
        List<Row> accepted = new ArrayList<>(rows.values());
        int[] counts = database.inTransaction(handle -> store(handle, settings, accepted, now, by));
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

    private record Row(String predictionId, String key, String outcome, Instant observedAt) {}

    /** A logged prediction with a key: its id, instance and when it was made. */
    public record KeyedPrediction(String predictionId, String key, Instant createdAt) {}

    /**
     * The prediction an outcome observed at {@code observed} belongs to among {@code candidates} of its key: the latest
     * made at most the lookback before it (and not more than the clock tolerance after it).
     */
    public static Optional<KeyedPrediction> match(List<KeyedPrediction> candidates, Instant observed, Duration lookback) {
        KeyedPrediction best = null;
        for (KeyedPrediction candidate : candidates) {
            if (candidate.createdAt().isBefore(observed.minus(lookback)) || candidate.createdAt().isAfter(observed.plus(FUTURE_TOLERANCE))) {
                continue;
            }
            if (best == null || candidate.createdAt().isAfter(best.createdAt())
                    || candidate.createdAt().equals(best.createdAt()) && candidate.predictionId().compareTo(best.predictionId()) > 0) {
                best = candidate;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Writes the rows, replacing earlier outcomes of the same predictions (or keys); answers {replaced, orphans}. A keyed
     * row is matched with the logged predictions of its key; one without a match waits in keyed_outcomes.
     */
    private static int[] store(Handle handle, MonitoringSettings settings, List<Row> rows, Instant now, String by) {
        String deployment = settings.deployment();
        int replaced = 0;
        int orphans = 0;
        // Keyed rows first become rows of their prediction where the log has one; the order of the load is kept, so that
        // of a keyed and an id row of the same prediction the later one wins.
        Map<String, Row> byId = new LinkedHashMap<>();
        List<Row> waiting = new ArrayList<>();
        List<String> matchedKeys = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += IN_CHUNK) {
            List<Row> chunk = rows.subList(start, Math.min(start + IN_CHUNK, rows.size()));
            List<String> keys = chunk.stream().filter(row -> row.key() != null).map(Row::key).toList();
            Map<String, List<KeyedPrediction>> logged = keys.isEmpty() ? Map.of() : keyedPredictions(handle, deployment, keys);
            for (Row row : chunk) {
                Row resolved = row;
                if (row.key() != null) {
                    Optional<KeyedPrediction> match = match(logged.getOrDefault(row.key(), List.of()), row.observedAt(),
                            settings.lookback());
                    if (match.isEmpty()) {
                        waiting.add(row);
                        continue;
                    }
                    resolved = new Row(match.get().predictionId(), null, row.outcome(), row.observedAt());
                    matchedKeys.add(row.key());
                }
                if (byId.remove(resolved.predictionId()) != null) {
                    replaced++;
                }
                byId.put(resolved.predictionId(), resolved);
            }
        }
        List<Row> identified = new ArrayList<>(byId.values());
        for (int start = 0; start < identified.size(); start += IN_CHUNK) {
            List<Row> chunk = identified.subList(start, Math.min(start + IN_CHUNK, identified.size()));
            List<String> ids = chunk.stream().map(Row::predictionId).toList();
            Set<String> existing = existing(handle, deployment, ids);
            if (!existing.isEmpty()) {
                // One primary-key delete each: see ofDeployment() for why not one IN list.
                PreparedBatch delete = handle.prepareBatch("DELETE FROM outcomes WHERE deployment = ? AND prediction_id = ?");
                existing.forEach(id -> delete.bind(0, deployment).bind(1, id).add());
                delete.execute();
                replaced += existing.size();
            }
            orphans += chunk.size() - logged(handle, deployment, ids).size();
            PreparedBatch insert = handle.prepareBatch("INSERT INTO outcomes (deployment, prediction_id, outcome, observed_at, received_at,"
                    + " received_by) VALUES (?, ?, ?, ?, ?, ?)");
            for (Row row : chunk) {
                insert.bind(0, deployment).bind(1, row.predictionId()).bind(2, row.outcome()).bind(3, toDb(row.observedAt()))
                        .bind(4, toDb(now)).bind(5, by).add();
            }
            insert.execute();
        }
        if (!matchedKeys.isEmpty()) {
            // An earlier outcome of the same key that was waiting is replaced by this one (the last one wins).
            PreparedBatch delete = handle.prepareBatch("DELETE FROM keyed_outcomes WHERE deployment = ? AND outcome_key = ?");
            matchedKeys.forEach(key -> delete.bind(0, deployment).bind(1, key).add());
            for (int count : delete.execute()) {
                replaced += count > 0 ? 1 : 0;
            }
        }
        for (int start = 0; start < waiting.size(); start += IN_CHUNK) {
            List<Row> chunk = waiting.subList(start, Math.min(start + IN_CHUNK, waiting.size()));
            List<String> keys = chunk.stream().map(Row::key).toList();
            PreparedBatch delete = handle.prepareBatch("DELETE FROM keyed_outcomes WHERE deployment = ? AND outcome_key = ?");
            keys.forEach(key -> delete.bind(0, deployment).bind(1, key).add());
            for (int count : delete.execute()) {
                replaced += count > 0 ? 1 : 0;
            }
            orphans += chunk.size();
            PreparedBatch insert = handle.prepareBatch("INSERT INTO keyed_outcomes (deployment, outcome_key, outcome, observed_at,"
                    + " received_at, received_by) VALUES (?, ?, ?, ?, ?, ?)");
            for (Row row : chunk) {
                insert.bind(0, deployment).bind(1, row.key()).bind(2, row.outcome()).bind(3, toDb(row.observedAt()))
                        .bind(4, toDb(now)).bind(5, by).add();
            }
            insert.execute();
        }
        return new int[] {replaced, orphans};
    }

    /** Logged predictions read per page when their keys are copied. */
    private static final int KEY_PAGE = 5_000;

    /**
     * Copies the outcome key from the inputs of {@code settings}' deployment's predictions made in ({@code from},
     * {@code until}] that have none yet (the empty string for an input without it), then moves each waiting keyed outcome
     * that one of them matches into outcomes under that prediction's id, received at {@code now} (so that the run reads
     * it), replacing an earlier outcome of the prediction. Runs in the monitor's transaction; answers how many outcomes it
     * matched.
     */
    public static int copyKeys(Handle handle, MonitoringSettings settings, Instant from, Instant until, Instant now) {
        String deployment = settings.deployment();
        String field = requireNonNull(settings.outcomeKey(), "the deployment has no outcome key");
        int matched = 0;
        Instant after = from;
        String bound = ">";
        while (true) {
            // Each page starts at the last one's time (its rows there now have keys), so pages never read a row twice.
            List<KeyedPrediction> page = handle.createQuery("SELECT prediction_id, input, created_at FROM predictions WHERE deployment = ?"
                            + " AND outcome_key IS NULL AND created_at " + bound + " ? AND created_at <= ? ORDER BY created_at, prediction_id")
                    .bind(0, deployment).bind(1, toDb(after)).bind(2, toDb(until)).setMaxRows(KEY_PAGE)
                    .map((rs, ctx) -> new KeyedPrediction(rs.getString(1), OutcomeKeys.text(RegistryJson.readTree(rs.getString(2)).get(field))
                            .orElse(""), fromDb(rs.getObject(3, LocalDateTime.class))))
                    .list();
            if (page.isEmpty()) {
                return matched;
            }
            after = page.get(page.size() - 1).createdAt();
            bound = ">=";
            PreparedBatch update = handle.prepareBatch("UPDATE predictions SET outcome_key = ? WHERE prediction_id = ?");
            page.forEach(prediction -> update.bind(0, prediction.key()).bind(1, prediction.predictionId()).add());
            update.execute();
            Map<String, List<KeyedPrediction>> byKey = new java.util.HashMap<>();
            page.stream().filter(prediction -> !prediction.key().isEmpty())
                    .forEach(prediction -> byKey.computeIfAbsent(prediction.key(), key -> new ArrayList<>()).add(prediction));
            List<String> keys = new ArrayList<>(byKey.keySet());
            for (int start = 0; start < keys.size(); start += IN_CHUNK) {
                List<String> chunk = keys.subList(start, Math.min(start + IN_CHUNK, keys.size()));
                List<Map.Entry<Row, String>> waiting = handle.createQuery("SELECT outcome_key, outcome, observed_at, received_by FROM"
                                + " keyed_outcomes WHERE deployment = :deployment AND outcome_key IN (<keys>)")
                        .bind("deployment", deployment).bindList("keys", chunk)
                        .map((rs, ctx) -> Map.entry(new Row(null, rs.getString(1), rs.getString(2),
                                fromDb(rs.getObject(3, LocalDateTime.class))), rs.getString(4)))
                        .list();
                for (Map.Entry<Row, String> entry : waiting) {
                    Row row = entry.getKey();
                    Optional<KeyedPrediction> match = match(byKey.get(row.key()), row.observedAt(), settings.lookback());
                    if (match.isEmpty()) {
                        continue;
                    }
                    handle.createUpdate("DELETE FROM keyed_outcomes WHERE deployment = ? AND outcome_key = ?").bind(0, deployment)
                            .bind(1, row.key()).execute();
                    handle.createUpdate("DELETE FROM outcomes WHERE deployment = ? AND prediction_id = ?").bind(0, deployment)
                            .bind(1, match.get().predictionId()).execute();
                    handle.createUpdate("INSERT INTO outcomes (deployment, prediction_id, outcome, observed_at, received_at, received_by)"
                                    + " VALUES (?, ?, ?, ?, ?, ?)")
                            .bind(0, deployment).bind(1, match.get().predictionId()).bind(2, row.outcome()).bind(3, toDb(row.observedAt()))
                            .bind(4, toDb(now)).bind(5, entry.getValue()).execute();
                    matched++;
                }
            }
        }
    }

    /** How many keyed outcomes of {@code deployment} wait for a prediction with their key. */
    public int waitingKeyedOutcomes(String deployment) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM keyed_outcomes WHERE deployment = ?")
                .bind(0, deployment).mapTo(Integer.class).one());
    }

    /** The logged predictions of {@code deployment} whose outcome key is one of {@code keys}, by key. */
    private static Map<String, List<KeyedPrediction>> keyedPredictions(Handle handle, String deployment, List<String> keys) {
        Map<String, List<KeyedPrediction>> found = new java.util.HashMap<>();
        // By key alone (the index's first column), the deployment compared here: see ofDeployment().
        handle.createQuery("SELECT prediction_id, outcome_key, created_at, deployment FROM predictions WHERE outcome_key IN (<keys>)")
                .bindList("keys", keys)
                .map((rs, ctx) -> deployment.equals(rs.getString(4))
                        ? new KeyedPrediction(rs.getString(1), rs.getString(2), fromDb(rs.getObject(3, LocalDateTime.class))) : null)
                .forEach(prediction -> {
                    if (prediction != null) {
                        found.computeIfAbsent(prediction.key(), key -> new ArrayList<>()).add(prediction);
                    }
                });
        return found;
    }

    /** Which of {@code ids} have an outcome of {@code deployment}. */
    private static Set<String> existing(Handle handle, String deployment, List<String> ids) {
        return ofDeployment(handle, "outcomes", deployment, ids);
    }

    /** Which of {@code ids} are logged predictions of {@code deployment}. */
    private static Set<String> logged(Handle handle, String deployment, List<String> ids) {
        return ofDeployment(handle, "predictions", deployment, ids);
    }

    /**
     * Which of {@code ids} have a row of {@code deployment} in {@code table} (outcomes or predictions, named here only).
     * Looked up by id alone (the predictions' primary key, the outcomes' index on it) and the deployment compared here:
     * with the deployment in the condition, H2 sought the deployment only (the first column of the index it chose) and
     * read every row of the deployment for each chunk, so a load slowed as the log grew.
     */
    private static Set<String> ofDeployment(Handle handle, String table, String deployment, List<String> ids) {
        Set<String> found = new HashSet<>();
        handle.createQuery("SELECT prediction_id, deployment FROM " + table + " WHERE prediction_id IN (<ids>)")
                .bindList("ids", ids)
                .map((rs, ctx) -> deployment.equals(rs.getString(2)) ? rs.getString(1) : null)
                .forEach(id -> {
                    if (id != null) {
                        found.add(id);
                    }
                });
        return found;
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
