package io.carrara.pipeline.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketizerTest {
    @TempDir
    Path temporary;

    private StageRows bucketizer(String handleInvalid, List<Double> splits) {
        Stage stage = SavedStages.of("org.apache.spark.ml.feature.Bucketizer")
                .param("inputCol", "x").param("outputCol", "bucket").param("splits", splits).param("handleInvalid", handleInvalid)
                .load(temporary);
        return StageRows.compile(stage, new Field("x", DataType.DOUBLE));
    }

    @Test
    void bucketsAreHalfOpenExceptTheLastWhichIsClosed() {
        StageRows rows = bucketizer("error", List.of(0.0, 10.0, 20.0, 30.0));

        assertThat(rows.score("x", 0.0)).containsEntry("bucket", 0.0);
        assertThat(rows.score("x", 9.99)).containsEntry("bucket", 0.0);
        assertThat(rows.score("x", 10.0)).containsEntry("bucket", 1.0);
        assertThat(rows.score("x", 25.0)).containsEntry("bucket", 2.0);
        assertThat(rows.score("x", 30.0)).containsEntry("bucket", 2.0);
        assertThat(rows.score("x", null)).containsEntry("bucket", null);
    }

    @Test
    void aValueOutsideTheSplitsFailsTheRowWhateverHandleInvalidSays() {
        for (String handling : List.of("error", "keep", "skip")) {
            StageRows rows = bucketizer(handling, List.of(0.0, 10.0, 20.0));

            assertThatThrownBy(() -> rows.score("x", 20.5)).as(handling)
                    .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("x"))
                    .hasMessage("value 20.5 in column x is outside the Bucketizer's splits [0.0, 20.0];"
                            + " use -Infinity and Infinity as the outer splits to accept it");
        }
        assertThat(bucketizer("error", List.of(Double.NEGATIVE_INFINITY, 0.0, Double.POSITIVE_INFINITY)).score("x", -1e300))
                .containsEntry("bucket", 0.0);
    }

    @Test
    void nanFailsWithErrorGoesToAnExtraBucketWithKeepAndIsDroppedWithSkip() {
        List<Double> splits = List.of(0.0, 10.0, 20.0);

        assertThatThrownBy(() -> bucketizer("error", splits).score("x", Double.NaN)).isInstanceOf(RowException.class)
                .hasMessage("NaN in column x; set handleInvalid=keep to bucket it or handleInvalid=skip to drop such rows");
        assertThat(bucketizer("keep", splits).score("x", Double.NaN)).containsEntry("bucket", 2.0);
        assertThat(bucketizer("skip", splits).isDropped("x", Double.NaN)).isTrue();
        assertThat(bucketizer("skip", splits).isDropped("x", null)).isTrue();
        assertThat(bucketizer("skip", splits).score("x", 5.0)).containsEntry("bucket", 0.0);
    }

    @Test
    void refusesSplitsThatDoNotIncreaseAtLoad() {
        assertThatThrownBy(() -> bucketizer("error", List.of(0.0, 5.0, 5.0)))
                .isInstanceOf(ModelException.class).hasMessageContaining("splits must increase strictly");
        assertThatThrownBy(() -> bucketizer("error", List.of(0.0, 5.0)))
                .isInstanceOf(ModelException.class).hasMessageContaining("splits need at least three values");
    }

    @Test
    void multiColumnBucketsEachColumnByItsOwnSplits() {
        Stage stage = SavedStages.of("org.apache.spark.ml.feature.Bucketizer")
                .param("inputCols", List.of("a", "b")).param("outputCols", List.of("a_bucket", "b_bucket"))
                .param("splitsArray", List.of(List.of(0.0, 1.0, 2.0), List.of(0.0, 100.0, 200.0, 300.0)))
                .param("handleInvalid", "skip").load(temporary);
        StageRows rows = StageRows.compile(stage, new Field("a", DataType.DOUBLE), new Field("b", DataType.INTEGER));

        assertThat(rows.score("a", 1.5, "b", 250)).containsEntry("a_bucket", 1.0).containsEntry("b_bucket", 2.0);
        assertThat(rows.isDropped("a", 1.5, "b", null)).isTrue();
    }
}
