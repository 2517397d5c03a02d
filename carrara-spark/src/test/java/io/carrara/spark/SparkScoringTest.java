package io.carrara.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.spark.parity.TripsData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkScoringTest {
    @TempDir
    Path temporary;

    @Test
    void scoresInMapPartitionsLikeTransform() throws Exception {
        SparkSession spark = LocalSpark.session();
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
            new OneHotEncoder().setInputCol("city_index").setOutputCol("city_vector"),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "distance", "airport"}).setOutputCol("features")
                    .setHandleInvalid("skip"),
            new LogisticRegression().setMaxIter(10)}).fit(TripsData.training(spark));
        Path directory = temporary.resolve("model");
        model.write().save(directory.toString());
        Dataset<Row> scoring = TripsData.scoring(spark);

        Dataset<Row> ours = SparkScoring.score(scoring, directory);
        Dataset<Row> theirs = model.transform(scoring);

        assertThat(ours.schema().fieldNames()).containsExactly(theirs.schema().fieldNames());
        Map<Integer, Row> expected = theirs.collectAsList().stream()
                .collect(Collectors.toMap(row -> row.<Integer>getAs("id"), Function.identity()));
        List<Row> actual = ours.collectAsList();
        assertThat(actual).hasSize(expected.size()).hasSizeLessThan((int) scoring.count());
        for (Row row : actual) {
            Row spark4 = expected.get(row.<Integer>getAs("id"));
            assertThat(row.<Double>getAs("city_index")).isEqualTo(spark4.<Double>getAs("city_index"));
            assertThat(row.<Double>getAs("prediction")).isEqualTo(spark4.<Double>getAs("prediction"));
            assertThat(row.<Vector>getAs("city_vector")).isEqualTo(spark4.<Vector>getAs("city_vector"));
            double[] probability = row.<Vector>getAs("probability").toArray();
            double[] sparkProbability = spark4.<Vector>getAs("probability").toArray();
            for (int k = 0; k < probability.length; k++) {
                assertThat(probability[k]).isCloseTo(sparkProbability[k], org.assertj.core.api.Assertions.within(1e-12));
            }
        }
    }

    @Test
    void theModelTravelsWithTheFunctionSoExecutorsNeedNotSeeTheDirectory() throws Exception {
        SparkSession spark = LocalSpark.session();
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep")}).fit(TripsData.training(spark));
        Path directory = temporary.resolve("moved");
        model.write().save(directory.toString());
        Dataset<Row> scoring = TripsData.scoring(spark);
        PipelineScoringFunction function = new PipelineScoringFunction(directory, scoring.schema());
        org.apache.spark.sql.types.StructType output = function.outputSchema();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }

        List<Row> scored = scoring.mapPartitions(function, org.apache.spark.sql.Encoders.row(output)).collectAsList();

        assertThat(Files.exists(directory)).isFalse();
        assertThat(scored).hasSize((int) scoring.count());
        assertThat(scored).extracting(row -> row.<Double>getAs("city_index")).doesNotContainNull();
    }

    @Test
    void aModelErrorSurfacesOnTheDriver() throws Exception {
        Path notAModel = Files.createDirectory(temporary.resolve("empty"));

        assertThatThrownBy(() -> SparkScoring.score(TripsData.scoring(LocalSpark.session()), notAModel))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no metadata directory");
    }
}
