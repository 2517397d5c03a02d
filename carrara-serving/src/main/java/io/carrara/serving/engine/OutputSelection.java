package io.carrara.serving.engine;

import static java.util.Objects.requireNonNull;

import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.predict.RowError;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.carrara.spi.schema.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The columns a deployment answers and logs ({@code outputs}), out of those its model adds: a scored
 * row keeps its input columns and the named added ones, in the order named; the other added columns
 * are neither written to the answer nor to the prediction log. No names keeps every added column.
 * A row whose instance adds none of a named column fails with OUTPUT_MISSING naming it (the deploy
 * check refuses such instances when their columns are known at load; a request pinned to another
 * instance, or a model that learns its columns from its first request, meets it here).
 *
 * <p>The projection of one list of added columns is computed once and reused while rows come with
 * the same list (a model answers every row of a shape with one list).
 */
final class OutputSelection {
    static final OutputSelection ALL = new OutputSelection(List.of());

    private final List<String> names;
    private volatile Projection last;

    /** What one list of added columns becomes: the kept columns, or the row error when one is missing. */
    private record Projection(List<Field> added, List<Field> kept, RowError missing) {}

    private OutputSelection(List<String> names) {
        this.names = List.copyOf(names);
    }

    static OutputSelection of(List<String> names) {
        return requireNonNull(names, "names is null").isEmpty() ? ALL : new OutputSelection(names);
    }

    /**
     * Refuses a model whose added columns are known and lack a named output: INVALID_ARGUMENT naming
     * {@code outputs}, the missing columns, and those the instance adds.
     */
    void check(String instance, List<Field> added) {
        if (names.isEmpty() || added.isEmpty()) {
            return;
        }
        Projection projection = project(added);
        if (projection.missing != null) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "instance " + instance + " "
                    + missingText(added), "outputs");
        }
    }

    /** The named outputs among {@code added}; every one when no names are given. */
    List<Field> select(List<Field> added) {
        if (names.isEmpty()) {
            return added;
        }
        Projection projection = project(added);
        return projection.missing == null ? projection.kept : List.of();
    }

    /** The outcomes with only the named outputs among their added columns; rows that lack one fail. */
    void apply(ScoredRow[] outcomes) {
        if (names.isEmpty()) {
            return;
        }
        for (int i = 0; i < outcomes.length; i++) {
            ScoredRow row = outcomes[i];
            if (row.status() != Status.SCORED) {
                continue;
            }
            Projection projection = project(row.added());
            outcomes[i] = projection.missing != null ? ScoredRow.failed(projection.missing)
                    : new ScoredRow(Status.SCORED, row.output(), projection.kept, Optional.empty());
        }
    }

    private Projection project(List<Field> added) {
        Projection known = last;
        if (known != null && known.added == added) {
            return known;
        }
        List<Field> kept = new ArrayList<>(names.size());
        boolean complete = true;
        for (String name : names) {
            Field field = find(added, name);
            if (field == null) {
                complete = false;
                break;
            }
            kept.add(field);
        }
        Projection projection = complete ? new Projection(added, List.copyOf(kept), null)
                : new Projection(added, List.of(), new RowError(ServingErrorCode.OUTPUT_MISSING,
                        "this row's instance " + missingText(added) + "; score it with an instance that adds them, or"
                                + " redeploy with outputs it adds", null));
        last = projection;
        return projection;
    }

    private String missingText(List<Field> added) {
        List<String> missing = names.stream().filter(name -> find(added, name) == null).toList();
        return "adds no column " + String.join(", ", missing) + " of the deployment's outputs " + names + " (it adds "
                + added.stream().map(Field::name).collect(Collectors.joining(", ")) + ")";
    }

    private static Field find(List<Field> added, String name) {
        for (Field field : added) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        return null;
    }
}
