package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
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
import java.util.TreeMap;

/**
 * Spark 4's {@code TargetEncoderModel}: each category (the input cast to double) becomes its
 * smoothed target statistic, blended with the global one by weight {@code count / (count + smoothing)}:
 * a conditional probability for {@code binary} targets, a mean for {@code continuous} ones. A null
 * takes the null category's encoding if training saw nulls; an unseen category takes the global
 * encoding with {@code keep} and fails the row otherwise.
 */
public final class TargetEncoder implements Stage {
    /** Spark's reserved keys for the global statistic and for nulls. */
    private static final double UNSEEN_CATEGORY = Integer.MAX_VALUE;
    private static final double NULL_CATEGORY = -1;

    private final String description;
    private final List<String> inputColumns;
    private final List<String> outputColumns;
    private final List<Map<Double, Double>> encodings;
    private final boolean keepInvalid;

    private TargetEncoder(String description, List<String> inputColumns, List<String> outputColumns, List<Map<Double, Double>> encodings,
                          boolean keepInvalid) {
        this.description = description;
        this.inputColumns = inputColumns;
        this.outputColumns = outputColumns;
        this.encodings = encodings;
        this.keepInvalid = keepInvalid;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.TargetEncoderModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            Params params = saved.params();
            List<String> inputs = params.isSet("inputCol") ? List.of(params.getString("inputCol"))
                    : params.isSet("inputCols") ? params.getStringList("inputCols") : List.of();
            List<String> outputs = params.isSet("outputCol") ? List.of(params.getString("outputCol"))
                    : params.isSet("outputCols") ? params.getStringList("outputCols")
                    : inputs.stream().map(input -> input + "_indexed").toList();
            if (inputs.isEmpty() || inputs.size() != outputs.size()) {
                throw params.invalid("input and output columns are missing or differ in number");
            }
            boolean binary = params.getString("targetType").equals("binary");
            double smoothing = params.getDouble("smoothing");
            TreeMap<Integer, Map<Double, Double>> byIndex = new TreeMap<>();
            for (DataRecord row : saved.data()) {
                double[] categories = row.getDoubleArray("categories");
                double[] counts = row.getDoubleArray("counts");
                double[] stats = row.getDoubleArray("stats");
                int global = -1;
                for (int i = 0; i < categories.length; i++) {
                    if (categories[i] == UNSEEN_CATEGORY) {
                        global = i;
                    }
                }
                if (global < 0 || counts.length != categories.length || stats.length != categories.length) {
                    throw params.invalid("target statistics of column " + row.getInt("index") + " are incomplete");
                }
                Map<Double, Double> encoding = new HashMap<>();
                for (int i = 0; i < categories.length; i++) {
                    double weight = counts[i] / (counts[i] + smoothing);
                    encoding.put(categories[i], binary
                            ? weight * (stats[i] / counts[i]) + (1 - weight) * (stats[global] / counts[global])
                            : weight * stats[i] + (1 - weight) * stats[global]);
                }
                byIndex.put(row.getInt("index"), Map.copyOf(encoding));
            }
            if (byIndex.size() != inputs.size()) {
                throw params.invalid("data holds statistics for " + byIndex.size() + " columns, the params name " + inputs.size());
            }
            return new TargetEncoder(saved.description(), inputs, outputs, new ArrayList<>(byIndex.values()),
                    InvalidHandling.from(params, InvalidHandling.ERROR, InvalidHandling.KEEP) == InvalidHandling.KEEP);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int count = inputColumns.size();
        Column[] inputs = new Column[count];
        int[] outputSlots = new int[count];
        for (int i = 0; i < count; i++) {
            inputs[i] = binder.numericInput(inputColumns.get(i));
            outputSlots[i] = binder.output(outputColumns.get(i), DataType.DOUBLE).slot();
        }
        return frame -> {
            for (int i = 0; i < count; i++) {
                Map<Double, Double> encoding = encodings.get(i);
                Double encoded;
                if (frame.isNull(inputs[i].slot())) {
                    encoded = encoding.get(NULL_CATEGORY);
                } else {
                    double category = frame.getDouble(inputs[i].slot());
                    encoded = category == UNSEEN_CATEGORY || category == NULL_CATEGORY ? null : encoding.get(category);
                }
                if (encoded == null) {
                    if (!keepInvalid) {
                        throw new RowException(inputs[i].name(), "unseen value " + (frame.isNull(inputs[i].slot()) ? "null"
                                : frame.getDouble(inputs[i].slot())) + " in column " + inputs[i].name() + "; set handleInvalid=keep to score it");
                    }
                    encoded = encoding.get(UNSEEN_CATEGORY);
                }
                frame.setDouble(outputSlots[i], encoded);
            }
            return true;
        };
    }
}
