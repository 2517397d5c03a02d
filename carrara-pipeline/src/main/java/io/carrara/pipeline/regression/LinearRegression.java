package io.carrara.pipeline.regression;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.Set;

/** Spark's {@code LinearRegressionModel} (any loss, Huber included): {@code coefficients . features + intercept}. */
public final class LinearRegression implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final double[] coefficients;
    private final double intercept;

    private LinearRegression(SavedStage saved, Vector coefficients, double intercept) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.coefficients = coefficients.toArray();
        this.intercept = intercept;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.regression.LinearRegressionModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            return new LinearRegression(saved, data.getVector("coefficients"), data.getDouble("intercept"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        VectorInput features = VectorInput.bind(binder, featuresColumn, coefficients.length);
        if (predictionColumn.isEmpty()) {
            return frame -> true;
        }
        int predictionSlot = binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            frame.setDouble(predictionSlot, features.read(frame).dot(coefficients) + intercept);
            return true;
        };
    }
}
