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
import io.carrara.pipeline.stage.Frame;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Spark's {@code Interaction}: every product of one feature from each input column, the first
 * column varying slowest. A nominal input (a scalar or vector slot whose ML attribute is nominal
 * with more than one value) is one-hot encoded first, so its index selects a block rather than
 * scaling it; numeric and binary features enter as they are. Which inputs are nominal comes from
 * the columns' attributes at compile time, so a column whose attributes the runtime does not know
 * is refused, as is a vector without attributes (Spark fails on it too). The result is stored as
 * Spark's {@code compressed} stores it; a null input or a nominal value that is not a valid index
 * fails the row.
 */
public final class Interaction implements Stage {
    private final String description;
    private final List<String> inputColumns;
    private final String outputColumn;

    private Interaction(String description, List<String> inputColumns, String outputColumn) {
        this.description = description;
        this.inputColumns = List.copyOf(inputColumns);
        this.outputColumn = outputColumn;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Interaction");
        }

        @Override
        public Stage load(SavedStage saved) {
            List<String> inputs = saved.params().getStringList("inputCols");
            if (inputs.isEmpty()) {
                throw saved.params().invalid("inputCols is empty; Interaction needs at least one column");
            }
            if (new HashSet<>(inputs).size() != inputs.size()) {
                throw saved.params().invalid("inputCols " + inputs + " repeats a column");
            }
            return new Interaction(saved.description(), inputs, saved.params().getString("outputCol"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int count = inputColumns.size();
        Feature[] features = new Feature[count];
        List<List<Attribute>> encodedAttributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Column input = binder.input(inputColumns.get(i));
            List<Attribute> attributes = inputAttributes(binder, input);
            int[] widths = new int[attributes.size()];
            for (int k = 0; k < widths.length; k++) {
                widths[k] = width(binder, input, attributes.get(k));
            }
            features[i] = new Feature(input.name(), input.slot(), input.type() == DataType.VECTOR, widths);
            encodedAttributes.add(encode(attributes, input.type() == DataType.VECTOR ? Optional.of(input.name()) : Optional.empty()));
        }
        List<Attribute> outputAttributes = encodedAttributes.get(count - 1);
        for (int i = count - 2; i >= 0; i--) {
            List<Attribute> combined = new ArrayList<>(encodedAttributes.get(i).size() * outputAttributes.size());
            for (Attribute head : encodedAttributes.get(i)) {
                for (Attribute tail : outputAttributes) {
                    combined.add(Attribute.numeric(head.name().orElseThrow() + ":" + tail.name().orElseThrow()));
                }
            }
            outputAttributes = combined;
        }
        int outputSlot = binder.vectorOutput(outputColumn, outputAttributes).slot();
        int outputSize = outputAttributes.size();
        return frame -> {
            frame.setObject(outputSlot, interact(frame, features, outputSize));
            return true;
        };
    }

    /** The input's attributes, one per feature; a scalar without metadata is numeric, as Spark reads it. */
    private List<Attribute> inputAttributes(StageBinder binder, Column input) {
        ColumnAttributes attributes = input.attributes();
        if (!attributes.isKnown()) {
            throw binder.mismatch("the ML attributes of input column '" + input.name() + "' are not known to the runtime, and "
                    + "Interaction needs them to tell nominal from numeric features; produce it with StringIndexer, "
                    + "OneHotEncoder, VectorAssembler, VectorIndexer or Interaction, or use a raw input column");
        }
        if (input.type() == DataType.VECTOR) {
            return attributes.slotAttributes().orElseThrow(() -> binder.mismatch("vector column '" + input.name()
                    + "' has no ML attributes, which Interaction needs (Spark fails on it too)"));
        }
        if (!input.type().isNumeric() || input.type() == DataType.BOOLEAN) {
            // Spark's Interaction declares booleans but fails reading their attribute; refuse them here.
            throw binder.mismatch("input column '" + input.name() + "' is " + input.type()
                    + "; Interaction takes numeric and vector columns (Spark fails on booleans too)");
        }
        Attribute attribute = attributes.attribute().orElseGet(() -> Attribute.numeric(input.name()));
        return List.of(attribute.name().isPresent() ? attribute : attribute.withName(input.name()));
    }

    /** Output features one input feature takes: a nominal one its value count (at least 1), others 1. */
    private int width(StageBinder binder, Column input, Attribute attribute) {
        if (attribute.type() != Attribute.Type.NOMINAL) {
            return 1;
        }
        return Math.max(1, attribute.valueCount().orElseThrow(() -> binder.mismatch("a nominal feature of input column '"
                + input.name() + "' does not say how many values it has, which Interaction needs")));
    }

    /** Spark's names for the encoded features: {@code [group_]name[_value]}, the index standing in for a missing name. */
    private static List<Attribute> encode(List<Attribute> attributes, Optional<String> group) {
        List<Attribute> encoded = new ArrayList<>();
        for (int i = 0; i < attributes.size(); i++) {
            Attribute attribute = attributes.get(i);
            String base = group.map(name -> name + "_").orElse("") + attribute.name().orElse(Integer.toString(i));
            if (attribute.type() == Attribute.Type.NOMINAL) {
                List<String> values = attribute.values().orElseGet(() -> {
                    List<String> indices = new ArrayList<>();
                    for (int j = 0; j < attribute.numValues().orElse(0); j++) {
                        indices.add(Integer.toString(j));
                    }
                    return indices;
                });
                for (String value : values) {
                    encoded.add(Attribute.binary(base + "_" + value));
                }
            } else {
                encoded.add(Attribute.numeric(base));
            }
        }
        return encoded;
    }

    /**
     * Spark's product, built from the last column to the first so indices come out ascending and
     * each value is multiplied in the same order as Spark multiplies it.
     */
    private static Vector interact(Frame frame, Feature[] features, int outputSize) {
        int[] indices = {0};
        double[] values = {1.0};
        int length = 1;
        int size = 1;
        for (int f = features.length - 1; f >= 0; f--) {
            Feature feature = features[f];
            Encoded encoded = feature.encode(frame);
            int[] nextIndices = new int[encoded.count * length];
            double[] nextValues = new double[nextIndices.length];
            int position = 0;
            for (int e = 0; e < encoded.count; e++) {
                for (int j = 0; j < length; j++) {
                    nextIndices[position] = indices[j] + encoded.indices[e] * size;
                    nextValues[position++] = values[j] * encoded.values[e];
                }
            }
            indices = nextIndices;
            values = nextValues;
            length = position;
            size *= feature.outputSize;
        }
        return compressed(outputSize, indices, values, length);
    }

    /** Spark's {@code compressed} of a sparse vector whose entries may include zeros. */
    private static Vector compressed(int size, int[] indices, double[] values, int length) {
        int nonZeros = 0;
        for (int k = 0; k < length; k++) {
            if (values[k] != 0.0) {
                nonZeros++;
            }
        }
        if (12L * nonZeros + 28 >= 8L * size + 12) {
            double[] dense = new double[size];
            for (int k = 0; k < length; k++) {
                dense[indices[k]] = values[k];
            }
            return new DenseVector(dense);
        }
        int[] keptIndices = new int[nonZeros];
        double[] keptValues = new double[nonZeros];
        int position = 0;
        for (int k = 0; k < length; k++) {
            if (values[k] != 0.0) {
                keptIndices[position] = indices[k];
                keptValues[position++] = values[k];
            }
        }
        return new SparseVector(size, keptIndices, keptValues);
    }

    private record Encoded(int[] indices, double[] values, int count) {
    }

    /** One input column: its slot and, per feature, how many outputs it takes (more than 1 means one-hot). */
    private static final class Feature {
        private final String column;
        private final int slot;
        private final boolean vector;
        private final int[] widths;
        private final int[] offsets;
        private final int outputSize;

        Feature(String column, int slot, boolean vector, int[] widths) {
            this.column = column;
            this.slot = slot;
            this.vector = vector;
            this.widths = widths;
            this.offsets = new int[widths.length];
            int total = 0;
            for (int k = 0; k < widths.length; k++) {
                offsets[k] = total;
                total += widths[k];
            }
            this.outputSize = total;
        }

        Encoded encode(Frame frame) {
            if (frame.isNull(slot)) {
                throw new RowException(column, "null in column " + column + "; Interaction needs a value");
            }
            if (!vector) {
                double value = frame.getDouble(slot);
                return widths[0] > 1
                        ? new Encoded(new int[] {index(value, widths[0])}, new double[] {1.0}, 1)
                        : new Encoded(new int[] {0}, new double[] {value}, 1);
            }
            Vector input = frame.getVector(slot);
            if (input.size() != widths.length) {
                throw new RowException(column, "column " + column + " holds a vector of size " + input.size()
                        + "; its ML attributes describe " + widths.length + " features");
            }
            int count = input.activeCount();
            int[] indices = new int[count];
            double[] values = new double[count];
            for (int k = 0; k < count; k++) {
                int feature = input.activeIndex(k);
                double value = input.activeValue(k);
                if (widths[feature] > 1) {
                    indices[k] = offsets[feature] + index(value, widths[feature]);
                    values[k] = 1.0;
                } else {
                    indices[k] = offsets[feature];
                    values[k] = value;
                }
            }
            return new Encoded(indices, values, count);
        }

        private int index(double value, int categories) {
            if (!(value >= 0.0 && value == (int) value && value < categories)) {
                throw new RowException(column, "column " + column + " holds " + value + " where Interaction expects a category index from 0 to "
                        + (categories - 1));
            }
            return (int) value;
        }
    }
}
