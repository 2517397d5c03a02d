package io.carrara.spark.parity;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;

/**
 * Features for the tree parity tests: indexed city and vendor, which the assembler marks as
 * categorical (so trees make categorical splits, and unseen cities test them), next to numbers.
 */
final class TreeFeatures {
    static final int MAX_BINS = 64;

    private TreeFeatures() {
    }

    /** Takes Object because Spark's tree setters return their Scala params trait, not the estimator. */
    static PipelineStage[] then(Object model) {
        return new PipelineStage[] {
            new StringIndexer().setInputCols(new String[] {"city", "vendor"}).setOutputCols(new String[] {"city_index", "vendor_index"})
                    .setHandleInvalid("keep"),
            new VectorAssembler().setInputCols(new String[] {"city_index", "vendor_index", "distance", "duration", "hour", "airport"})
                    .setOutputCol("features").setHandleInvalid("skip"),
            (PipelineStage) model};
    }
}
