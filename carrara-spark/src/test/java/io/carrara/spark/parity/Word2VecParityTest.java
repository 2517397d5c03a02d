package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.feature.Word2Vec;
import org.apache.spark.ml.feature.Word2VecModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class Word2VecParityTest extends StageParityTest {
    Word2VecParityTest() {
        super(Word2VecModel.class);
    }

    @Override
    protected Dataset<Row> trainingData() {
        return super.trainingData().withColumn("note", coalesce(col("note"), lit("")));
    }

    @Test
    void meanOfWordVectorsWithUnknownAndEmptyDocuments() {
        assertParity(new Tokenizer().setInputCol("note").setOutputCol("words"),
                new Word2Vec().setInputCol("words").setOutputCol("embedding").setVectorSize(8).setMinCount(2).setSeed(5).setMaxIter(2));
    }
}
