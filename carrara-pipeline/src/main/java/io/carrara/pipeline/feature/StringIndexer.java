package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.ColumnPairs;
import io.carrara.pipeline.stage.Frame;
import io.carrara.pipeline.stage.InvalidHandling;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spark's {@code StringIndexerModel}, single- or multi-column: a label's position in the fitted
 * label list (already ordered by {@code stringOrderType}), as a double. Numeric inputs are cast to
 * their string form first. {@code keep} maps nulls and unseen labels to the list's length;
 * {@code skip} drops the row when any input is null, NaN or unseen. Input columns absent from the
 * schema are ignored, as Spark does, so a label indexer can stay in a pipeline scored without labels.
 */
public final class StringIndexer implements Stage {
    private final String description;
    private final ColumnPairs columns;
    private final InvalidHandling handling;
    private final List<Map<String, Integer>> indexByLabel;
    private final List<List<String>> labelsArray;

    private StringIndexer(String description, ColumnPairs columns, InvalidHandling handling, List<List<String>> labelsArray) {
        this.description = description;
        this.columns = columns;
        this.handling = handling;
        this.labelsArray = List.copyOf(labelsArray);
        List<Map<String, Integer>> maps = new ArrayList<>(labelsArray.size());
        for (List<String> labels : labelsArray) {
            Map<String, Integer> index = new HashMap<>(labels.size() * 2);
            for (int i = 0; i < labels.size(); i++) {
                // Spark's map keeps the last position of a repeated label; fitted labels are distinct anyway.
                index.put(labels.get(i), i);
            }
            maps.add(Map.copyOf(index));
        }
        this.indexByLabel = List.copyOf(maps);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.StringIndexerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            ColumnPairs columns = ColumnPairs.from(saved.params());
            InvalidHandling handling = InvalidHandling.from(saved.params(), InvalidHandling.values());
            DataRecord data = saved.singleDataRecord();
            // Spark 3.0 replaced the single "labels" column with "labelsArray" for multi-column indexing.
            List<List<String>> labelsArray = data.has("labelsArray")
                    ? data.getStringListList("labelsArray")
                    : List.of(data.getStringList("labels"));
            if (labelsArray.size() != columns.size()) {
                throw saved.params().invalid("data has " + labelsArray.size() + " label lists for " + columns.size() + " input columns");
            }
            return new StringIndexer(saved.description(), columns, handling, labelsArray);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        List<ColumnIndexer> indexers = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String inputName = columns.inputs().get(i);
            if (!binder.has(inputName)) {
                continue;
            }
            Column input = binder.input(inputName, DataType.STRING, DataType.BYTE, DataType.SHORT, DataType.INTEGER,
                    DataType.LONG, DataType.FLOAT, DataType.DOUBLE);
            List<String> values = new ArrayList<>(labelsArray.get(i));
            if (handling == InvalidHandling.KEEP) {
                // Spark names the keep bucket "__unknown" in the output's nominal attribute.
                values.add("__unknown");
            }
            String outputName = columns.outputs().get(i);
            Column output = binder.output(outputName, DataType.DOUBLE, Attribute.nominal(outputName, values));
            indexers.add(new ColumnIndexer(input, output.slot(), indexByLabel.get(i), handling));
        }
        ColumnIndexer[] compiled = indexers.toArray(ColumnIndexer[]::new);
        if (handling == InvalidHandling.SKIP) {
            return frame -> {
                // Spark filters invalid rows out before indexing any column.
                for (ColumnIndexer indexer : compiled) {
                    if (indexer.lookup(frame) < 0) {
                        return false;
                    }
                }
                for (ColumnIndexer indexer : compiled) {
                    frame.setDouble(indexer.outputSlot, indexer.lookup(frame));
                }
                return true;
            };
        }
        return frame -> {
            for (ColumnIndexer indexer : compiled) {
                indexer.index(frame);
            }
            return true;
        };
    }

    private static final class ColumnIndexer {
        private final Column input;
        private final int inputSlot;
        private final int outputSlot;
        private final Map<String, Integer> indexByLabel;
        private final InvalidHandling handling;
        private final int unknownIndex;

        ColumnIndexer(Column input, int outputSlot, Map<String, Integer> indexByLabel, InvalidHandling handling) {
            this.input = input;
            this.inputSlot = input.slot();
            this.outputSlot = outputSlot;
            this.indexByLabel = indexByLabel;
            this.handling = handling;
            this.unknownIndex = indexByLabel.size();
        }

        /** The label's index, or -1 for null, NaN or unseen. */
        int lookup(Frame frame) {
            if (frame.isNull(inputSlot)) {
                return -1;
            }
            if (input.type() == DataType.STRING) {
                Integer index = indexByLabel.get(frame.getString(inputSlot));
                return index == null ? -1 : index;
            }
            double value = frame.getDouble(inputSlot);
            if (Double.isNaN(value) && handling == InvalidHandling.SKIP) {
                // Spark's skip runs na.drop first, which drops NaN as well as null.
                return -1;
            }
            Integer index = indexByLabel.get(label(value));
            return index == null ? -1 : index;
        }

        void index(Frame frame) {
            int index = lookup(frame);
            if (index >= 0) {
                frame.setDouble(outputSlot, index);
                return;
            }
            if (handling == InvalidHandling.KEEP) {
                frame.setDouble(outputSlot, unknownIndex);
                return;
            }
            if (frame.isNull(inputSlot)) {
                throw new RowException(input.name(), "null in column " + input.name()
                        + "; set handleInvalid=keep to score it or handleInvalid=skip to drop such rows");
            }
            String label = input.type() == DataType.STRING ? frame.getString(inputSlot) : label(frame.getDouble(inputSlot));
            throw new RowException(input.name(), "unseen label '" + label + "' in column " + input.name()
                    + "; set handleInvalid=keep to score it");
        }

        /** The text Spark's cast to string gives a numeric input. */
        private String label(double value) {
            return switch (input.type()) {
                case BYTE, SHORT, INTEGER, LONG -> Long.toString((long) value);
                case FLOAT -> Float.toString((float) value);
                default -> Double.toString(value);
            };
        }
    }
}
