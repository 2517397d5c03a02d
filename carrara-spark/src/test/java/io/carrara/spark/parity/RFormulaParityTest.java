package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.RFormula;
import org.apache.spark.ml.feature.RFormulaModel;
import org.apache.spark.ml.feature.VectorSlicer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RFormulaParityTest extends StageParityTest {
    RFormulaParityTest() {
        super(RFormulaModel.class);
    }

    @Test
    void keepScoresUnseenCategoriesAndCopiesANumericLabel() {
        assertParity(new RFormula().setFormula("fare ~ city + distance + hour").setLabelCol("fare_label").setHandleInvalid("keep"));
    }

    @Test
    void skipDropsUnseenCategoriesAndNullsWithInteractionsAndAlphabeticalOrder() {
        assertThat(assertParity(new RFormula().setFormula("label ~ city + vendor:payment + duration").setHandleInvalid("skip")
                .setStringIndexerOrderType("alphabetAsc")).skipped()).isPositive();
    }

    @Test
    void errorRejectsUnseenCategoriesAndNulls() {
        assertThat(assertParity(new RFormula().setFormula("fare ~ city + passengers").setLabelCol("fare_label"))
                .rejected()).isPositive();
    }

    @Test
    void dotMinusAndNumericInteractionsWithSlicingByTermNames() {
        assertParity(new RFormula().setFormula("fare ~ . - id - note - label - fare_class + distance:duration + city:hour")
                        .setLabelCol("fare_label").setHandleInvalid("keep"),
                new VectorSlicer().setInputCol("features").setOutputCol("named")
                        .setNames(new String[] {"distance", "city_new_york", "vendor_cmt", "distance:duration", "city_boston:hour"}));
    }

    @Test
    void formulaWithoutInterceptKeepsEveryCategoryOfTheFirstTerm() {
        assertParity(new RFormula().setFormula("label ~ city + vendor + 0").setHandleInvalid("keep"));
    }

    @Test
    void stringLabelIsIndexedWhenPresentAndSkippedWhenAbsent() {
        Dataset<Row> training = trainingData().withColumn("pay", col("payment"));
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
            new RFormula().setFormula("pay ~ city + distance + vendor:payment").setLabelCol("pay_index").setHandleInvalid("keep")})
                .fit(training);
        assertParity(model, scoringData().withColumn("pay", col("payment")));
        assertParity(model, scoringData());
    }
}
