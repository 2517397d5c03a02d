package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Set;

/**
 * Spark's {@code VectorSizeHint}: declares a vector column's size (so a later VectorAssembler with
 * {@code keep} can fill nulls), adding no column. {@code error} fails a null or wrongly sized
 * vector, {@code skip} drops the row, {@code optimistic} checks nothing.
 */
public final class VectorSizeHint implements Stage {
    private final String description;
    private final String inputColumn;
    private final int size;
    private final String handleInvalid;

    private VectorSizeHint(SavedStage saved) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.size = saved.params().getInt("size");
        this.handleInvalid = saved.params().getString("handleInvalid");
        if (!Set.of("error", "skip", "optimistic").contains(handleInvalid)) {
            throw saved.params().invalid("handleInvalid is '" + handleInvalid + "', expected error, skip or optimistic");
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.VectorSizeHint");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new VectorSizeHint(saved);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column input = binder.input(inputColumn, DataType.VECTOR);
        if (input.vectorSize().isPresent() && input.vectorSize().getAsInt() != size) {
            throw binder.mismatch("cannot set the size of vectors in '" + inputColumn + "' to " + size + "; it is already "
                    + input.vectorSize().getAsInt());
        }
        int slot = binder.declareVectorSize(input, size).slot();
        return switch (handleInvalid) {
            case "optimistic" -> frame -> true;
            case "skip" -> frame -> !frame.isNull(slot) && frame.getVector(slot).size() == size;
            default -> frame -> {
                if (frame.isNull(slot)) {
                    throw new RowException(inputColumn, "null in column " + inputColumn
                            + "; set handleInvalid=skip on the VectorSizeHint to drop such rows");
                }
                if (frame.getVector(slot).size() != size) {
                    throw new RowException(inputColumn, "column " + inputColumn + " holds a vector of size "
                            + frame.getVector(slot).size() + "; VectorSizeHint expects " + size);
                }
                return true;
            };
        };
    }
}
