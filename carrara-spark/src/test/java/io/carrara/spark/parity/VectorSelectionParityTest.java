package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.error.ModelException;
import io.carrara.spark.SparkSchemas;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;

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
    void slicerByNamesAndMixedWithIndices() {
        assertParity(new StringIndexer().setInputCol("payment").setOutputCol("payment_index").setHandleInvalid("keep"),
                new OneHotEncoder().setInputCol("payment_index").setOutputCol("payment_vector"),
                new VectorAssembler().setInputCols(new String[] {"payment_vector", "payment_index", "distance", "hour"})
                        .setOutputCol("features").setHandleInvalid("keep"),
                new VectorSlicer().setInputCol("features").setOutputCol("by_name")
                        .setNames(new String[] {"hour", "payment_vector_cash", "distance"}),
                new VectorSlicer().setInputCol("features").setOutputCol("mixed").setIndices(new int[] {1})
                        .setNames(new String[] {"payment_index", "payment_vector_card"}),
                new VectorSlicer().setInputCol("mixed").setOutputCol("sliced_again").setNames(new String[] {"payment_index"}));
    }

    @Test
    void slicerRefusesANameTheInputDoesNotHold() {
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(new String[] {"distance", "hour"}).setOutputCol("features").setHandleInvalid("keep"),
            new VectorSlicer().setInputCol("features").setOutputCol("picked").setNames(new String[] {"distance"})}).fit(trainingData());
        for (Transformer stage : model.stages()) {
            if (stage instanceof VectorSlicer slicer) {
                slicer.setNames(new String[] {"duration"});
            }
        }
        Path directory = save(model);
        assertThatThrownBy(() -> SparkPipeline.load(directory).compile(SparkSchemas.toSchema(TripsData.SCHEMA)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("org.apache.spark.ml.feature.VectorSlicer")
                .hasMessageContaining("'duration'");
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
