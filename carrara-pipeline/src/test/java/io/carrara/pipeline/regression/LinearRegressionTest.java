package io.carrara.pipeline.regression;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearRegressionTest {
    @TempDir
    Path temporary;

    private SavedStages regression(String predictionColumn) {
        return SavedStages.of("org.apache.spark.ml.regression.LinearRegressionModel")
                .param("featuresCol", "features").param("predictionCol", predictionColumn)
                .data(SavedStages.row("intercept", 0.5, "coefficients", dense(2.0, -1.0), "scale", 1.0));
    }

    @Test
    void predictsTheCoefficientsDotTheFeaturesPlusTheIntercept() {
        StageRows rows = StageRows.compile(regression("prediction").load(temporary), new Field("features", DataType.VECTOR));

        assertThat(rows.score("features", dense(3.0, 4.0))).containsEntry("prediction", 2.5);
        assertThat(rows.score("features", sparse(2, new int[] {1}, new double[] {1.0}))).containsEntry("prediction", -0.5);
        assertThat(StageRows.compile(regression("").load(temporary), new Field("features", DataType.VECTOR)).columns()).hasSize(1);
    }

    @Test
    void aNullOrMissizedVectorIsARowErrorAndAMissizedSchemaAModelError() {
        StageRows rows = StageRows.compile(regression("prediction").load(temporary), new Field("features", DataType.VECTOR));

        assertThatThrownBy(() -> rows.score("features", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("features"))
                .hasMessage("null in column features; the model needs a vector of size 2");
        assertThatThrownBy(() -> rows.score("features", dense(1.0))).isInstanceOf(RowException.class)
                .hasMessage("column features holds a vector of size 1; the model expects 2");
        assertThatThrownBy(() -> StageRows.compile(regression("prediction").load(temporary), Field.vector("features", 3)))
                .isInstanceOf(ModelException.class).hasMessageContaining("features column 'features' holds vectors of size 3 but the model expects 2");
    }
}
