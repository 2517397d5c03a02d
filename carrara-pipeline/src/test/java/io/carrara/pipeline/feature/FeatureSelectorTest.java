package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static io.carrara.pipeline.stage.Vectors.sparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSelectorTest {
    @TempDir
    Path temporary;

    private StageRows selector(String sparkClass) {
        return StageRows.compile(SavedStages.of(sparkClass)
                .param("featuresCol", "x").param("outputCol", "selected")
                .data(SavedStages.row("selectedFeatures", List.of(3, 0))).load(temporary), new Field("x", DataType.VECTOR));
    }

    @Test
    void keepsTheSelectedFeaturesInIncreasingOrderForEverySelector() {
        for (String sparkClass : List.of("org.apache.spark.ml.feature.ChiSqSelectorModel",
                "org.apache.spark.ml.feature.UnivariateFeatureSelectorModel", "org.apache.spark.ml.feature.VarianceThresholdSelectorModel")) {
            StageRows rows = selector(sparkClass);

            assertThat(rows.score("x", dense(1.0, 2.0, 3.0, 4.0))).as(sparkClass).containsEntry("selected", dense(1.0, 4.0));
            assertThat(rows.column("selected").vectorSize()).hasValue(2);
        }
    }

    @Test
    void aSparseVectorKeepsItsSelectedStoredEntries() {
        Object selected = selector("org.apache.spark.ml.feature.ChiSqSelectorModel")
                .score("x", sparse(5, new int[] {1, 3}, new double[] {7.0, 9.0})).get("selected");

        assertThat(selected).isInstanceOf(SparseVector.class).isEqualTo(dense(0.0, 9.0));
    }

    @Test
    void aNullOrTooShortVectorIsARowErrorNamingTheColumn() {
        StageRows rows = selector("org.apache.spark.ml.feature.ChiSqSelectorModel");

        assertThatThrownBy(() -> rows.score("x", null))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                .hasMessage("null in column x; the feature selector needs a vector");
        assertThatThrownBy(() -> rows.score("x", dense(1.0, 2.0, 3.0))).isInstanceOf(RowException.class)
                .hasMessage("column x holds a vector of size 3; the selector reads feature 3");
    }
}
