package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.pipeline.attribute.ColumnAttributes;
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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Spark's {@code VectorIndexerModel}: the values of the features it found categorical are replaced
 * by their category index; an unknown value fails the row, drops it ({@code skip}) or becomes the
 * category count ({@code keep}). In a sparse vector only stored entries are mapped, as value 0 is
 * always category 0.
 */
public final class VectorIndexer implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final int numFeatures;
    private final int[] categoricalFeatures;
    private final Map<Integer, Map<Double, Integer>> categoryMaps;
    private final InvalidHandling handling;

    private VectorIndexer(SavedStage saved, int numFeatures, Map<Integer, Map<Double, Integer>> categoryMaps) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.handling = InvalidHandling.from(saved.params(), InvalidHandling.values());
        this.numFeatures = numFeatures;
        this.categoryMaps = Map.copyOf(categoryMaps);
        this.categoricalFeatures = categoryMaps.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.VectorIndexerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            if (!(data.get("categoryMaps") instanceof Map<?, ?> saveMaps)) {
                throw saved.params().invalid("categoryMaps is not a map");
            }
            Map<Integer, Map<Double, Integer>> categoryMaps = new HashMap<>();
            for (Map.Entry<?, ?> feature : saveMaps.entrySet()) {
                if (!(feature.getKey() instanceof Number index) || !(feature.getValue() instanceof Map<?, ?> values)) {
                    throw saved.params().invalid("categoryMaps holds " + feature + ", expected feature index -> (value -> category)");
                }
                Map<Double, Integer> categories = new HashMap<>();
                for (Map.Entry<?, ?> category : values.entrySet()) {
                    categories.put(((Number) category.getKey()).doubleValue(), ((Number) category.getValue()).intValue());
                }
                categoryMaps.put(index.intValue(), Map.copyOf(categories));
            }
            return new VectorIndexer(saved, data.getInt("numFeatures"), categoryMaps);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column input = binder.input(inputColumn, DataType.VECTOR);
        int inputSlot = input.slot();
        int outputSlot = binder.vectorOutput(outputColumn, OptionalInt.of(numFeatures), outputAttributes(binder, input)).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; VectorIndexer needs a vector of size " + numFeatures);
            }
            Vector vector = frame.getVector(inputSlot);
            if (vector.size() != numFeatures) {
                throw new RowException(inputColumn, "column " + inputColumn + " holds a vector of size " + vector.size()
                        + "; VectorIndexer was fitted on size " + numFeatures);
            }
            Vector indexed = index(vector);
            if (indexed == null) {
                return false;
            }
            frame.setObject(outputSlot, indexed);
            return true;
        };
    }

    /**
     * Spark's output attribute group: a categorical feature is nominal with its values in ascending
     * order (plus {@code __unknown} with {@code keep}), or binary when it has two and {@code keep} is
     * off; a continuous one is numeric. Names, and a continuous slot's whole attribute, come from the
     * input's attributes when it has them.
     */
    private ColumnAttributes outputAttributes(StageBinder binder, Column input) {
        ColumnAttributes known = input.attributes();
        if (!known.isKnown()) {
            return ColumnAttributes.unknown();
        }
        Optional<List<Attribute>> original = known.slotAttributes();
        if (original.isPresent() && original.get().size() != numFeatures) {
            throw binder.mismatch("input column '" + inputColumn + "' holds vectors of size " + original.get().size()
                    + "; VectorIndexer was fitted on size " + numFeatures);
        }
        List<Attribute> attributes = new ArrayList<>(numFeatures);
        for (int feature = 0; feature < numFeatures; feature++) {
            Map<Double, Integer> categories = categoryMaps.get(feature);
            int index = feature;
            Optional<Attribute> originalAttribute = original.map(list -> list.get(index));
            if (categories == null) {
                attributes.add(originalAttribute.orElseGet(Attribute::unnamedNumeric));
                continue;
            }
            List<String> values = new ArrayList<>();
            categories.keySet().stream().sorted().forEach(value -> values.add(Double.toString(value)));
            if (handling == InvalidHandling.KEEP) {
                values.add("__unknown");
            }
            Optional<String> originalName = originalAttribute.flatMap(Attribute::name);
            Attribute.Type type = values.size() == 2 && handling != InvalidHandling.KEEP ? Attribute.Type.BINARY : Attribute.Type.NOMINAL;
            attributes.add(new Attribute(type, originalName, Optional.of(values), OptionalInt.empty()));
        }
        return ColumnAttributes.slots(attributes);
    }

    /** The indexed vector, or null when {@code skip} drops the row. */
    private Vector index(Vector vector) {
        if (vector instanceof DenseVector) {
            double[] values = vector.toArray();
            for (int feature : categoricalFeatures) {
                Double category = category(feature, values[feature]);
                if (category == null) {
                    return null;
                }
                values[feature] = category;
            }
            return new DenseVector(values);
        }
        int[] indices = new int[vector.activeCount()];
        double[] values = new double[indices.length];
        for (int k = 0; k < indices.length; k++) {
            indices[k] = vector.activeIndex(k);
            values[k] = vector.activeValue(k);
            Map<Double, Integer> categories = categoryMaps.get(indices[k]);
            if (categories != null) {
                Double category = category(indices[k], values[k]);
                if (category == null) {
                    return null;
                }
                values[k] = category;
            }
        }
        return new SparseVector(vector.size(), indices, values);
    }

    private Double category(int feature, double value) {
        Map<Double, Integer> categories = categoryMaps.get(feature);
        Integer category = categories.get(value);
        if (category != null) {
            return (double) category;
        }
        return switch (handling) {
            case KEEP -> (double) categories.size();
            case SKIP -> null;
            case ERROR -> throw new RowException(inputColumn, "unseen value " + value + " at feature " + feature + " of column "
                    + inputColumn + "; set handleInvalid=keep on the VectorIndexer to score it");
        };
    }
}
