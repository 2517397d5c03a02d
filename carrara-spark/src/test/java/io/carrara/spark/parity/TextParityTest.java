package io.carrara.spark.parity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.IDFModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The text stages on the trips' free-text note (null notes are rejected by Spark and by us). */
class TextParityTest extends StageParityTest {
    TextParityTest() {
        super(Tokenizer.class, RegexTokenizer.class, StopWordsRemover.class, NGram.class, HashingTF.class, CountVectorizerModel.class,
                IDFModel.class);
    }

    @Override
    protected Dataset<Row> trainingData() {
        return super.trainingData().withColumn("note", coalesce(col("note"), lit("")));
    }

    @Test
    void tokenizeRemoveStopWordsAndMakeBigrams() {
        assertParity(new Tokenizer().setInputCol("note").setOutputCol("words"),
                new RegexTokenizer().setInputCol("note").setOutputCol("long_words").setPattern("\\w{3,}").setGaps(false)
                        .setToLowercase(false),
                new RegexTokenizer().setInputCol("note").setOutputCol("split_words").setMinTokenLength(2),
                new StopWordsRemover().setInputCol("words").setOutputCol("content_words"),
                new StopWordsRemover().setInputCols(new String[] {"split_words"}).setOutputCols(new String[] {"kept"})
                        .setStopWords(new String[] {"airport", "Rain"}).setCaseSensitive(true),
                new NGram().setInputCol("content_words").setOutputCol("bigrams"),
                new NGram().setInputCol("words").setOutputCol("trigrams").setN(3));
    }

    @Test
    void hashingTermFrequenciesAndIdf() {
        assertParity(new Tokenizer().setInputCol("note").setOutputCol("words"),
                new HashingTF().setInputCol("words").setOutputCol("tf").setNumFeatures(64),
                new HashingTF().setInputCol("words").setOutputCol("tf_binary").setNumFeatures(1 << 18).setBinary(true),
                new IDF().setInputCol("tf").setOutputCol("tfidf").setMinDocFreq(2));
    }

    @Test
    void countVectorizerWithMinimumTermFrequencies() {
        PipelineModel model = new org.apache.spark.ml.Pipeline().setStages(new org.apache.spark.ml.PipelineStage[] {
            new Tokenizer().setInputCol("note").setOutputCol("words"),
            new CountVectorizer().setInputCol("words").setOutputCol("counts").setMinDF(2),
            new CountVectorizer().setInputCol("words").setOutputCol("frequent").setMinTF(0.2).setVocabSize(10),
            new CountVectorizer().setInputCol("words").setOutputCol("present").setMinTF(2).setBinary(true)}).fit(trainingData());
        assertParity(model, scoringData());
    }
}
