package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.attribute.Attribute;
import io.carrara.pipeline.attribute.ColumnAttributes;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.ColumnPairs;
import io.carrara.pipeline.stage.InvalidHandling;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Spark's {@code OneHotEncoderModel}: a category index becomes a sparse vector with a single 1.0.
 * The vector has the fitted category count, minus one with {@code dropLast}, plus one for the
 * invalid bucket with {@code handleInvalid=keep}; the dropped category encodes as all zeros. A null
 * index gives a null vector, as Spark's UDF over a primitive does.
 */
public final class OneHotEncoder implements Stage {
    private static final int[] NO_INDICES = new int[0];
    private static final double[] NO_VALUES = new double[0];
    private static final double[] ONE = {1.0};
    private static final int PRECOMPUTED_LIMIT = 1 << 16;

    private final String description;
    private final ColumnPairs columns;
    private final int[] categorySizes;
    private final boolean dropLast;
    private final boolean keepInvalid;

    private OneHotEncoder(String description, ColumnPairs columns, int[] categorySizes, boolean dropLast, boolean keepInvalid) {
        this.description = description;
        this.columns = columns;
        this.categorySizes = categorySizes;
        this.dropLast = dropLast;
        this.keepInvalid = keepInvalid;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.OneHotEncoderModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            ColumnPairs columns = ColumnPairs.from(saved.params());
            InvalidHandling handling = InvalidHandling.from(saved.params(), InvalidHandling.ERROR, InvalidHandling.KEEP);
            int[] categorySizes = saved.singleDataRecord().getIntArray("categorySizes");
            if (categorySizes.length != columns.size()) {
                throw saved.params().invalid("data has " + categorySizes.length + " category sizes for " + columns.size() + " input columns");
            }
            return new OneHotEncoder(saved.description(), columns, categorySizes, saved.params().getBoolean("dropLast"),
                    handling == InvalidHandling.KEEP);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int count = columns.size();
        Column[] inputs = new Column[count];
        int[] outputSlots = new int[count];
        int[] vectorSizes = new int[count];
        // Vectors are immutable, so each column's encodings are built once: one per category index
        // (0..categories, the last for keep's invalid bucket), empty where dropLast drops it; a column
        // with more than PRECOMPUTED_LIMIT categories builds them per row instead of holding them all.
        SparseVector[][] encodings = new SparseVector[count][];
        for (int i = 0; i < count; i++) {
            inputs[i] = binder.numericInput(columns.inputs().get(i));
            vectorSizes[i] = configuredSize(categorySizes[i]);
            outputSlots[i] = binder.vectorOutput(columns.outputs().get(i), OptionalInt.of(vectorSizes[i]),
                    outputAttributes(binder, inputs[i], categorySizes[i], vectorSizes[i])).slot();
            encodings[i] = new SparseVector[categorySizes[i] < PRECOMPUTED_LIMIT ? categorySizes[i] + 1 : 0];
            for (int index = 0; index < encodings[i].length; index++) {
                encodings[i][index] = encode(vectorSizes[i], index);
            }
        }
        return frame -> {
            for (int i = 0; i < count; i++) {
                int inputSlot = inputs[i].slot();
                if (frame.isNull(inputSlot)) {
                    frame.setNull(outputSlots[i]);
                    continue;
                }
                double label = frame.getDouble(inputSlot);
                int categories = categorySizes[i];
                int index;
                if (label >= 0 && label < categories) {
                    index = (int) label;
                } else if (keepInvalid) {
                    index = categories;
                } else {
                    throw invalidIndex(inputs[i].name(), label, categories);
                }
                frame.setObject(outputSlots[i], index < encodings[i].length ? encodings[i][index] : encode(vectorSizes[i], index));
            }
            return true;
        };
    }

    private static SparseVector encode(int size, int index) {
        return index < size ? new SparseVector(size, new int[] {index}, ONE.clone()) : new SparseVector(size, NO_INDICES, NO_VALUES);
    }

    /**
     * Spark's output attribute group: one binary attribute per slot, named by the input's nominal
     * values (or {@code 0..n-1} when the input has none), less the last with {@code dropLast}, plus
     * {@code invalidValues} when {@code keep} keeps every category.
     */
    private ColumnAttributes outputAttributes(StageBinder binder, Column input, int categories, int size) {
        ColumnAttributes inputAttributes = input.attributes();
        if (!inputAttributes.isKnown()) {
            return ColumnAttributes.unknown();
        }
        List<String> names = inputAttributes.attribute().flatMap(attribute -> switch (attribute.type()) {
            case NUMERIC -> throw binder.mismatch("input column '" + input.name()
                    + "' is continuous (a numeric ML attribute); OneHotEncoder needs category indices");
            case BINARY -> Optional.of(attribute.values().orElse(List.of("0", "1")));
            case NOMINAL -> attribute.values().or(() -> attribute.numValues().isPresent()
                    ? Optional.of(indexNames(attribute.numValues().getAsInt())) : Optional.empty());
        }).orElseGet(() -> indexNames(categories));
        List<String> kept = new ArrayList<>(names);
        if (dropLast && !keepInvalid) {
            if (kept.size() <= 1) {
                throw binder.mismatch("input column '" + input.name() + "' has " + kept.size()
                        + " category; dropLast needs at least two");
            }
            kept.remove(kept.size() - 1);
        } else if (!dropLast && keepInvalid) {
            kept.add("invalidValues");
        }
        if (kept.size() != size) {
            throw binder.mismatch("OneHotEncoder expected " + size + " categorical values for input column '" + input.name()
                    + "', but its metadata specifies " + kept.size());
        }
        return ColumnAttributes.slots(kept.stream().map(Attribute::binary).toList());
    }

    private static List<String> indexNames(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }

    private int configuredSize(int categories) {
        if (!dropLast && keepInvalid) {
            return categories + 1;
        }
        if (dropLast && !keepInvalid) {
            return categories - 1;
        }
        return categories;
    }

    private static RowException invalidIndex(String column, double label, int categories) {
        String what = label < 0 ? "negative index " + label : "unseen index " + label;
        return new RowException(column, what + " in column " + column + "; OneHotEncoder was fitted on indices 0 to "
                + (categories - 1) + "; set handleInvalid=keep to score it");
    }
}
