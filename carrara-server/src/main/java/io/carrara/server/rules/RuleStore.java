package io.carrara.server.rules;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.carrara.api.rules.RuleActionInfo;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.registry.db.DatabaseTimes;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.registry.model.Event;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Rules in the registry database (migration V8): the syncs, every rule version a sync loaded, the claims that let
 * one server of several evaluate each registry event, the evaluations, and the actions rules took. Thread-safe.
 */
public final class RuleStore {
    public static final int MAX_LIMIT = 1000;
    private static final TypeReference<List<RuleActionInfo>> ACTIONS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final RegistryDatabase database;
    /** Set once the first claim exists (claims are never deleted): the start need not be looked for again. */
    private volatile boolean started;
    /** The highest floor a claim has found so far; floors only grow. */
    private volatile long knownFloor;

    public RuleStore(RegistryDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    // ---- syncs

    /** Records a sync that starts now; answers its id. */
    public long syncStarted(String source, String branch, String user) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("""
                        INSERT INTO rule_syncs (source, branch, started_at, outcome, synced_by) VALUES (?, ?, ?, 'running', ?)""")
                .bind(0, clip(source, 1000)).bind(1, clip(branch, 200)).bind(2, toDb(DatabaseTimes.now())).bind(3, clip(user, 200))
                .executeAndReturnGeneratedKeys("sync_id").mapTo(Long.class).one());
    }

    /** What a finished sync found: {@code message} holds the activated, kept and problems lists as JSON. */
    public void syncFinished(long id, String commit, String outcome, String message, List<String> activated, List<String> kept,
            List<String> problems) {
        String detail = RegistryJson.write(RegistryJson.mapper().valueToTree(new SyncDetail(message, activated, kept, problems)));
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        UPDATE rule_syncs SET commit_id = ?, finished_at = ?, outcome = ?, message = ? WHERE sync_id = ?""")
                .bind(0, commit).bind(1, toDb(DatabaseTimes.now())).bind(2, outcome).bind(3, detail).bind(4, id).execute());
    }

    private record SyncDetail(String message, List<String> activated, List<String> kept, List<String> problems) {}

    /** The id of the latest sync that succeeded (0: none): a server whose engine saw another reloads its rules. */
    public long lastSucceededSync() {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT COALESCE(MAX(sync_id), 0) FROM rule_syncs WHERE outcome = 'succeeded'").mapTo(Long.class).one());
    }

    /** The latest syncs, newest first. */
    public List<RuleSyncInfo> syncs(int limit) {
        checkLimit(limit);
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM rule_syncs ORDER BY sync_id DESC LIMIT ?")
                .bind(0, limit).map((rs, ctx) -> sync(rs)).list());
    }

    public Optional<RuleSyncInfo> sync(long id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM rule_syncs WHERE sync_id = ?")
                .bind(0, id).map((rs, ctx) -> sync(rs)).findOne());
    }

    private static RuleSyncInfo sync(ResultSet rs) throws SQLException {
        String message = null;
        List<String> activated = null;
        List<String> kept = null;
        List<String> problems = null;
        String detail = rs.getString("message");
        if (detail != null) {
            var node = RegistryJson.readTree(detail);
            message = node.path("message").isTextual() ? node.path("message").asText() : null;
            activated = strings(node.get("activated"));
            kept = strings(node.get("kept"));
            problems = strings(node.get("problems"));
        }
        LocalDateTime finished = rs.getObject("finished_at", LocalDateTime.class);
        return new RuleSyncInfo(rs.getLong("sync_id"), rs.getString("source"), rs.getString("branch"), rs.getString("commit_id"),
                fromDb(rs.getObject("started_at", LocalDateTime.class)), finished == null ? null : fromDb(finished),
                rs.getString("outcome"), message, rs.getString("synced_by"), activated, kept, problems);
    }

    private static List<String> strings(com.fasterxml.jackson.databind.JsonNode node) {
        return node == null || node.isNull() ? null : RegistryJson.mapper().convertValue(node, STRINGS);
    }

    // ---- rule versions

    /** A rule version as a sync read it, before it is stored. */
    public record NewVersion(String name, String path, String kind, String source, int testsPassed, int testsFailed,
            String testReport) {}

    /**
     * Stores what a sync read at {@code commit} and makes the versions in {@code activate} the active ones of their
     * names, in one transaction; a name absent from the repository at this commit is deactivated when
     * {@code removeMissing}.
     */
    public void storeVersions(String commit, List<NewVersion> versions, java.util.Set<String> activate, boolean removeMissing) {
        Instant now = DatabaseTimes.now();
        database.inTransaction(handle -> {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (NewVersion version : versions) {
                names.add(version.name());
                handle.createUpdate("DELETE FROM rule_versions WHERE rule_name = ? AND commit_id = ?")
                        .bind(0, version.name()).bind(1, commit).execute();
                handle.createUpdate("""
                                INSERT INTO rule_versions (rule_name, commit_id, path, kind, source_text, tests_passed, tests_failed,
                                                           test_report, loaded_at, active)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                        .bind(0, version.name()).bind(1, commit).bind(2, clip(version.path(), 400)).bind(3, version.kind())
                        .bind(4, version.source()).bind(5, version.testsPassed()).bind(6, version.testsFailed())
                        .bind(7, version.testReport()).bind(8, toDb(now)).bind(9, false).execute();
            }
            for (String name : activate) {
                handle.createUpdate("UPDATE rule_versions SET active = ? WHERE rule_name = ?").bind(0, false).bind(1, name).execute();
                handle.createUpdate("UPDATE rule_versions SET active = ? WHERE rule_name = ? AND commit_id = ?")
                        .bind(0, true).bind(1, name).bind(2, commit).execute();
            }
            if (removeMissing) {
                for (RuleInfo active : activeRules(handle)) {
                    if (!names.contains(active.name())) {
                        handle.createUpdate("UPDATE rule_versions SET active = ? WHERE rule_name = ?")
                                .bind(0, false).bind(1, active.name()).execute();
                    }
                }
            }
            return null;
        });
    }

    /** The active version of every rule, by name, with its source. */
    public List<RuleInfo> activeRules() {
        return database.jdbi().withHandle(RuleStore::activeRules);
    }

    private static List<RuleInfo> activeRules(Handle handle) {
        return handle.createQuery("SELECT * FROM rule_versions WHERE active = ? ORDER BY rule_name").bind(0, true)
                .map((rs, ctx) -> rule(rs, true)).list();
    }

    /** Every rule: its active version, or else its latest version (never active: its tests failed). */
    public List<RuleInfo> rules() {
        return database.jdbi().withHandle(handle -> {
            List<RuleInfo> all = handle.createQuery("SELECT * FROM rule_versions ORDER BY rule_name, loaded_at DESC")
                    .map((rs, ctx) -> rule(rs, false)).list();
            java.util.Map<String, RuleInfo> chosen = new java.util.LinkedHashMap<>();
            for (RuleInfo rule : all) {
                RuleInfo seen = chosen.get(rule.name());
                if (seen == null || !seen.active() && rule.active()) {
                    chosen.put(rule.name(), rule);
                }
            }
            return List.copyOf(chosen.values());
        });
    }

    /** The versions of one rule, newest first (with their sources). */
    public List<RuleInfo> versions(String name) {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT * FROM rule_versions WHERE rule_name = ? ORDER BY loaded_at DESC").bind(0, name)
                .map((rs, ctx) -> rule(rs, true)).list());
    }

    private static RuleInfo rule(ResultSet rs, boolean withSource) throws SQLException {
        return new RuleInfo(rs.getString("rule_name"), rs.getString("commit_id"), rs.getString("path"), rs.getString("kind"),
                rs.getBoolean("active"), rs.getInt("tests_passed"), rs.getInt("tests_failed"), rs.getString("test_report"),
                fromDb(rs.getObject("loaded_at", LocalDateTime.class)), withSource ? rs.getString("source_text") : null);
    }

    // ---- deployments that follow selection rules

    /** Makes {@code deployment} follow {@code rule} as a whole, replacing the rules it followed. */
    public void follow(String deployment, String rule, String user) {
        follow(deployment, null, Map.of(), rule, user);
    }

    /**
     * Makes {@code deployment} follow a rule per value of {@code partitionBy} ({@code byValue}) and {@code fallback} for
     * every other value, or, without {@code partitionBy}, {@code fallback} for the whole deployment; replaces the rules it
     * followed, in one transaction.
     */
    public void follow(String deployment, String partitionBy, Map<String, String> byValue, String fallback, String user) {
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM rule_follows WHERE deployment = ?").bind(0, deployment).execute();
            var insert = handle.prepareBatch("INSERT INTO rule_follows (deployment, partition_value, partition_by, rule_name,"
                    + " followed_at, followed_by) VALUES (?, ?, ?, ?, ?, ?)");
            var at = toDb(DatabaseTimes.now());
            String by = clip(user, 200);
            insert.bind(0, deployment).bind(1, "").bind(2, partitionBy).bind(3, fallback).bind(4, at).bind(5, by).add();
            byValue.forEach((value, rule) -> insert.bind(0, deployment).bind(1, value).bind(2, partitionBy).bind(3, rule).bind(4, at)
                    .bind(5, by).add());
            insert.execute();
            return null;
        });
    }

    /** Stops {@code deployment} following rules; answers whether it followed any. */
    public boolean unfollow(String deployment) {
        return database.jdbi().withHandle(handle -> handle.createUpdate("DELETE FROM rule_follows WHERE deployment = ?")
                .bind(0, deployment).execute()) > 0;
    }

    /**
     * Every deployment that follows rules, by deployment name, the whole deployment or its default first and then its
     * partitions by value ({@code instance} left null: the caller knows it).
     */
    public List<io.carrara.api.rules.RuleFollower> followers() {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM rule_follows ORDER BY deployment, partition_value")
                .map((rs, ctx) -> {
                    String value = rs.getString("partition_value");
                    return new io.carrara.api.rules.RuleFollower(rs.getString("deployment"), rs.getString("rule_name"), null,
                            fromDb(rs.getObject("followed_at", LocalDateTime.class)), rs.getString("followed_by"),
                            rs.getString("partition_by"), value == null || value.isEmpty() ? null : value);
                }).list());
    }

    // ---- event claims

    /** Events claimed by one server; {@code retried} holds those another claim had left unfinished (a server died). */
    public record Claimed(List<Event> events, java.util.Set<Long> retried) {}

    /** As {@link #claimEvents}, the events only. */
    public List<Event> claim(String server, int limit, Duration lease, Duration settle) {
        return claimEvents(server, limit, lease, settle).events();
    }

    /**
     * Claims up to {@code limit} events for {@code server}, oldest first: events no server has claimed, and events a
     * server claimed more than {@code lease} ago without finishing them (it died). Events before the first claim ever
     * made are not evaluated (rules act from the moment they are first enabled), nor events more than
     * {@code settle} older than the newest finished claim that nobody claimed (their ids were skipped: a rolled-back
     * insert). The unclaimed events are claimed in one transaction; when another server claimed one of them first,
     * each is claimed on its own, so that of several servers one wins each event.
     */
    public Claimed claimEvents(String server, int limit, Duration lease, Duration settle) {
        Instant now = DatabaseTimes.now();
        startIfFirst(now);
        record Candidate(Event event, boolean claimedBefore) {}
        List<Candidate> candidates = database.jdbi().withHandle(handle -> {
            // Finished claims only grow: the floor of the last poll bounds this one's search (the primary key's range).
            Long found = handle.createQuery("""
                            SELECT MAX(event_id) FROM rule_event_claims
                            WHERE event_id >= ? AND finished_at IS NOT NULL AND claimed_at < ?""")
                    .bind(0, knownFloor).bind(1, toDb(now.minus(settle))).mapTo(Long.class).findOne().orElse(null);
            long floor;
            if (found == null) {
                floor = handle.createQuery("SELECT MIN(event_id) FROM rule_event_claims").mapTo(Long.class).findOne().orElse(0L);
            } else {
                floor = found;
                knownFloor = Math.max(knownFloor, found);
            }
            return handle.createQuery("""
                            SELECT e.event_id, e.event_type, e.project, e.model, e.instance_id, e.payload, e.created_at,
                                   c.claimed_at AS claimed_at, c.finished_at AS finished_at
                            FROM events e LEFT JOIN rule_event_claims c ON c.event_id = e.event_id
                            WHERE e.event_id > ? AND (c.event_id IS NULL OR (c.finished_at IS NULL AND c.claimed_at < ?))
                            ORDER BY e.event_id LIMIT ?""")
                    .bind(0, floor).bind(1, toDb(now.minus(lease))).bind(2, limit)
                    .map((rs, ctx) -> new Candidate(event(rs), rs.getObject("claimed_at") != null)).list();
        });
        List<Event> fresh = candidates.stream().filter(candidate -> !candidate.claimedBefore()).map(Candidate::event).toList();
        java.util.Set<Long> claimed = new java.util.HashSet<>();
        if (!fresh.isEmpty()) {
            try {
                database.inTransaction(handle -> {
                    org.jdbi.v3.core.statement.PreparedBatch batch = handle.prepareBatch(
                            "INSERT INTO rule_event_claims (event_id, claimed_by, claimed_at) VALUES (?, ?, ?)");
                    for (Event event : fresh) {
                        batch.bind(0, event.id()).bind(1, clip(server, 200)).bind(2, toDb(now)).add();
                    }
                    return batch.execute();
                });
                fresh.forEach(event -> claimed.add(event.id()));
            } catch (RuntimeException e) {
                // Another server claimed one of them first (or the batch failed): each on its own, the winner keeps it.
                for (Event event : fresh) {
                    if (tryClaim(event.id(), server, now, lease)) {
                        claimed.add(event.id());
                    }
                }
            }
        }
        java.util.Set<Long> retried = new java.util.HashSet<>();
        for (Candidate candidate : candidates) {
            if (candidate.claimedBefore() && tryClaim(candidate.event().id(), server, now, lease)) {
                claimed.add(candidate.event().id());
                retried.add(candidate.event().id());
            }
        }
        List<Event> events = candidates.stream().map(Candidate::event).filter(event -> claimed.contains(event.id())).toList();
        return new Claimed(events, java.util.Set.copyOf(retried));
    }

    private void startIfFirst(Instant now) {
        if (started) {
            return;
        }
        boolean any = database.jdbi().withHandle(handle -> handle.createQuery("SELECT event_id FROM rule_event_claims LIMIT 1")
                .mapTo(Long.class).findOne().isPresent());
        if (any) {
            started = true;
            return;
        }
        long newest = database.jdbi().withHandle(handle -> handle.createQuery("SELECT COALESCE(MAX(event_id), 0) FROM events")
                .mapTo(Long.class).one());
        try {
            database.inTransaction(h -> h.createUpdate("""
                            INSERT INTO rule_event_claims (event_id, claimed_by, claimed_at, finished_at) VALUES (?, ?, ?, ?)""")
                    .bind(0, newest).bind(1, "start").bind(2, toDb(now)).bind(3, toDb(now)).execute());
            started = true;
        } catch (CarraraException e) {
            if (e.errorCode().equals(StandardErrorCode.CONFLICT.toErrorCode())) {
                started = true;
                return;   // another server wrote the start at the same moment
            }
            throw e;
        }
    }

    private boolean tryClaim(long eventId, String server, Instant now, Duration lease) {
        try {
            return database.inTransaction(handle -> {
                int taken = handle.createUpdate("""
                                UPDATE rule_event_claims SET claimed_by = ?, claimed_at = ?
                                WHERE event_id = ? AND finished_at IS NULL AND claimed_at < ?""")
                        .bind(0, clip(server, 200)).bind(1, toDb(now)).bind(2, eventId).bind(3, toDb(now.minus(lease))).execute();
                if (taken == 1) {
                    return true;
                }
                boolean exists = handle.createQuery("SELECT COUNT(*) FROM rule_event_claims WHERE event_id = ?").bind(0, eventId)
                        .mapTo(Long.class).one() > 0;
                if (exists) {
                    return false;
                }
                handle.createUpdate("INSERT INTO rule_event_claims (event_id, claimed_by, claimed_at) VALUES (?, ?, ?)")
                        .bind(0, eventId).bind(1, clip(server, 200)).bind(2, toDb(now)).execute();
                return true;
            });
        } catch (CarraraException e) {
            if (e.errorCode().equals(StandardErrorCode.CONFLICT.toErrorCode())) {
                return false;   // another server inserted the claim first
            }
            throw e;
        }
    }

    /**
     * Renews {@code server}'s unfinished claims of {@code eventIds} (a long batch, a slow webhook), so that no other
     * server takes them over while this one still works on them; answers the ids that are still this server's.
     */
    public java.util.Set<Long> renew(String server, java.util.Collection<Long> eventIds) {
        if (eventIds.isEmpty()) {
            return java.util.Set.of();
        }
        return database.inTransaction(handle -> {
            handle.createUpdate("""
                            UPDATE rule_event_claims SET claimed_at = :now
                            WHERE claimed_by = :server AND finished_at IS NULL AND event_id IN (<ids>)""")
                    .bind("now", toDb(DatabaseTimes.now())).bind("server", clip(server, 200)).bindList("ids", List.copyOf(eventIds))
                    .execute();
            return java.util.Set.copyOf(handle.createQuery("""
                            SELECT event_id FROM rule_event_claims
                            WHERE claimed_by = :server AND finished_at IS NULL AND event_id IN (<ids>)""")
                    .bind("server", clip(server, 200)).bindList("ids", List.copyOf(eventIds)).mapTo(Long.class).list());
        });
    }

    /** Marks the event's claim finished: every rule has been evaluated on it. */
    public void finish(long eventId) {
        finish(eventId, List.of());
    }

    /**
     * Appends {@code evaluations} of one event and marks its claim finished, in one transaction. An evaluation of a
     * rule already recorded for the event (a retry) is left as it was.
     */
    public void finish(long eventId, List<RuleEvaluationInfo> evaluations) {
        try {
            database.inTransaction(handle -> {
                if (!evaluations.isEmpty()) {
                    org.jdbi.v3.core.statement.PreparedBatch batch = handle.prepareBatch(INSERT_EVALUATION);
                    for (RuleEvaluationInfo evaluation : evaluations) {
                        bind(batch, evaluation).add();
                    }
                    batch.execute();
                }
                return finishClaim(handle, eventId);
            });
        } catch (RuntimeException e) {
            if (unavailable(e)) {
                throw e;
            }
            // One of them was recorded before (a retry): each on its own, keeping the first of each.
            evaluations.forEach(this::record);
            database.jdbi().useHandle(handle -> finishClaim(handle, eventId));
        }
    }

    private static int finishClaim(Handle handle, long eventId) {
        return handle.createUpdate("UPDATE rule_event_claims SET finished_at = ? WHERE event_id = ?")
                .bind(0, toDb(DatabaseTimes.now())).bind(1, eventId).execute();
    }

    private static boolean unavailable(RuntimeException e) {
        return RegistryDatabase.unavailable(e).isPresent();
    }

    private static Event event(ResultSet rs) throws SQLException {
        String instance = rs.getString("instance_id");
        return new Event(rs.getLong("event_id"), rs.getString("event_type"), rs.getString("project"), rs.getString("model"),
                instance == null ? null : UUID.fromString(instance), RegistryJson.readTree(rs.getString("payload")),
                fromDb(rs.getObject("created_at", LocalDateTime.class)));
    }

    // ---- evaluations and actions

    /** The rules with a recorded evaluation of {@code eventId} (a retry after a crash finds those it made). */
    public java.util.Set<String> evaluatedRules(long eventId) {
        return database.jdbi().withHandle(handle -> new java.util.HashSet<>(handle.createQuery(
                        "SELECT rule_name FROM rule_evaluations WHERE event_id = ?").bind(0, eventId).mapTo(String.class).list()));
    }

    /** The state and outcome of an action a rule started on an event, if it started one. */
    public record ActionState(String state, String outcome) {}

    public Optional<ActionState> action(String rule, long eventId, int index) {
        return database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT state, outcome FROM rule_actions WHERE rule_name = ? AND event_id = ? AND action_index = ?")
                .bind(0, rule).bind(1, eventId).bind(2, index)
                .map((rs, ctx) -> new ActionState(rs.getString("state"), rs.getString("outcome"))).findOne());
    }

    /** Records that an action starts (before it runs), unless it was started before. */
    public void actionStarted(String rule, long eventId, int index, String kind) {
        if (action(rule, eventId, index).isPresent()) {
            return;
        }
        database.inTransaction(handle -> handle.createUpdate("""
                        INSERT INTO rule_actions (rule_name, event_id, action_index, kind, state, started_at) VALUES (?, ?, ?, ?, ?, ?)""")
                .bind(0, rule).bind(1, eventId).bind(2, index).bind(3, kind).bind(4, "running").bind(5, toDb(DatabaseTimes.now()))
                .execute());
    }

    public void actionFinished(String rule, long eventId, int index, String state, String outcome) {
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        UPDATE rule_actions SET state = ?, outcome = ?, finished_at = ?
                        WHERE rule_name = ? AND event_id = ? AND action_index = ?""")
                .bind(0, state).bind(1, clip(outcome, 4000)).bind(2, toDb(DatabaseTimes.now())).bind(3, rule).bind(4, eventId)
                .bind(5, index).execute());
    }

    private static final String INSERT_EVALUATION = """
            INSERT INTO rule_evaluations (rule_name, commit_id, event_id, event_type, instance_id, evaluated_at, matched,
                                          fired, dry_run, actions, error, duration_micros)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bind(S statement, RuleEvaluationInfo evaluation) {
        return statement.bind(0, evaluation.rule()).bind(1, evaluation.commit()).bind(2, evaluation.eventId())
                .bind(3, evaluation.eventType()).bind(4, evaluation.instance() == null ? null : evaluation.instance().toString())
                .bind(5, toDb(evaluation.evaluatedAt())).bind(6, evaluation.matched()).bind(7, evaluation.fired())
                .bind(8, evaluation.dryRun()).bind(9, RegistryJson.write(RegistryJson.mapper().valueToTree(evaluation.actions())))
                .bind(10, clip(evaluation.error(), 4000)).bind(11, evaluation.durationMicros());
    }

    /** Appends an evaluation; a second one of the same rule and event is a conflict and leaves the first. */
    public void record(RuleEvaluationInfo evaluation) {
        try {
            database.inTransaction(handle -> bind(handle.createUpdate(INSERT_EVALUATION), evaluation).execute());
        } catch (CarraraException e) {
            if (!e.errorCode().equals(StandardErrorCode.CONFLICT.toErrorCode())) {
                throw e;
            }
        }
    }

    /** Evaluations, newest first, filtered by rule and instance (each may be null); matched ones only unless {@code all}. */
    public List<RuleEvaluationInfo> evaluations(String rule, UUID instance, boolean all, int limit) {
        checkLimit(limit);
        StringBuilder sql = new StringBuilder("SELECT * FROM rule_evaluations WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (rule != null) {
            sql.append(" AND rule_name = ?");
            values.add(rule);
        }
        if (instance != null) {
            sql.append(" AND instance_id = ?");
            values.add(instance.toString());
        }
        if (!all) {
            sql.append(" AND matched = ?");
            values.add(true);
        }
        sql.append(" ORDER BY evaluation_id DESC LIMIT ?");
        values.add(limit);
        return database.jdbi().withHandle(handle -> {
            var query = handle.createQuery(sql.toString());
            for (int i = 0; i < values.size(); i++) {
                query.bind(i, values.get(i));
            }
            return query.map((rs, ctx) -> {
                long event = rs.getLong("event_id");
                Long eventId = rs.wasNull() ? null : event;
                String instanceId = rs.getString("instance_id");
                return new RuleEvaluationInfo(rs.getLong("evaluation_id"), rs.getString("rule_name"), rs.getString("commit_id"),
                        eventId, rs.getString("event_type"), instanceId == null ? null : UUID.fromString(instanceId),
                        fromDb(rs.getObject("evaluated_at", LocalDateTime.class)), rs.getBoolean("matched"), rs.getBoolean("fired"),
                        rs.getBoolean("dry_run"), RegistryJson.mapper().convertValue(RegistryJson.readTree(rs.getString("actions")), ACTIONS),
                        rs.getString("error"), rs.getLong("duration_micros"));
            }).list();
        });
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "limit must be between 1 and " + MAX_LIMIT + ", not "
                    + limit, "limit");
        }
    }

    private static String clip(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
