package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.feature.VectorSizeHint;
import org.apache.spark.ml.feature.VectorSlicer;
import org.junit.jupiter.api.Test;

class VectorSelectionParityTest extends StageParityTest {
    VectorSelectionParityTest() {
        super(VectorSlicer.class, VectorSizeHint.class);
    }

    @Test
    void slicerByIndicesOnSparseAndDenseVectors() {
        assertParity(new StringIndexer().setInputCol("payment").setOutputCol("payment_index").setHandleInvalid("keep"),
                new OneHotEncoder().setInputCol("payment_index").setOutputCol("payment_vector"),
                new VectorAssembler().setInputCols(new String[] {"payment_vector", "distance", "hour"}).setOutputCol("features")
                        .setHandleInvalid("keep"),
                new VectorSlicer().setInputCol("payment_vector").setOutputCol("first_payments").setIndices(new int[] {2, 0}),
                new VectorSlicer().setInputCol("features").setOutputCol("numbers").setIndices(new int[] {4, 5, 1}));
    }

    @Test
    void sizeHintDeclaresTheSizeOfAnAssembledVector() {
        assertThat(assertParity(
                new VectorAssembler().setInputCols(new String[] {"distance", "duration"}).setOutputCol("trip").setHandleInvalid("skip"),
                new VectorSizeHint().setInputCol("trip").setSize(2).setHandleInvalid("skip"),
                new VectorAssembler().setInputCols(new String[] {"trip", "hour"}).setOutputCol("features").setHandleInvalid("keep"))
                .skipped()).isPositive();
    }
}
