package io.carrara.pipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.pipeline.error.ModelException;
import org.junit.jupiter.api.Test;

class ParamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Params params(String set, String defaults) throws Exception {
        return new Params(JSON.readTree(set), JSON.readTree(defaults), "stage 4 (bucketizer_1, org.apache.spark.ml.feature.Bucketizer)");
    }

    @Test
    void decodesSparksNonFiniteDoubleStrings() throws Exception {
        Params params = params("{\"splits\":[\"-Inf\",0.0,1.5,\"Inf\"],\"missingValue\":\"NaN\",\"threshold\":\"Inf\"}", "{}");

        assertThat(params.getDoubleArray("splits")).containsExactly(Double.NEGATIVE_INFINITY, 0.0, 1.5, Double.POSITIVE_INFINITY);
        assertThat(params.getDouble("missingValue")).isNaN();
        assertThat(params.getDouble("threshold")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void aSetValueWinsOverTheDefault() throws Exception {
        Params params = params("{\"handleInvalid\":\"keep\"}", "{\"handleInvalid\":\"error\",\"outputCol\":\"x__output\"}");

        assertThat(params.getString("handleInvalid")).isEqualTo("keep");
        assertThat(params.getString("outputCol")).isEqualTo("x__output");
        assertThat(params.isSet("outputCol")).isFalse();
        assertThat(params.isDefined("outputCol")).isTrue();
        assertThat(params.isDefined("thresholds")).isFalse();
    }

    @Test
    void aMissingOrMistypedParameterIsAModelErrorNamingTheStage() throws Exception {
        Params params = params("{\"threshold\":\"high\"}", "{}");

        assertThatThrownBy(() -> params.getString("inputCol"))
                .isInstanceOf(ModelException.class)
                .hasMessage("stage 4 (bucketizer_1, org.apache.spark.ml.feature.Bucketizer): parameter 'inputCol' is neither set nor defaulted");
        assertThatThrownBy(() -> params.getDouble("threshold"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("parameter 'threshold' is \"high\", expected a number");
    }

    @Test
    void readsNestedDoubleArrays() throws Exception {
        JsonNode set = JSON.readTree("{\"splitsArray\":[[\"-Inf\",0.0,\"Inf\"],[1.0,2.0,3.0]]}");
        Params params = new Params(set, null, "stage 0");

        assertThat(params.getDoubleArrayArray("splitsArray")[0]).containsExactly(Double.NEGATIVE_INFINITY, 0.0, Double.POSITIVE_INFINITY);
        assertThat(params.getDoubleArrayArray("splitsArray")[1]).containsExactly(1.0, 2.0, 3.0);
    }
}
