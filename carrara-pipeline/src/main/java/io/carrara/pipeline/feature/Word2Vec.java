package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
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

/**
 * Spark's {@code Word2VecModel}: the mean of the (single-precision) vectors of a document's words,
 * unknown words counting in the denominator; an empty document gives a zero vector.
 */
public final class Word2Vec implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final int vectorSize;
    private final Map<String, double[]> vectors;

    private Word2Vec(SavedStage saved, Map<String, double[]> vectors) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.vectorSize = saved.params().getInt("vectorSize");
        this.vectors = vectors;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Word2VecModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            // Spark 2.x saved one row holding a map; 3.x and later save one (word, vector) row per word.
            if (saved.metadata().sparkMajorVersion() < 3) {
                throw saved.params().invalid("Word2Vec saved by Spark " + saved.metadata().sparkVersion() + " is not supported; re-save with Spark 3 or later");
            }
            Map<String, double[]> vectors = new HashMap<>();
            int size = saved.params().getInt("vectorSize");
            for (DataRecord row : saved.data()) {
                double[] vector = row.getDoubleArray("vector");
                if (vector.length != size) {
                    throw saved.params().invalid("word '" + row.getString("word") + "' has a vector of size " + vector.length + ", not " + size);
                }
                vectors.put(row.getString("word"), vector);
            }
            return new Word2Vec(saved, Map.copyOf(vectors));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int inputSlot = binder.input(inputColumn, DataType.STRING_ARRAY).slot();
        int outputSlot = binder.vectorOutput(outputColumn, vectorSize).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; Word2Vec needs an array of words");
            }
            List<?> sentence = (List<?>) frame.getObject(inputSlot);
            if (sentence.isEmpty()) {
                frame.setObject(outputSlot, new SparseVector(vectorSize, new int[0], new double[0]));
                return true;
            }
            double[] sum = new double[vectorSize];
            for (Object word : sentence) {
                double[] vector = word == null ? null : vectors.get(word);
                if (vector != null) {
                    for (int i = 0; i < vectorSize; i++) {
                        sum[i] += vector[i];
                    }
                }
            }
            double scale = 1.0 / sentence.size();
            for (int i = 0; i < vectorSize; i++) {
                sum[i] *= scale;
            }
            frame.setObject(outputSlot, new DenseVector(sum));
            return true;
        };
    }
}
