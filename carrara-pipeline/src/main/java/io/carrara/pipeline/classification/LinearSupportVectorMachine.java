package io.carrara.pipeline.classification;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.Set;

/**
 * Spark's {@code LinearSVCModel}: raw prediction [-m, m] for the margin m = w.x + b, and
 * prediction 1.0 when m exceeds {@code threshold} (it has no probability column).
 */
public final class LinearSupportVectorMachine implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String rawPredictionColumn;
    private final String predictionColumn;
    private final double[] coefficients;
    private final double intercept;
    private final double threshold;

    private LinearSupportVectorMachine(SavedStage saved, Vector coefficients, double intercept) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.rawPredictionColumn = saved.params().getString("rawPredictionCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.threshold = saved.params().getDouble("threshold");
        this.coefficients = coefficients.toArray();
        this.intercept = intercept;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.classification.LinearSVCModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            return new LinearSupportVectorMachine(saved, data.getVector("coefficients"), data.getDouble("intercept"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        VectorInput features = VectorInput.bind(binder, featuresColumn, coefficients.length);
        int rawSlot = rawPredictionColumn.isEmpty() ? -1 : binder.vectorOutput(rawPredictionColumn, 2).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            double margin = intercept + features.read(frame).dot(coefficients);
            if (rawSlot >= 0) {
                frame.setObject(rawSlot, new DenseVector(new double[] {-margin, margin}));
            }
            if (predictionSlot >= 0) {
                frame.setDouble(predictionSlot, margin > threshold ? 1.0 : 0.0);
            }
            return true;
        };
    }
}
