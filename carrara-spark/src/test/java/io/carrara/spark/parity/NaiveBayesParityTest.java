package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.NaiveBayes;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.feature.Binarizer;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class NaiveBayesParityTest extends StageParityTest {
    NaiveBayesParityTest() {
        super(NaiveBayesModel.class);
    }

    @Override
    protected Dataset<Row> trainingData() {
        return super.trainingData().withColumn("note", coalesce(col("note"), lit("")));
    }

    private static PipelineStage[] words(NaiveBayes model) {
        return new PipelineStage[] {
            new Tokenizer().setInputCol("note").setOutputCol("words"),
            new CountVectorizer().setInputCol("words").setOutputCol("features").setBinary(model.getModelType().equals("bernoulli")),
            model.setLabelCol("fare_class")};
    }

    @Test
    void multinomial() {
        assertParity(words(new NaiveBayes().setSmoothing(0.5)));
    }

    @Test
    void complementWithThresholds() {
        assertParity(words(new NaiveBayes().setModelType("complement").setThresholds(new double[] {0.5, 0.3, 0.2})));
    }

    @Test
    void bernoulli() {
        assertParity(words(new NaiveBayes().setModelType("bernoulli")));
    }

    @Test
    void gaussian() {
        assertParity(new VectorAssembler().setInputCols(new String[] {"distance", "duration", "hour"}).setOutputCol("features")
                        .setHandleInvalid("skip"),
                new NaiveBayes().setModelType("gaussian").setLabelCol("fare_class"),
                new Binarizer().setInputCol("prediction").setOutputCol("is_expensive").setThreshold(1.5));
    }
}
