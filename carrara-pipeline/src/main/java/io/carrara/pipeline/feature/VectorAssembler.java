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
import io.carrara.pipeline.stage.InvalidHandling;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Spark's {@code VectorAssembler}: numeric and vector columns concatenated into one vector, stored
 * sparse or dense by Spark's size rule. {@code error} fails on a null or a NaN number; {@code skip}
 * drops such rows (a NaN inside a vector is kept, as Spark's {@code na.drop} ignores vectors'
 * contents); {@code keep} writes NaN for a null number and as many NaNs as the vector column's
 * known size for a null vector, which is why {@code keep} needs every vector input's size.
 */
public final class VectorAssembler implements Stage {
    private final String description;
    private final List<String> inputColumns;
    private final String outputColumn;
    private final InvalidHandling handling;

    private VectorAssembler(String description, List<String> inputColumns, String outputColumn, InvalidHandling handling) {
        this.description = description;
        this.inputColumns = inputColumns;
        this.outputColumn = outputColumn;
        this.handling = handling;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.VectorAssembler");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new VectorAssembler(saved.description(), saved.params().getStringList("inputCols"),
                    saved.params().getString("outputCol"), InvalidHandling.from(saved.params(), InvalidHandling.values()));
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
        int[] lengths = new int[count];
        boolean[] isVector = new boolean[count];
        boolean sizeKnown = true;
        int totalSize = 0;
        for (int i = 0; i < count; i++) {
            Column input = binder.input(inputColumns.get(i));
            if (input.type() == DataType.VECTOR) {
                isVector[i] = true;
                if (input.vectorSize().isPresent()) {
                    lengths[i] = input.vectorSize().getAsInt();
                } else if (handling == InvalidHandling.KEEP) {
                    throw binder.mismatch("cannot know the size of vector column '" + input.name()
                            + "' with handleInvalid=keep; declare its size in the input schema (Spark needs VectorSizeHint)");
                } else {
                    sizeKnown = false;
                }
            } else if (input.type().isNumeric()) {
                lengths[i] = 1;
            } else {
                throw binder.mismatch("input column '" + input.name() + "' is " + input.type()
                        + "; VectorAssembler takes numeric, boolean and vector columns");
            }
            totalSize += lengths[i];
            inputs[i] = input;
        }
        int outputSlot = binder.vectorOutput(outputColumn, sizeKnown ? OptionalInt.of(totalSize) : OptionalInt.empty(),
                outputAttributes(inputs)).slot();
        boolean keep = handling == InvalidHandling.KEEP;
        boolean skip = handling == InvalidHandling.SKIP;
        return frame -> {
            if (skip) {
                for (int i = 0; i < count; i++) {
                    int slot = inputs[i].slot();
                    if (frame.isNull(slot) || (!isVector[i] && Double.isNaN(frame.getDouble(slot)))) {
                        return false;
                    }
                }
            }
            int size = 0;
            int nonZeros = 0;
            for (int i = 0; i < count; i++) {
                int slot = inputs[i].slot();
                if (frame.isNull(slot)) {
                    if (!keep) {
                        throw new RowException(inputs[i].name(), "null in column " + inputs[i].name()
                                + "; set handleInvalid=keep to assemble it as NaN or handleInvalid=skip to drop such rows");
                    }
                    size += lengths[i];
                    nonZeros += lengths[i];
                } else if (isVector[i]) {
                    Vector vector = frame.getVector(slot);
                    size += vector.size();
                    nonZeros += vector.numNonZeros();
                } else {
                    double value = frame.getDouble(slot);
                    if (Double.isNaN(value) && !keep) {
                        throw new RowException(inputs[i].name(), "NaN in column " + inputs[i].name()
                                + "; set handleInvalid=keep to assemble it or handleInvalid=skip to drop such rows");
                    }
                    size += 1;
                    if (value != 0.0) {
                        nonZeros++;
                    }
                }
            }
            frame.setObject(outputSlot, assemble(frame, inputs, isVector, lengths, size, nonZeros));
            return true;
        };
    }

    /**
     * Spark's output attribute group: a double column's attribute renamed to the column (numeric
     * when it has none), other numbers numeric under their column's name, a vector's slots renamed
     * {@code <column>_<name>} or {@code <column>_<index>}, and numeric {@code <column>_<index>} for a
     * vector with only a size. Unknown when any input's is, or when a vector's size is not known
     * (Spark would take it from the first row).
     */
    private static ColumnAttributes outputAttributes(Column[] inputs) {
        List<Attribute> attributes = new ArrayList<>();
        for (Column input : inputs) {
            ColumnAttributes known = input.attributes();
            if (!known.isKnown()) {
                return ColumnAttributes.unknown();
            }
            String name = input.name();
            if (input.type() == DataType.VECTOR) {
                if (known.slotAttributes().isPresent()) {
                    List<Attribute> slots = known.slotAttributes().get();
                    for (int i = 0; i < slots.size(); i++) {
                        attributes.add(slots.get(i).withName(name + "_" + slots.get(i).name().orElse(Integer.toString(i))));
                    }
                } else if (input.vectorSize().isPresent()) {
                    for (int i = 0; i < input.vectorSize().getAsInt(); i++) {
                        attributes.add(Attribute.numeric(name + "_" + i));
                    }
                } else {
                    return ColumnAttributes.unknown();
                }
            } else if (input.type() == DataType.DOUBLE && known.attribute().isPresent()) {
                attributes.add(known.attribute().get().withName(name));
            } else {
                // Spark assumes numeric for other number types whatever their metadata says.
                attributes.add(Attribute.numeric(name));
            }
        }
        return ColumnAttributes.slots(attributes);
    }

    private static Vector assemble(io.carrara.pipeline.stage.Frame frame, Column[] inputs, boolean[] isVector, int[] lengths,
                                   int size, int nonZeros) {
        // Spark stores the result sparse when 12*nnz + 28 bytes beat 8*size + 12 bytes.
        boolean sparse = 12L * nonZeros + 28 < 8L * size + 12;
        int[] indices = sparse ? new int[nonZeros] : null;
        double[] values = new double[sparse ? nonZeros : size];
        int offset = 0;
        int position = 0;
        for (int i = 0; i < inputs.length; i++) {
            int slot = inputs[i].slot();
            if (frame.isNull(slot)) {
                for (int k = 0; k < lengths[i]; k++) {
                    position = put(indices, values, position, offset + k, Double.NaN);
                }
                offset += lengths[i];
            } else if (isVector[i]) {
                Vector vector = frame.getVector(slot);
                for (int k = 0; k < vector.activeCount(); k++) {
                    double value = vector.activeValue(k);
                    if (value != 0.0) {
                        position = put(indices, values, position, offset + vector.activeIndex(k), value);
                    }
                }
                offset += vector.size();
            } else {
                double value = frame.getDouble(slot);
                if (value != 0.0) {
                    position = put(indices, values, position, offset, value);
                }
                offset += 1;
            }
        }
        return sparse ? new SparseVector(size, indices, values) : new DenseVector(values);
    }

    private static int put(int[] indices, double[] values, int position, int index, double value) {
        if (indices == null) {
            values[index] = value;
            return position;
        }
        indices[position] = index;
        values[position] = value;
        return position + 1;
    }
}
