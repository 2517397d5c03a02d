package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.pipeline.attribute.ColumnAttributes;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Spark's {@code VectorSlicer}: the features at {@code indices}, then those named in
 * {@code names}, in that order. Names are resolved to indices at compile time through the input
 * column's ML attributes (as an assembled, one-hot encoded or interacted vector carries them); a
 * name the attributes do not hold, or an input whose attributes the runtime does not know, is a
 * model error naming the stage. The output keeps the selected features' attributes.
 */
public final class VectorSlicer implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final int[] indices;
    private final List<String> names;

    private VectorSlicer(SavedStage saved, int[] indices, List<String> names) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.indices = indices;
        this.names = List.copyOf(names);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.VectorSlicer");
        }

        @Override
        public Stage load(SavedStage saved) {
            List<String> names = saved.params().isDefined("names") ? saved.params().getStringList("names") : List.of();
            var json = saved.params().find("indices");
            int[] indices = new int[json.map(node -> node.size()).orElse(0)];
            for (int i = 0; i < indices.length; i++) {
                if (!json.get().get(i).canConvertToInt() || json.get().get(i).asInt() < 0) {
                    throw saved.params().invalid("indices holds " + json.get().get(i) + ", expected indices from 0");
                }
                indices[i] = json.get().get(i).asInt();
            }
            if (indices.length + names.size() == 0) {
                throw saved.params().invalid("neither indices nor names selects a feature");
            }
            if (Arrays.stream(indices).distinct().count() != indices.length || new HashSet<>(names).size() != names.size()) {
                throw saved.params().invalid("indices " + Arrays.toString(indices) + " or names " + names + " repeat a feature");
            }
            return new VectorSlicer(saved, indices, names);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column input = binder.input(inputColumn, DataType.VECTOR);
        if (indices.length > 0 && input.vectorSize().isPresent()) {
            int max = Arrays.stream(indices).max().getAsInt();
            if (max >= input.vectorSize().getAsInt()) {
                throw binder.mismatch("VectorSlicer selects index " + max + " but column '" + inputColumn + "' holds vectors of size "
                        + input.vectorSize().getAsInt());
            }
        }
        int[] selected = selectedIndices(binder, input);
        int inputSlot = input.slot();
        int outputSlot = binder.vectorOutput(outputColumn, OptionalInt.of(selected.length), outputAttributes(input, selected)).slot();
        int maxIndex = Arrays.stream(selected).max().orElse(-1);
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; VectorSlicer needs a vector");
            }
            Vector vector = frame.getVector(inputSlot);
            if (maxIndex >= vector.size()) {
                throw new RowException(inputColumn, "column " + inputColumn + " holds a vector of size " + vector.size()
                        + "; VectorSlicer selects index " + maxIndex);
            }
            frame.setObject(outputSlot, slice(vector, selected));
            return true;
        };
    }

    /** Spark's order: the given indices, then the named features' indices; the two may not overlap. */
    private int[] selectedIndices(StageBinder binder, Column input) {
        if (names.isEmpty()) {
            return indices;
        }
        ColumnAttributes attributes = input.attributes();
        if (!attributes.isKnown()) {
            throw binder.mismatch("VectorSlicer selects features by name, but the ML attributes of column '" + inputColumn
                    + "' are not known to the runtime; select by indices, or produce the column with VectorAssembler, "
                    + "OneHotEncoder, VectorIndexer or Interaction");
        }
        Map<String, Integer> indexByName = new HashMap<>();
        List<Attribute> slots = attributes.slotAttributes().orElse(List.of());
        for (int i = 0; i < slots.size(); i++) {
            // Spark's name lookup keeps the last feature of a repeated name.
            int index = i;
            slots.get(i).name().ifPresent(name -> indexByName.put(name, index));
        }
        List<Integer> selected = new ArrayList<>();
        Arrays.stream(indices).forEach(selected::add);
        for (String name : names) {
            Integer index = indexByName.get(name);
            if (index == null) {
                throw binder.mismatch("VectorSlicer selects feature '" + name + "', which column '" + inputColumn
                        + "' does not name" + (slots.isEmpty() ? " (it carries no feature names)" : "; its features include "
                        + slots.stream().flatMap(slot -> slot.name().stream()).limit(10).toList()));
            }
            if (selected.contains(index)) {
                throw binder.mismatch("VectorSlicer selects feature " + index + " both by index and as '" + name
                        + "'; Spark requires indices and names to be disjoint");
            }
            selected.add(index);
        }
        return selected.stream().mapToInt(Integer::intValue).toArray();
    }

    private static ColumnAttributes outputAttributes(Column input, int[] selected) {
        ColumnAttributes attributes = input.attributes();
        if (attributes.slotAttributes().isEmpty()) {
            // Without input attributes Spark records only the output's size.
            return attributes.isKnown() ? ColumnAttributes.none() : ColumnAttributes.unknown();
        }
        List<Attribute> slots = attributes.slotAttributes().get();
        return ColumnAttributes.slots(Arrays.stream(selected).mapToObj(slots::get).toList());
    }

    private static Vector slice(Vector vector, int[] selected) {
        double[] values = new double[selected.length];
        for (int i = 0; i < selected.length; i++) {
            values[i] = vector.get(selected[i]);
        }
        if (vector instanceof DenseVector) {
            return new DenseVector(values);
        }
        int count = 0;
        for (double value : values) {
            if (value != 0.0) {
                count++;
            }
        }
        int[] positions = new int[count];
        double[] nonZeros = new double[count];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0.0) {
                positions[k] = i;
                nonZeros[k++] = values[i];
            }
        }
        return new SparseVector(selected.length, positions, nonZeros);
    }
}
