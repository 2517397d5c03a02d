package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.junit.jupiter.api.Test;

class StringIndexerParityTest extends StageParityTest {
    StringIndexerParityTest() {
        super(StringIndexerModel.class);
    }

    @Test
    void keepIndexesUnseenAndNullCities() {
        assertParity(new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"));
    }

    @Test
    void skipDropsUnseenAndNullCities() {
        assertThat(assertParity(new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("skip"))
                .skipped()).isPositive();
    }

    @Test
    void errorRejectsUnseenAndNullCities() {
        assertThat(assertParity(new StringIndexer().setInputCol("city").setOutputCol("city_index")).rejected()).isPositive();
    }

    @Test
    void multiColumnWithEveryOrder() {
        assertParity(
                new StringIndexer().setInputCols(new String[] {"city", "payment"}).setOutputCols(new String[] {"ci", "pi"})
                        .setStringOrderType("alphabetAsc").setHandleInvalid("keep"),
                new StringIndexer().setInputCols(new String[] {"vendor", "payment"}).setOutputCols(new String[] {"vi", "pi2"})
                        .setStringOrderType("frequencyAsc").setHandleInvalid("skip"),
                new StringIndexer().setInputCol("vendor").setOutputCol("vi3").setStringOrderType("alphabetDesc"));
    }

    @Test
    void insideAPipelineModelThatIsItselfAStage() {
        PipelineModel inner = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep")}).fit(trainingData());
        assertParity(inner, new StringIndexer().setInputCol("vendor").setOutputCol("vendor_index").setHandleInvalid("skip"));
    }

    @Test
    void numericInputIsIndexedByItsText() {
        assertParity(new StringIndexer().setInputCol("passengers").setOutputCol("passengers_index").setHandleInvalid("keep"),
                new StringIndexer().setInputCol("hour").setOutputCol("hour_index").setHandleInvalid("skip"),
                new StringIndexer().setInputCol("fare_class").setOutputCol("fare_class_index"),
                new StringIndexer().setInputCol("distance").setOutputCol("distance_index").setHandleInvalid("keep"));
    }
}
