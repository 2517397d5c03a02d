package io.carrara.pipeline.feature;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import java.util.OptionalInt;

/**
 * A stage that maps one vector column to a new one through a Scala UDF in Spark, which fails on a
 * null vector. Subclasses give the function and the output size Spark's attribute metadata
 * records (empty when Spark records none).
 */
abstract class VectorMapping implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;

    VectorMapping(String description, String inputColumn, String outputColumn) {
        this.description = requireNonNull(description, "description is null");
        this.inputColumn = requireNonNull(inputColumn, "inputColumn is null");
        this.outputColumn = requireNonNull(outputColumn, "outputColumn is null");
    }

    @Override
    public final String description() {
        return description;
    }

    /** The size Spark records for the output, given what it records for the input. */
    abstract OptionalInt outputSize(OptionalInt inputSize);

    /** Checks a row's vector before mapping it; returns a message when Spark would fail the row. */
    String invalid(Vector vector) {
        return null;
    }

    abstract Vector map(Vector vector);

    /** The stage's name in row errors, e.g. {@code Normalizer}. */
    abstract String stageName();

    @Override
    public final RowOperation compile(StageBinder binder) {
        Column input = binder.input(inputColumn, DataType.VECTOR);
        int inputSlot = input.slot();
        int outputSlot = binder.vectorOutput(outputColumn, outputSize(input.vectorSize())).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; " + stageName() + " needs a vector");
            }
            Vector vector = frame.getVector(inputSlot);
            String problem = invalid(vector);
            if (problem != null) {
                throw new RowException(inputColumn, "column " + inputColumn + " " + problem);
            }
            frame.setObject(outputSlot, map(vector));
            return true;
        };
    }
}
