package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.feature.Interaction;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class InteractionParityTest extends StageParityTest {
    InteractionParityTest() {
        super(Interaction.class);
    }

    private static StringIndexer indexer(String column) {
        return new StringIndexer().setInputCol(column).setOutputCol(column + "_index").setHandleInvalid("keep");
    }

    @Test
    void nominalIndexTimesNumbersRejectingNulls() {
        assertThat(assertParity(indexer("city"),
                new Interaction().setInputCols(new String[] {"city_index", "distance", "hour"}).setOutputCol("city_distance_hour"))
                .rejected()).isPositive();
    }

    @Test
    void oneHotVectorsAndAssembledNominalSlots() {
        assertParity(indexer("vendor"), indexer("payment"),
                new OneHotEncoder().setInputCol("vendor_index").setOutputCol("vendor_vector"),
                new VectorAssembler().setInputCols(new String[] {"payment_index", "passengers", "airport"}).setOutputCol("assembled")
                        .setHandleInvalid("skip"),
                new Interaction().setInputCols(new String[] {"vendor_vector", "assembled"}).setOutputCol("crossed"),
                new Interaction().setInputCols(new String[] {"payment_index"}).setOutputCol("payment_alone"),
                new Interaction().setInputCols(new String[] {"passengers", "vendor_index", "payment_index"}).setOutputCol("three_way"));
    }
}
