package io.carrara.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.spark.parity.TripsData;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the golden models carrara-pipeline's Spark-free tests read: saves by this Spark version
 * plus the rows Spark's {@code transform} gives, as JSON lines. Run it when adding a golden case:
 * {@code mvn -pl carrara-spark -am test -Dtest=GoldenModelsTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcarrara.golden.output=$PWD/carrara-pipeline/src/test/resources/golden}. Existing cases are
 * never rewritten: a golden file, once committed, is what that Spark version wrote, and stays.
 */
@EnabledIfSystemProperty(named = "carrara.golden.output", matches = ".+")
class GoldenModelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writeGoldenModels() throws IOException {
        SparkSession spark = LocalSpark.session();
        Path output = Path.of(System.getProperty("carrara.golden.output")).resolve("spark-" + spark.version());
        Dataset<Row> training = TripsData.training(spark);
        Dataset<Row> scoring = TripsData.scoring(spark).limit(40);

        PipelineModel trips = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "vendor", "payment"})
                    .setOutputCols(new String[] {"city_index", "vendor_index", "payment_index"}).setHandleInvalid("keep"),
            new OneHotEncoder().setInputCols(new String[] {"city_index", "vendor_index", "payment_index"})
                    .setOutputCols(new String[] {"city_vector", "vendor_vector", "payment_vector"}),
            new VectorAssembler().setInputCols(new String[] {"city_vector", "vendor_vector", "payment_vector", "distance",
                "duration", "passengers", "airport"}).setOutputCol("raw_features").setHandleInvalid("skip"),
            new StandardScaler().setInputCol("raw_features").setOutputCol("features").setWithMean(true),
            new LogisticRegression().setMaxIter(20).setRegParam(0.01).setThreshold(0.4)}).fit(training);
        write(trips, trips.transform(scoring), scoring, output.resolve("trips-logistic-regression"));

        Dataset<Row> prepared = scoring.select("id", "distance", "duration", "airport");
        PipelineModel features = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(new String[] {"distance", "duration", "airport"}).setOutputCol("features")
                    .setHandleInvalid("skip"),
            new LogisticRegression().setMaxIter(10)}).fit(training.select("id", "distance", "duration", "airport", "label")
                    .na().drop());
        PipelineModel trees = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "vendor"}).setOutputCols(new String[] {"city_index", "vendor_index"})
                    .setHandleInvalid("keep"),
            new VectorAssembler().setInputCols(new String[] {"city_index", "vendor_index", "distance", "duration", "hour", "airport"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            new GBTClassifier().setMaxIter(10).setMaxDepth(4).setMaxBins(64).setSeed(5)}).fit(training);
        write(trees, trees.transform(scoring), scoring, output.resolve("trips-gradient-boosted-trees"));

        PipelineModel text = new Pipeline().setStages(new PipelineStage[] {
            new Tokenizer().setInputCol("note").setOutputCol("words"),
            new StopWordsRemover().setInputCol("words").setOutputCol("filtered"),
            new CountVectorizer().setInputCol("filtered").setOutputCol("counts").setVocabSize(20).setMinDF(2),
            new IDF().setInputCol("counts").setOutputCol("tfidf"),
            new StringIndexer().setInputCol("city").setOutputCol("city_index").setHandleInvalid("keep"),
            new VectorAssembler().setInputCols(new String[] {"city_index", "distance", "duration", "hour", "tfidf"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            new RandomForestClassifier().setNumTrees(8).setMaxDepth(5).setMaxBins(48).setSeed(3)}).fit(training.na().drop(new String[] {"note"}));
        Dataset<Row> withNotes = scoring.na().drop(new String[] {"note"});
        write(text, text.transform(withNotes), withNotes, output.resolve("trips-random-forest-text"));

        PipelineModel fares = new Pipeline().setStages(new PipelineStage[] {
            new Imputer().setInputCols(new String[] {"distance", "duration"})
                    .setOutputCols(new String[] {"distance_imputed", "duration_imputed"}).setStrategy("median"),
            new Bucketizer().setInputCol("hour").setOutputCol("hour_bucket")
                    .setSplits(new double[] {Double.NEGATIVE_INFINITY, 6, 12, 18, Double.POSITIVE_INFINITY}).setHandleInvalid("keep"),
            new OneHotEncoder().setInputCol("hour_bucket").setOutputCol("hour_vector"),
            new VectorAssembler().setInputCols(new String[] {"distance_imputed", "duration_imputed", "hour_vector", "passengers"})
                    .setOutputCol("raw").setHandleInvalid("skip"),
            new MinMaxScaler().setInputCol("raw").setOutputCol("features"),
            new KMeans().setK(4).setSeed(1).setPredictionCol("cluster"),
            new LinearRegression().setLabelCol("fare").setRegParam(0.05).setElasticNetParam(0.5)})
                .fit(training.na().drop(new String[] {"fare"}));
        write(fares, fares.transform(scoring), scoring, output.resolve("trips-fare-regression-clustering"));

        LogisticRegressionModel small = (LogisticRegressionModel) features.stages()[1];
        Dataset<Row> assembled = features.stages()[0].transform(prepared);
        writeStage(small, small.transform(assembled), assembled, output.resolve("bare-logistic-regression"));
    }

    private static void write(PipelineModel model, Dataset<Row> transformed, Dataset<Row> input, Path directory) throws IOException {
        if (Files.exists(directory)) {
            return;
        }
        model.write().save(directory.resolve("model").toString());
        writeRows(transformed, input, directory.resolve("expected.jsonl"));
        writeSchema(input, directory.resolve("input-schema.json"));
    }

    private static void writeStage(LogisticRegressionModel model, Dataset<Row> transformed, Dataset<Row> input, Path directory)
            throws IOException {
        if (Files.exists(directory)) {
            return;
        }
        model.write().save(directory.resolve("model").toString());
        writeRows(transformed, input, directory.resolve("expected.jsonl"));
        writeSchema(input, directory.resolve("input-schema.json"));
    }

    /** The input schema as carrara-pipeline sees it: name, type and, for vectors, the size Spark's metadata gives. */
    private static void writeSchema(Dataset<Row> input, Path file) throws IOException {
        ArrayNode fields = JSON.createArrayNode();
        for (io.carrara.spi.schema.Field field : SparkSchemas.toSchema(input.schema()).fields()) {
            ObjectNode node = fields.addObject().put("name", field.name()).put("type", field.type().name());
            field.vectorSize().ifPresent(size -> node.put("vectorSize", size));
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fields) + "\n");
    }

    /** One JSON object per input row: the input, and Spark's output or "skipped": true. */
    private static void writeRows(Dataset<Row> transformed, Dataset<Row> input, Path file) throws IOException {
        List<Row> outputs = transformed.collectAsList();
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Row row : input.collectAsList()) {
                Object id = row.getAs("id");
                Row scored = outputs.stream().filter(candidate -> candidate.getAs("id").equals(id)).findFirst().orElse(null);
                ObjectNode line = JSON.createObjectNode();
                line.set("input", toJson(row));
                if (scored == null) {
                    line.put("skipped", true);
                } else {
                    line.set("output", toJson(scored));
                }
                writer.write(JSON.writeValueAsString(line));
                writer.write('\n');
            }
        }
    }

    private static ObjectNode toJson(Row row) {
        ObjectNode node = JSON.createObjectNode();
        for (String name : row.schema().fieldNames()) {
            Object value = row.getAs(name);
            if (value == null) {
                node.putNull(name);
            } else if (value instanceof Vector vector) {
                ArrayNode array = node.putArray(name);
                for (double element : vector.toArray()) {
                    putDouble(array, element);
                }
            } else if (value instanceof Double number) {
                if (number.isNaN() || number.isInfinite()) {
                    node.put(name, number.toString());
                } else {
                    node.put(name, number);
                }
            } else if (value instanceof Integer number) {
                node.put(name, number);
            } else if (value instanceof scala.collection.Seq<?> seq) {
                ArrayNode array = node.putArray(name);
                scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(element -> array.add(String.valueOf(element)));
            } else if (value instanceof Boolean bool) {
                node.put(name, bool);
            } else {
                node.put(name, value.toString());
            }
        }
        return node;
    }

    private static void putDouble(ArrayNode array, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            array.add(Double.toString(value));
        } else {
            array.add(value);
        }
    }
}
