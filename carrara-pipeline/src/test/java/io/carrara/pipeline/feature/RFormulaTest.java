package io.carrara.pipeline.feature;

import static io.carrara.pipeline.stage.Vectors.dense;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.SavedStages;
import io.carrara.pipeline.stage.SavedStages.ParquetMap;
import io.carrara.pipeline.stage.StageRows;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RFormulaTest {
    @TempDir
    Path temporary;

    /**
     * What Spark saves for {@code y ~ city + x} fitted on cities nyc and sf: an indexer and an
     * encoder into temporary columns, the assembler, the attribute rewriter and the column pruner.
     */
    private SavedStages formula(String handleInvalid) {
        // With keep, Spark's formula encodes the indexer's extra bucket as a third category.
        boolean keep = handleInvalid.equals("keep");
        SavedStages indexer = SavedStages.of("org.apache.spark.ml.feature.StringIndexerModel").uid("stridx_1")
                .param("inputCol", "city").param("outputCol", "stridx_1").param("handleInvalid", handleInvalid)
                .data(SavedStages.row("labelsArray", List.of(List.of("nyc", "sf"))));
        SavedStages encoder = SavedStages.of("org.apache.spark.ml.feature.OneHotEncoderModel").uid("onehot_1")
                .param("inputCols", List.of("stridx_1")).param("outputCols", List.of("onehot_1")).param("handleInvalid", keep ? "keep" : "error")
                .param("dropLast", true).data(SavedStages.row("categorySizes", List.of(keep ? 3 : 2)));
        SavedStages assembler = SavedStages.of("org.apache.spark.ml.feature.VectorAssembler").uid("vecassembler_1")
                .param("inputCols", List.of("onehot_1", "x")).param("outputCol", "features").param("handleInvalid", "error");
        SavedStages rewriter = SavedStages.of("org.apache.spark.ml.feature.VectorAttributeRewriter").uid("vecattrrewriter_1")
                .data(SavedStages.row("vectorCol", "features", "prefixesToRewrite", new ParquetMap(Map.of("onehot_1_", "city_"))));
        SavedStages pruner = SavedStages.of("org.apache.spark.ml.feature.ColumnPruner").uid("columnpruner_1")
                .data(SavedStages.row("columnsToPrune", List.of("stridx_1", "onehot_1")));
        return SavedStages.of("org.apache.spark.ml.feature.RFormulaModel")
                .param("featuresCol", "features").param("labelCol", "label").param("handleInvalid", handleInvalid)
                .data(SavedStages.row("label", "y", "terms", List.of(List.of("city"), List.of("x")), "hasIntercept", true))
                .nestedPipeline("pipelineModel", indexer, encoder, assembler, rewriter, pruner);
    }

    @Test
    void encodesTheFeaturesCopiesTheLabelAndPrunesItsTemporaryColumns() {
        StageRows rows = StageRows.compile(formula("error").load(temporary),
                new Field("city", DataType.STRING), new Field("x", DataType.DOUBLE), new Field("y", DataType.INTEGER));

        // dropLast leaves one slot for two cities: sf, the last, encodes as 0.
        assertThat(rows.score("city", "nyc", "x", 2.0, "y", 1)).containsEntry("features", dense(1.0, 2.0)).containsEntry("label", 1.0);
        assertThat(rows.score("city", "sf", "x", 2.0, "y", null)).containsEntry("features", dense(0.0, 2.0)).containsEntry("label", null);
        assertThat(rows.columns()).extracting(Column::name).containsExactly("city", "x", "y", "features", "label");
        assertThat(rows.column("features").attributes().slotAttributes().orElseThrow()).extracting(a -> a.name().orElseThrow())
                .containsExactly("city_nyc", "x");
    }

    @Test
    void scoresDataWithoutTheLabelColumn() {
        StageRows rows = StageRows.compile(formula("error").load(temporary), new Field("city", DataType.STRING), new Field("x", DataType.DOUBLE));

        assertThat(rows.score("city", "sf", "x", -1.0)).containsEntry("features", dense(0.0, -1.0)).doesNotContainKey("label");
    }

    @Test
    void theFormulasHandleInvalidGovernsUnseenCategories() {
        StageRows error = StageRows.compile(formula("error").load(temporary), new Field("city", DataType.STRING), new Field("x", DataType.DOUBLE));
        StageRows skip = StageRows.compile(formula("skip").load(temporary), new Field("city", DataType.STRING), new Field("x", DataType.DOUBLE));

        assertThatThrownBy(() -> error.score("city", "la", "x", 1.0))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("city"))
                .hasMessage("unseen label 'la' in column city; set handleInvalid=keep to score it");
        assertThat(skip.isDropped("city", "la", "x", 1.0)).isTrue();
        StageRows keep = StageRows.compile(formula("keep").load(temporary), new Field("city", DataType.STRING), new Field("x", DataType.DOUBLE));
        assertThat(keep.score("city", "la", "x", 1.0)).containsEntry("features", dense(0.0, 0.0, 1.0, 1.0));
        assertThat(keep.score("city", "sf", "x", 1.0)).containsEntry("features", dense(0.0, 1.0, 0.0, 1.0));
    }

    @Test
    void refusesAnExistingFeaturesColumnOrAStringLabel() {
        assertThatThrownBy(() -> StageRows.compile(formula("error").load(temporary), new Field("city", DataType.STRING),
                new Field("x", DataType.DOUBLE), Field.vector("features", 3)))
                .isInstanceOf(ModelException.class).hasMessageContaining("features column 'features' already exists; RFormula writes it");
        assertThatThrownBy(() -> StageRows.compile(formula("error").load(temporary), new Field("city", DataType.STRING),
                new Field("x", DataType.DOUBLE), new Field("y", DataType.STRING)))
                .isInstanceOf(ModelException.class).hasMessageContaining("label column 'y' is STRING; RFormula takes numeric or boolean labels");
    }
}
