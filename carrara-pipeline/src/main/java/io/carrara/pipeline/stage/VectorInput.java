package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;

/**
 * A model's feature-vector input, resolved to its slot at compile time, with the one null and size
 * check every vector-consuming model makes per row.
 *
 * <pre>{@code
 * VectorInput features = VectorInput.bind(binder, featuresColumn, coefficients.length);
 * return frame -> { double margin = features.read(frame).dot(coefficients) + intercept; ... };
 * }</pre>
 */
public record VectorInput(String column, int slot, int size) {
    public VectorInput {
        requireNonNull(column, "column is null");
    }

    /** Resolves the column; a schema that already declares another vector size is a model error here, not per row. */
    public static VectorInput bind(StageBinder binder, String column, int size) {
        Column input = binder.input(column, DataType.VECTOR);
        if (input.vectorSize().isPresent() && input.vectorSize().getAsInt() != size) {
            throw binder.mismatch("features column '" + column + "' holds vectors of size " + input.vectorSize().getAsInt()
                    + " but the model expects " + size);
        }
        return new VectorInput(column, input.slot(), size);
    }

    /** The row's vector; a row error naming the column when it is null or of another size. */
    public Vector read(Frame frame) {
        if (frame.isNull(slot)) {
            throw new RowException(column, "null in column " + column + "; the model needs a vector of size " + size);
        }
        Vector vector = frame.getVector(slot);
        if (vector.size() != size) {
            throw new RowException(column, "column " + column + " holds a vector of size " + vector.size()
                    + "; the model expects " + size);
        }
        return vector;
    }
}
