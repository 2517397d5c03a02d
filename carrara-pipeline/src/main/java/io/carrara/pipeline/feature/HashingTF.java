package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Spark's {@code HashingTF} for saves from Spark 3.0 on: term frequencies in a sparse vector of
 * {@code numFeatures}, each term at {@code murmur3(term) mod numFeatures}; {@code binary} counts
 * 1.0 per distinct index. Spark 2.x saves hashed differently and are refused at load.
 */
public final class HashingTF implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final int numFeatures;
    private final boolean binary;

    private HashingTF(SavedStage saved) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.numFeatures = saved.params().getInt("numFeatures");
        this.binary = saved.params().getBoolean("binary");
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.HashingTF");
        }

        @Override
        public Stage load(SavedStage saved) {
            // Spark picks the hash by the version that saved the stage: 2.x used the older mllib hash.
            if (saved.metadata().sparkMajorVersion() < 3) {
                throw saved.params().invalid("HashingTF saved by Spark " + saved.metadata().sparkVersion()
                        + " uses Spark 2's hash; re-save the pipeline with Spark 3 or later");
            }
            return new HashingTF(saved);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int inputSlot = binder.input(inputColumn, DataType.STRING_ARRAY).slot();
        int outputSlot = binder.vectorOutput(outputColumn, numFeatures).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; HashingTF needs an array of terms");
            }
            TreeMap<Integer, Double> counts = new TreeMap<>();
            for (Object term : (List<?>) frame.getObject(inputSlot)) {
                int hash = term == null ? SparkMurmur3.SEED : SparkMurmur3.hashString((String) term, SparkMurmur3.SEED);
                int index = SparkMurmur3.nonNegativeMod(hash, numFeatures);
                counts.merge(index, 1.0, binary ? (a, b) -> 1.0 : Double::sum);
            }
            int[] indices = new int[counts.size()];
            double[] values = new double[counts.size()];
            int k = 0;
            for (var entry : counts.entrySet()) {
                indices[k] = entry.getKey();
                values[k++] = entry.getValue();
            }
            frame.setObject(outputSlot, new SparseVector(numFeatures, indices, values));
            return true;
        };
    }
}
