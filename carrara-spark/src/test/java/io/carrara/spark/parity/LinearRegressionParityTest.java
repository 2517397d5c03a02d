package io.carrara.spark.parity;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.junit.jupiter.api.Test;

class LinearRegressionParityTest extends StageParityTest {
    LinearRegressionParityTest() {
        super(LinearRegressionModel.class);
    }

    private static PipelineStage[] fare(LinearRegression model) {
        return new PipelineStage[] {
            new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
            new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "distance", "duration", "airport"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            model.setLabelCol("fare").setMaxIter(30)};
    }

    @Test
    void squaredErrorWithElasticNet() {
        assertParity(fare(new LinearRegression().setRegParam(0.1).setElasticNetParam(0.5)));
    }

    @Test
    void huberLoss() {
        assertParity(fare(new LinearRegression().setLoss("huber").setPredictionCol("fare_estimate")));
    }
}
