package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.log;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class GeneralizedLinearRegressionParityTest extends StageParityTest {
    GeneralizedLinearRegressionParityTest() {
        super(GeneralizedLinearRegressionModel.class);
    }

    /** A positive count-like label and a log exposure offset, which both sides read from the row. */
    private static Dataset<Row> withExposure(Dataset<Row> trips) {
        return trips.withColumn("exposure", log(col("hour").plus(1.0))).withColumn("riders", col("passengers").cast("double"));
    }

    @Override
    protected Dataset<Row> trainingData() {
        return withExposure(super.trainingData()).na().drop(new String[] {"riders", "exposure"});
    }

    @Override
    protected Dataset<Row> scoringData() {
        return withExposure(super.scoringData());
    }

    private static PipelineStage[] model(GeneralizedLinearRegression glr) {
        return new PipelineStage[] {
            new VectorAssembler().setInputCols(new String[] {"distance", "airport"}).setOutputCol("features").setHandleInvalid("skip"),
            glr.setMaxIter(25)};
    }

    @Test
    void poissonWithOffsetAndLinkPrediction() {
        assertParity(model(new GeneralizedLinearRegression().setFamily("poisson").setLabelCol("riders").setOffsetCol("exposure")
                .setLinkPredictionCol("eta")));
    }

    @Test
    void binomialWithCloglog() {
        assertParity(model(new GeneralizedLinearRegression().setFamily("binomial").setLink("cloglog").setLabelCol("label")));
    }

    @Test
    void binomialWithProbit() {
        assertParity(model(new GeneralizedLinearRegression().setFamily("binomial").setLink("probit").setLabelCol("label")
                .setLinkPredictionCol("eta")));
    }

    @Test
    void gammaWithLogLink() {
        assertParity(model(new GeneralizedLinearRegression().setFamily("gamma").setLabelCol("fare").setLink("log")));
    }

    @Test
    void tweedieWithPowerLink() {
        assertParity(model(new GeneralizedLinearRegression().setFamily("tweedie").setVariancePower(1.5).setLinkPower(0.3)
                .setLabelCol("riders")));
    }
}
