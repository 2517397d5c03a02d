package io.carrara.pipeline.feature;

import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.pipeline.attribute.ColumnAttributes;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.StageLoaderRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spark's {@code RFormulaModel}: the fitted feature pipeline Spark saves in {@code pipelineModel/}
 * (string indexers with the formula's {@code handleInvalid} and {@code stringIndexerOrderType},
 * one-hot encoders, interactions, the assembler, then Spark's private attribute rewriter and
 * column pruner, and a label indexer for a string label), followed by the label: a numeric or
 * boolean label column is copied as a double into {@code labelCol} unless that column exists, and
 * an absent label is skipped so the model scores data without labels, as Spark does. The formula's
 * {@code .} and {@code -} terms were resolved when Spark fitted it; the saved stages carry the result.
 */
public final class RFormula implements Stage {
    private static final String COLUMN_PRUNER = "org.apache.spark.ml.feature.ColumnPruner";
    private static final String ATTRIBUTE_REWRITER = "org.apache.spark.ml.feature.VectorAttributeRewriter";

    private final String description;
    private final String featuresColumn;
    private final String labelColumn;
    private final String label;
    private final List<Stage> stages;

    private RFormula(String description, String featuresColumn, String labelColumn, String label, List<Stage> stages) {
        this.description = description;
        this.featuresColumn = featuresColumn;
        this.labelColumn = labelColumn;
        this.label = label;
        this.stages = List.copyOf(stages);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.RFormulaModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            // Spark writes the resolved formula as (label, terms, hasIntercept); scoring needs only the label.
            String label = data.isNull("label") ? "" : data.getString("label");
            List<Stage> stages = SparkPipeline.loadNestedStages(saved, "pipelineModel", nestedRegistry());
            return new RFormula(saved.description(), saved.params().getString("featuresCol"), saved.params().getString("labelCol"),
                    label, stages);
        }

        @Override
        public void checkLayout(SavedStage saved) {
            SparkPipeline.checkNestedLayout(saved, "pipelineModel", nestedRegistry());
        }

        private static StageLoaderRegistry nestedRegistry() {
            return StageLoaderRegistry.discover().with(new ColumnPruner.Loader(), new AttributeRewriter.Loader());
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        if (binder.has(featuresColumn)) {
            throw binder.mismatch("features column '" + featuresColumn + "' already exists; RFormula writes it");
        }
        if (binder.has(labelColumn) && !isNumber(binder.input(labelColumn).type())) {
            throw binder.mismatch("label column '" + labelColumn + "' already exists and is " + binder.input(labelColumn).type()
                    + ", not a number");
        }
        RowOperation[] operations = SparkPipeline.compileStages(stages, binder);
        binder.enterStage(description);
        int labelInput = -1;
        int labelOutput = -1;
        if (!label.isEmpty() && !binder.has(labelColumn) && binder.has(label)) {
            Column input = binder.input(label);
            if (!input.type().isNumeric()) {
                throw binder.mismatch("label column '" + label + "' is " + input.type() + "; RFormula takes numeric or boolean labels");
            }
            labelInput = input.slot();
            labelOutput = binder.output(labelColumn, DataType.DOUBLE).slot();
        }
        int source = labelInput;
        int target = labelOutput;
        return frame -> {
            for (RowOperation operation : operations) {
                if (!operation.apply(frame)) {
                    return false;
                }
            }
            if (target >= 0) {
                if (frame.isNull(source)) {
                    frame.setNull(target);
                } else {
                    frame.setDouble(target, frame.getDouble(source));
                }
            }
            return true;
        };
    }

    /** Spark's {@code NumericType}: numbers but not booleans. */
    private static boolean isNumber(DataType type) {
        return type.isNumeric() && type != DataType.BOOLEAN;
    }

    /** Spark's private {@code ColumnPruner}: removes RFormula's temporary columns from the output. */
    private record ColumnPruner(String description, List<String> columns) implements Stage {
        static final class Loader implements StageLoader {
            @Override
            public Set<String> sparkClassNames() {
                return Set.of(COLUMN_PRUNER);
            }

            @Override
            public Stage load(SavedStage saved) {
                return new ColumnPruner(saved.description(), saved.singleDataRecord().getStringList("columnsToPrune"));
            }
        }

        @Override
        public RowOperation compile(StageBinder binder) {
            // Spark keeps every column not named, and ignores names that are not there.
            columns.forEach(binder::drop);
            return frame -> true;
        }
    }

    /**
     * Spark's private {@code VectorAttributeRewriter}: renames the features' attributes by replacing
     * each temporary column prefix with the formula term's name (every occurrence, prefixes in saved
     * order), and moves the features column to the end. Values are untouched.
     */
    private record AttributeRewriter(String description, String vectorColumn, Map<String, String> replacements) implements Stage {
        static final class Loader implements StageLoader {
            @Override
            public Set<String> sparkClassNames() {
                return Set.of(ATTRIBUTE_REWRITER);
            }

            @Override
            public Stage load(SavedStage saved) {
                DataRecord data = saved.singleDataRecord();
                if (!(data.get("prefixesToRewrite") instanceof Map<?, ?> saveMap)) {
                    throw saved.params().invalid("prefixesToRewrite is not a map");
                }
                Map<String, String> replacements = new LinkedHashMap<>();
                saveMap.forEach((from, to) -> replacements.put(String.valueOf(from), to == null ? "" : String.valueOf(to)));
                return new AttributeRewriter(saved.description(), data.getString("vectorCol"), replacements);
            }
        }

        @Override
        public RowOperation compile(StageBinder binder) {
            Column vector = binder.input(vectorColumn, DataType.VECTOR);
            ColumnAttributes attributes = vector.attributes();
            if (attributes.isKnown()) {
                List<Attribute> slots = attributes.slotAttributes().orElseThrow(() -> binder.mismatch("column '" + vectorColumn
                        + "' has no ML attributes to rewrite (Spark fails on it too)"));
                List<Attribute> renamed = new ArrayList<>(slots.size());
                for (Attribute slot : slots) {
                    renamed.add(slot.name().map(name -> slot.withName(rewrite(name))).orElse(slot));
                }
                binder.declareAttributes(vector, ColumnAttributes.slots(renamed));
            }
            binder.moveToEnd(vectorColumn);
            return frame -> true;
        }

        private String rewrite(String name) {
            String rewritten = name;
            for (Map.Entry<String, String> replacement : replacements.entrySet()) {
                rewritten = rewritten.replace(replacement.getKey(), replacement.getValue());
            }
            return rewritten;
        }
    }
}
