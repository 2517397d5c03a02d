package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.schema.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stage compiled alone against an input schema, scoring rows given as names and values on a
 * {@link Frame}, as the compiled pipeline does: numbers and booleans in the double slots, strings,
 * vectors and lists as objects. What a stage behaviour test asserts on.
 *
 * <pre>{@code
 * StageRows rows = StageRows.compile(stage, new Field("x", DataType.DOUBLE));
 * assertThat(rows.score("x", 0.7)).containsEntry("y", 1.0);
 * assertThat(rows.isDropped("x", null)).isTrue();
 * }</pre>
 */
public final class StageRows {
    private final List<Field> input;
    private final StageBinder binder;
    private final RowOperation operation;

    private StageRows(List<Field> input, StageBinder binder, RowOperation operation) {
        this.input = input;
        this.binder = binder;
        this.operation = operation;
    }

    public static StageRows compile(Stage stage, Field... input) {
        return compile(List.of(stage), input);
    }

    /**
     * Stages compiled one after another, as a pipeline does, for a stage that reads what an earlier
     * one declares (ML attributes, such as a VectorAssembler's feature names); a row dropped by one
     * stage is not seen by the next.
     */
    public static StageRows compile(List<Stage> stages, Field... input) {
        StageBinder binder = new StageBinder(List.of(input));
        RowOperation[] operations = new RowOperation[stages.size()];
        for (int i = 0; i < operations.length; i++) {
            Stage stage = requireNonNull(stages.get(i), "stage is null");
            binder.enterStage(stage.description());
            operations[i] = stage.compile(binder);
        }
        RowOperation all = frame -> {
            for (RowOperation operation : operations) {
                if (!operation.apply(frame)) {
                    return false;
                }
            }
            return true;
        };
        return new StageRows(List.of(input), binder, all);
    }

    /** The visible columns after the stage, inputs first, as the pipeline's output schema would show them. */
    public List<Column> columns() {
        return binder.columns();
    }

    /** The column the stage declared (or kept) under this name. */
    public Column column(String name) {
        return binder.input(name);
    }

    /** Scores a row and returns every visible column; fails the test when the stage drops the row. */
    public Map<String, Object> score(Object... namesAndValues) {
        return tryScore(namesAndValues).orElseThrow(() -> new AssertionError("the stage dropped the row " + List.of(namesAndValues)));
    }

    /** Whether the stage drops the row, as {@code handleInvalid=skip} or a WHERE does. */
    public boolean isDropped(Object... namesAndValues) {
        return tryScore(namesAndValues).isEmpty();
    }

    public Optional<Map<String, Object>> tryScore(Object... namesAndValues) {
        Map<String, Object> values = SavedStages.row(namesAndValues);
        Frame frame = new Frame(binder.slotCount());
        for (int slot = 0; slot < input.size(); slot++) {
            Field field = input.get(slot);
            Object value = values.get(field.name());
            if (value == null) {
                frame.setNull(slot);
            } else if (field.type().isNumeric()) {
                frame.setDouble(slot, value instanceof Boolean bool ? (bool ? 1 : 0) : ((Number) value).doubleValue());
            } else {
                frame.setObject(slot, value);
            }
        }
        if (!operation.apply(frame)) {
            return Optional.empty();
        }
        Map<String, Object> scored = new LinkedHashMap<>();
        for (Column column : binder.columns()) {
            int slot = column.slot();
            scored.put(column.name(), frame.isNull(slot) ? null : switch (column.type()) {
                case BOOLEAN -> frame.getDouble(slot) != 0;
                case BYTE, SHORT, INTEGER -> (int) frame.getDouble(slot);
                case LONG -> (long) frame.getDouble(slot);
                case FLOAT, DOUBLE -> frame.getDouble(slot);
                default -> frame.getObject(slot);
            });
        }
        return Optional.of(scored);
    }
}
