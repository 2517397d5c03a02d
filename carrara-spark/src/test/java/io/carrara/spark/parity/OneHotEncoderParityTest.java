package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;

import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class OneHotEncoderParityTest extends StageParityTest {
    OneHotEncoderParityTest() {
        super(OneHotEncoderModel.class);
    }

    private static StringIndexer cityIndexer() {
        return new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep");
    }

    @Test
    void dropLastByDefault() {
        assertParity(cityIndexer(), new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"));
    }

    @Test
    void keepInvalidWithoutDropLast() {
        assertParity(cityIndexer(), new OneHotEncoder().setInputCols(new String[] {"city_index", "hour"})
                .setOutputCols(new String[] {"city_vector", "hour_vector"}).setDropLast(false).setHandleInvalid("keep"));
    }

    @Test
    void keepInvalidWithDropLastAndNullHours() {
        assertParity(cityIndexer(), new OneHotEncoder().setInputCols(new String[] {"city_index", "hour"})
                .setOutputCols(new String[] {"city_vector", "hour_vector"}).setHandleInvalid("keep"));
    }

    @Test
    void errorRejectsNegativeAndUnseenIndices() {
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
            new OneHotEncoder().setInputCol("hour").setOutputCol("hour_vector")}).fit(trainingData());
        Dataset<Row> shifted = scoringData().withColumn("hour",
                when(col("id").mod(2).equalTo(0), col("hour").plus(3)).otherwise(col("hour").minus(3)));
        assertThat(assertParity(fitted, shifted).rejected()).isPositive();
    }

    @Test
    void keepAcceptsNegativeAndUnseenIndices() {
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
            new OneHotEncoder().setInputCol("hour").setOutputCol("hour_vector").setHandleInvalid("keep")}).fit(trainingData());
        assertParity(fitted, scoringData().withColumn("hour", col("hour").minus(3)));
    }
}
