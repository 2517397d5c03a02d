package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.List;
import java.util.Set;

/**
 * Spark's {@code IndexToString}: an index (cast to an integer, truncating) back to its label, from
 * the {@code labels} parameter or, when that is empty, from the input column's nominal values
 * (a StringIndexer output's labels). A null, NaN or out-of-range index fails the row, as Spark 4's
 * ANSI casts and its {@code raise_error} do.
 */
public final class IndexToString implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final List<String> labels;

    private IndexToString(String description, String inputColumn, String outputColumn, List<String> labels) {
        this.description = description;
        this.inputColumn = inputColumn;
        this.outputColumn = outputColumn;
        this.labels = labels;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.IndexToString");
        }

        @Override
        public Stage load(SavedStage saved) {
            List<String> labels = saved.params().isDefined("labels") ? saved.params().getStringList("labels") : List.of();
            return new IndexToString(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"),
                    labels);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column input = binder.numericInput(inputColumn);
        List<String> values = labels.isEmpty()
                ? input.attributes().attribute()
                        .filter(attribute -> attribute.type() != Attribute.Type.NUMERIC)
                        .flatMap(Attribute::values)
                        .orElseThrow(() -> binder.mismatch("labels is empty and column '" + inputColumn
                                + "' carries no label names; set labels on the IndexToString before saving"))
                : labels;
        String[] lookup = values.toArray(String[]::new);
        int inputSlot = input.slot();
        int outputSlot = binder.output(outputColumn, DataType.STRING).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; IndexToString needs an index from 0 to "
                        + (lookup.length - 1));
            }
            double value = frame.getDouble(inputSlot);
            if (Double.isNaN(value) || value <= -1.0 || value >= lookup.length) {
                throw new RowException(inputColumn, "unseen index " + value + " in column " + inputColumn
                        + "; IndexToString knows indices 0 to " + (lookup.length - 1));
            }
            frame.setObject(outputSlot, lookup[(int) value]);
            return true;
        };
    }
}
