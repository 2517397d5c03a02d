package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.Set;

/**
 * Spark's {@code MinMaxScalerModel}: each feature rescaled from its fitted [min, max] to the
 * {@code [min, max]} parameters; a constant feature maps to their midpoint and NaN stays NaN. The
 * result is stored by Spark's size rule.
 */
public final class MinMaxScaler implements Stage {
    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    private final double[] originalMin;
    private final double[] scale;
    private final double min;
    private final double constantOutput;

    private MinMaxScaler(SavedStage saved, Vector originalMin, Vector originalMax) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.min = saved.params().getDouble("min");
        double max = saved.params().getDouble("max");
        this.constantOutput = (min + max) / 2;
        this.originalMin = originalMin.toArray();
        this.scale = new double[this.originalMin.length];
        for (int i = 0; i < scale.length; i++) {
            double range = originalMax.get(i) - originalMin.get(i);
            scale[i] = range != 0 ? (max - min) / range : 0.0;
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.MinMaxScalerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            Vector originalMin = data.getVector("originalMin");
            Vector originalMax = data.getVector("originalMax");
            if (originalMin.size() != originalMax.size()) {
                throw saved.params().invalid("originalMin has " + originalMin.size() + " values but originalMax has " + originalMax.size());
            }
            return new MinMaxScaler(saved, originalMin, originalMax);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int size = originalMin.length;
        VectorInput input = VectorInput.bind(binder, inputColumn, size);
        int outputSlot = binder.vectorOutput(outputColumn, size).slot();
        return frame -> {
            Vector vector = input.read(frame);
            double[] values = vector.toArray();
            for (int i = 0; i < size; i++) {
                if (!Double.isNaN(values[i])) {
                    values[i] = scale[i] != 0 ? (values[i] - originalMin[i]) * scale[i] + min : constantOutput;
                }
            }
            frame.setObject(outputSlot, Vector.compressed(values));
            return true;
        };
    }
}
