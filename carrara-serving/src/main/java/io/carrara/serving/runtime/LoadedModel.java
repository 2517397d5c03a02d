package io.carrara.serving.runtime;

import io.carrara.spi.schema.Field;
import java.util.List;
import java.util.Map;

/**
 * A model in memory, ready to score. Thread-safe: many requests score at once. Each row is scored
 * on its own; a bad row gives a failed {@link ScoredRow}, never an exception, and leaves the model
 * usable.
 */
public interface LoadedModel extends AutoCloseable {
    /**
     * Scores rows given as plain Java values (Number, String, Boolean, List, null), in order: one
     * outcome per row.
     */
    List<ScoredRow> score(List<Map<String, Object>> rows);

    /** The input columns of the most recent request's shape, empty before the first (JSON rows carry no schema). */
    List<Field> inputs();

    /** The columns the model adds to a row, as of the most recent request; empty before the first. */
    List<Field> outputs();

    /**
     * Whether {@link #score} computes in this thread and never waits (a compiled pipeline), so a
     * protocol layer may call it on an event loop; false for a model scored by another process (a
     * python worker), whose calls wait on a socket and must run on a blocking pool.
     */
    default boolean scoresInProcess() {
        return true;
    }

    /**
     * Frees what the model holds outside the heap (a process, a native library). Called when the
     * cache evicts the model; requests already scoring with it must still complete.
     */
    @Override
    default void close() {}
}
