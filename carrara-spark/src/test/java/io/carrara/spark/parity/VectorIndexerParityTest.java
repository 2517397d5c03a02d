package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.feature.VectorIndexer;
import org.apache.spark.ml.feature.VectorIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class VectorIndexerParityTest extends StageParityTest {
    VectorIndexerParityTest() {
        super(VectorIndexerModel.class);
    }

    /** Passenger counts of 7 and more never occur in training: unseen categories at scoring time. */
    @Override
    protected Dataset<Row> scoringData() {
        return super.scoringData().withColumn("passengers", when(col("id").mod(9).equalTo(0), col("passengers").plus(6))
                .otherwise(col("passengers")));
    }

    private PipelineModel fit(String handleInvalid) {
        return new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("vendor").setOutputCol("vendor_index").setHandleInvalid("keep"),
            new OneHotEncoder().setInputCol("vendor_index").setOutputCol("vendor_vector"),
            new VectorAssembler().setInputCols(new String[] {"vendor_vector", "passengers", "airport", "distance"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            new VectorIndexer().setInputCol("features").setOutputCol("indexed").setMaxCategories(8).setHandleInvalid(handleInvalid)})
                .fit(trainingData());
    }

    @Test
    void keepGivesUnseenValuesTheNextCategory() {
        assertParity(fit("keep"), scoringData());
    }

    @Test
    void skipDropsRowsWithUnseenValues() {
        assertThat(assertParity(fit("skip"), scoringData()).skipped()).isPositive();
    }

    @Test
    void errorRejectsThem() {
        assertThat(assertParity(fit("error"), scoringData()).rejected()).isPositive();
    }
}
