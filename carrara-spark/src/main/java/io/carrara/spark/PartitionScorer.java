package io.carrara.spark;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.error.RowException;
import io.carrara.spi.schema.Field;
import io.carrara.pipeline.stage.Frame;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Scores Spark rows with a compiled pipeline through one reused {@link Frame}: the per-partition
 * half of the Spark adapters. Spark columns are matched to the pipeline's inputs by name once, here;
 * a column the pipeline was not compiled with is ignored. Not thread-safe: one per partition.
 */
public final class PartitionScorer {
    private final CompiledPipeline pipeline;
    private final Frame frame;
    private final int[] sparkColumns;
    private final Field[] inputs;

    public PartitionScorer(CompiledPipeline pipeline, StructType sparkSchema) {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        requireNonNull(sparkSchema, "sparkSchema is null");
        List<Field> fields = pipeline.inputSchema().fields();
        this.inputs = fields.toArray(Field[]::new);
        this.sparkColumns = new int[inputs.length];
        for (int slot = 0; slot < inputs.length; slot++) {
            sparkColumns[slot] = sparkSchema.fieldIndex(inputs[slot].name());
        }
        this.frame = pipeline.newFrame();
    }

    public CompiledPipeline pipeline() {
        return pipeline;
    }

    /**
     * Scores one row: {@code false} when a {@code handleInvalid=skip} stage drops it, a
     * {@link RowException} when a stage rejects it; read the outputs with {@link #output} after {@code true}.
     */
    public boolean score(Row row) {
        frame.clear();
        for (int slot = 0; slot < inputs.length; slot++) {
            int column = sparkColumns[slot];
            setInput(slot, row.isNullAt(column) ? null : SparkSchemas.toRuntimeValue(row.get(column)));
        }
        return pipeline.score(frame);
    }

    /** The value the last scored row has in {@code slot}, as the runtime holds it (a boxed number, String, Vector, List or null). */
    public Object output(int slot, Field field) {
        if (frame.isNull(slot)) {
            return null;
        }
        if (!field.type().isNumeric()) {
            return frame.getObject(slot);
        }
        double value = frame.getDouble(slot);
        return switch (field.type()) {
            case BOOLEAN -> value != 0.0;
            case INTEGER -> (int) value;
            case LONG -> (long) value;
            case SHORT -> (short) value;
            case BYTE -> (byte) value;
            case FLOAT -> (float) value;
            default -> value;
        };
    }

    private void setInput(int slot, Object value) {
        Field field = inputs[slot];
        if (value == null) {
            frame.setNull(slot);
        } else if (field.type().isNumeric()) {
            frame.setDouble(slot, value instanceof Boolean bool ? (bool ? 1.0 : 0.0) : ((Number) value).doubleValue());
        } else {
            frame.setObject(slot, value);
        }
    }
}
