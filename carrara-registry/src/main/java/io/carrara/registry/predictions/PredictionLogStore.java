package io.carrara.registry.predictions;

import static io.carrara.registry.db.DatabaseTimes.fromDb;
import static io.carrara.registry.db.DatabaseTimes.toDb;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.json.RegistryJson;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The prediction log in the registry database, the default store of logged predictions. The serving
 * engine's asynchronous writer hands it batches; monitoring reads a deployment's predictions by time.
 *
 * <pre>{@code
 * PredictionLogStore log = new PredictionLogStore(database);
 * log.insertAll(batch);                                          // one transaction, batched statements
 * List<LoggedPrediction> lastHour = log.find("eta", start, end, 1000);
 * }</pre>
 */
public final class PredictionLogStore {
    /** Rows sent to the database per JDBC batch; a larger list is written in several, in one transaction. */
    static final int BATCH_SIZE = 500;
    public static final int MAX_FIND_LIMIT = 10_000;

    private final RegistryDatabase database;

    public PredictionLogStore(RegistryDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Writes every prediction in one transaction, all or none; returns how many were written. */
    public int insertAll(List<LoggedPrediction> predictions) {
        requireNonNull(predictions, "predictions is null");
        return insertAllText(predictions.stream().map(prediction -> new LoggedText(prediction.id(), prediction.deployment(),
                prediction.instance(), RegistryJson.write(prediction.input()), RegistryJson.write(prediction.output()),
                prediction.latencyMicros(), prediction.createdAt(), prediction.formatVersion())).toList());
    }

    /**
     * A prediction to log whose input and output are already JSON text, as the serving engine writes them: stored as
     * they are, without being parsed and written again (the log writer's path, thousands of rows a second).
     */
    public record LoggedText(String id, String deployment, UUID instance, String inputJson, String outputJson, long latencyMicros,
            Instant createdAt, int formatVersion) {
        public LoggedText {
            // The same checks as LoggedPrediction's, on the text form.
            new LoggedPrediction(id, deployment, instance, com.fasterxml.jackson.databind.node.NullNode.getInstance(),
                    com.fasterxml.jackson.databind.node.NullNode.getInstance(), latencyMicros, createdAt, formatVersion);
            requireNonNull(inputJson, "inputJson is null");
            requireNonNull(outputJson, "outputJson is null");
        }
    }

    /** Writes every prediction, given as JSON text, in one transaction, all or none; returns how many were written. */
    public int insertAllText(List<LoggedText> predictions) {
        requireNonNull(predictions, "predictions is null");
        if (predictions.isEmpty()) {
            return 0;
        }
        return database.inTransaction(handle -> {
            int written = 0;
            for (int start = 0; start < predictions.size(); start += BATCH_SIZE) {
                PreparedBatch batch = handle.prepareBatch("""
                        INSERT INTO predictions (prediction_id, deployment, instance_id, input, output, latency_micros, created_at,
                                                 format_version)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
                for (LoggedText prediction : predictions.subList(start, Math.min(start + BATCH_SIZE, predictions.size()))) {
                    batch.bind(0, prediction.id())
                            .bind(1, prediction.deployment())
                            .bind(2, prediction.instance().toString())
                            .bind(3, prediction.inputJson())
                            .bind(4, prediction.outputJson())
                            .bind(5, prediction.latencyMicros())
                            .bind(6, toDb(prediction.createdAt().truncatedTo(ChronoUnit.MICROS)))
                            .bind(7, prediction.formatVersion())
                            .add();
                }
                for (int count : batch.execute()) {
                    // Some drivers answer SUCCESS_NO_INFO (-2) for a batched row; count it as written.
                    written += count == 0 ? 0 : 1;
                }
            }
            return written;
        });
    }

    /**
     * The deployment's predictions made in {@code [from, to)}, oldest first (ties by id), at most
     * {@code limit} of them (1 to {@value #MAX_FIND_LIMIT}).
     */
    public List<LoggedPrediction> find(String deployment, Instant from, Instant to, int limit) {
        Names.checkName(deployment, "deployment");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (limit < 1 || limit > MAX_FIND_LIMIT) {
            throw new CarraraException(INVALID_ARGUMENT, "limit must be between 1 and " + MAX_FIND_LIMIT + ", not " + limit,
                    "limit");
        }
        if (to.isBefore(from)) {
            throw new CarraraException(INVALID_ARGUMENT, "to (" + to + ") is before from (" + from + ")", "to");
        }
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT prediction_id, deployment, instance_id, input, output, latency_micros, created_at, format_version
                        FROM predictions WHERE deployment = ? AND created_at >= ? AND created_at < ?
                        ORDER BY created_at, prediction_id LIMIT ?""")
                .bind(0, deployment).bind(1, toDb(from)).bind(2, toDb(to)).bind(3, limit)
                .map((rs, ctx) -> new LoggedPrediction(
                        rs.getString("prediction_id"),
                        rs.getString("deployment"),
                        UUID.fromString(rs.getString("instance_id")),
                        RegistryJson.readTree(rs.getString("input")),
                        RegistryJson.readTree(rs.getString("output")),
                        rs.getLong("latency_micros"),
                        fromDb(rs.getObject("created_at", LocalDateTime.class)),
                        rs.getInt("format_version")))
                .list());
    }
}
