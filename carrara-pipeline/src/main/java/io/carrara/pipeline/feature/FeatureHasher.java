package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Spark's {@code FeatureHasher}: numeric columns add their value at {@code murmur3(column name)},
 * categorical ones (strings, booleans, and numeric columns listed in {@code categoricalCols}) add
 * 1.0 at {@code murmur3("column=value")}, modulo {@code numFeatures}; nulls add nothing.
 */
public final class FeatureHasher implements Stage {
    private final String description;
    private final List<String> inputColumns;
    private final Set<String> categoricalColumns;
    private final String outputColumn;
    private final int numFeatures;

    private FeatureHasher(SavedStage saved) {
        Params params = saved.params();
        this.description = saved.description();
        this.inputColumns = params.getStringList("inputCols");
        this.categoricalColumns = params.isSet("categoricalCols") ? Set.copyOf(params.getStringList("categoricalCols")) : Set.of();
        this.outputColumn = params.getString("outputCol");
        this.numFeatures = params.getInt("numFeatures");
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.FeatureHasher");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new FeatureHasher(saved);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        List<Column> real = new ArrayList<>();
        List<Column> categorical = new ArrayList<>();
        for (String name : inputColumns) {
            Column column = binder.input(name, DataType.STRING, DataType.BOOLEAN, DataType.BYTE, DataType.SHORT, DataType.INTEGER,
                    DataType.LONG, DataType.FLOAT, DataType.DOUBLE);
            boolean numeric = column.type().isNumeric() && column.type() != DataType.BOOLEAN;
            (numeric && !categoricalColumns.contains(name) ? real : categorical).add(column);
        }
        Column[] realColumns = real.toArray(Column[]::new);
        int[] realIndices = real.stream()
                .mapToInt(column -> SparkMurmur3.nonNegativeMod(SparkMurmur3.hashString(column.name(), SparkMurmur3.SEED), numFeatures))
                .toArray();
        Column[] categoricalColumnArray = categorical.toArray(Column[]::new);
        int outputSlot = binder.vectorOutput(outputColumn, numFeatures).slot();
        return frame -> {
            TreeMap<Integer, Double> values = new TreeMap<>();
            for (int i = 0; i < realColumns.length; i++) {
                if (!frame.isNull(realColumns[i].slot())) {
                    values.merge(realIndices[i], frame.getDouble(realColumns[i].slot()), Double::sum);
                }
            }
            for (Column column : categoricalColumnArray) {
                if (!frame.isNull(column.slot())) {
                    String feature = column.name() + "=" + text(frame, column);
                    int index = SparkMurmur3.nonNegativeMod(SparkMurmur3.hashString(feature, SparkMurmur3.SEED), numFeatures);
                    values.merge(index, 1.0, Double::sum);
                }
            }
            int[] indices = new int[values.size()];
            double[] vector = new double[values.size()];
            int k = 0;
            for (var entry : values.entrySet()) {
                indices[k] = entry.getKey();
                vector[k++] = entry.getValue();
            }
            frame.setObject(outputSlot, new SparseVector(numFeatures, indices, vector));
            return true;
        };
    }

    /** The value as Spark's {@code toString} prints the boxed JVM value. */
    private static String text(io.carrara.pipeline.stage.Frame frame, Column column) {
        double value = frame.getDouble(column.slot());
        return switch (column.type()) {
            case STRING -> frame.getString(column.slot());
            case BOOLEAN -> Boolean.toString(value != 0.0);
            case BYTE, SHORT, INTEGER, LONG -> Long.toString((long) value);
            case FLOAT -> Float.toString((float) value);
            default -> Double.toString(value);
        };
    }
}
