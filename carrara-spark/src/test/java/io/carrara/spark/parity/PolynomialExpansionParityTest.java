package io.carrara.spark.parity;

import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.PolynomialExpansion;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

class PolynomialExpansionParityTest extends StageParityTest {
    PolynomialExpansionParityTest() {
        super(PolynomialExpansion.class);
    }

    @Test
    void denseAndSparseToDegreeThree() {
        assertParity(new StringIndexer().setInputCol("vendor").setOutputCol("vendor_index").setHandleInvalid("keep"),
                new OneHotEncoder().setInputCol("vendor_index").setOutputCol("vendor_vector"),
                new VectorAssembler().setInputCols(new String[] {"distance", "duration", "airport"}).setOutputCol("dense")
                        .setHandleInvalid("skip"),
                new VectorAssembler().setInputCols(new String[] {"vendor_vector", "airport"}).setOutputCol("sparse"),
                new PolynomialExpansion().setInputCol("dense").setOutputCol("dense_cubed").setDegree(3),
                new PolynomialExpansion().setInputCol("sparse").setOutputCol("sparse_squared"));
    }
}
