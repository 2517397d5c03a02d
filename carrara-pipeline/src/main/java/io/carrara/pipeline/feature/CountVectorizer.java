package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Spark's {@code CountVectorizerModel}: counts of vocabulary terms in a sparse vector the size of
 * the vocabulary, unknown terms ignored; terms counted fewer than {@code minTF} times (or that
 * fraction of the document's tokens, when below 1) are dropped, and {@code binary} makes counts 1.0.
 */
public final class CountVectorizer implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final Map<String, Integer> indexByTerm;
    private final double minTF;
    private final boolean binary;

    private CountVectorizer(SavedStage saved, List<String> vocabulary) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.minTF = saved.params().getDouble("minTF");
        this.binary = saved.params().getBoolean("binary");
        Map<String, Integer> index = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < vocabulary.size(); i++) {
            index.put(vocabulary.get(i), i);
        }
        this.indexByTerm = Map.copyOf(index);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.CountVectorizerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new CountVectorizer(saved, saved.singleDataRecord().getStringList("vocabulary"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int size = indexByTerm.size();
        int inputSlot = binder.input(inputColumn, DataType.STRING_ARRAY).slot();
        int outputSlot = binder.vectorOutput(outputColumn, size).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; CountVectorizer needs an array of terms");
            }
            List<?> document = (List<?>) frame.getObject(inputSlot);
            TreeMap<Integer, Double> counts = new TreeMap<>();
            for (Object term : document) {
                Integer index = term == null ? null : indexByTerm.get(term);
                if (index != null) {
                    counts.merge(index, 1.0, Double::sum);
                }
            }
            double effectiveMinTF = minTF >= 1.0 ? minTF : document.size() * minTF;
            counts.values().removeIf(count -> count < effectiveMinTF);
            int[] indices = new int[counts.size()];
            double[] values = new double[counts.size()];
            int k = 0;
            for (var entry : counts.entrySet()) {
                indices[k] = entry.getKey();
                values[k++] = binary ? 1.0 : entry.getValue();
            }
            frame.setObject(outputSlot, new SparseVector(size, indices, values));
            return true;
        };
    }
}
