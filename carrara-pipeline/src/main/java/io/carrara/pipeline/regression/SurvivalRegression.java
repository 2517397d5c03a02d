package io.carrara.pipeline.regression;

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
 * Spark's {@code AFTSurvivalRegressionModel}: prediction {@code exp(w.x + b)} and, with
 * {@code quantilesCol}, that times {@code exp(log(-log(1-q)) * scale)} for each quantile probability q.
 */
public final class SurvivalRegression implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final String quantilesColumn;
    private final double[] coefficients;
    private final double intercept;
    private final double[] quantileFactors;

    private SurvivalRegression(SavedStage saved, Vector coefficients, double intercept, double scale) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.quantilesColumn = saved.params().findString("quantilesCol").orElse("");
        this.coefficients = coefficients.toArray();
        this.intercept = intercept;
        double[] probabilities = saved.params().getDoubleArray("quantileProbabilities");
        this.quantileFactors = new double[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            quantileFactors[i] = Math.exp(Math.log(-Math.log1p(-probabilities[i])) * scale);
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.regression.AFTSurvivalRegressionModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            return new SurvivalRegression(saved, data.getVector("coefficients"), data.getDouble("intercept"), data.getDouble("scale"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int size = coefficients.length;
        VectorInput input = VectorInput.bind(binder, featuresColumn, size);
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        int quantilesSlot = quantilesColumn.isEmpty() ? -1 : binder.vectorOutput(quantilesColumn, quantileFactors.length).slot();
        return frame -> {
            Vector x = input.read(frame);
            double dot = 0.0;
            for (int k = 0; k < x.activeCount(); k++) {
                dot += coefficients[x.activeIndex(k)] * x.activeValue(k);
            }
            double lambda = Math.exp(dot + intercept);
            if (predictionSlot >= 0) {
                frame.setDouble(predictionSlot, lambda);
            }
            if (quantilesSlot >= 0) {
                double[] quantiles = new double[quantileFactors.length];
                for (int i = 0; i < quantiles.length; i++) {
                    quantiles[i] = quantileFactors[i] * lambda;
                }
                frame.setObject(quantilesSlot, new DenseVector(quantiles));
            }
            return true;
        };
    }
}
