package io.carrara.pipeline.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void infersSparksTypesFromTheRows() throws Exception {
        JsonSchemaInference inference = new JsonSchemaInference(Map.of("hour", DataType.INTEGER));
        inference.observe(row("{\"id\":1,\"city\":\"nyc\",\"fare\":3,\"hour\":\"x\",\"tip\":null,\"v\":[],\"words\":[\"a\"],"
                + "\"meta\":{\"a\":1},\"ok\":true,\"lsh\":[[1.0],[2]]}"), 1);
        inference.observe(row("{\"id\":2,\"city\":null,\"fare\":\"NaN\",\"tip\":null,\"v\":[1,2.5],\"words\":[],\"ok\":false}"), 2);
        inference.observe(row("{\"id\":3,\"fare\":4.5,\"ok\":\"yes\",\"extra\":\"Infinity\"}"), 3);

        Schema schema = inference.schema();

        assertThat(schema.fields()).containsExactly(
                new Field("id", DataType.LONG),
                new Field("city", DataType.STRING),
                new Field("fare", DataType.DOUBLE),
                new Field("hour", DataType.INTEGER),
                new Field("tip", DataType.STRING),
                new Field("v", DataType.VECTOR),
                new Field("words", DataType.STRING_ARRAY),
                new Field("ok", DataType.BOOLEAN),
                new Field("lsh", DataType.VECTOR_ARRAY),
                new Field("extra", DataType.STRING));
        assertThat(inference.nullOnlyFields()).containsExactly("tip");
        assertThat(inference.conflicts()).containsExactly("field 'ok' is a boolean on line 1 and a string on line 3");
    }

    @Test
    void readsNonFiniteStringsAsDoublesOnlyInNumericColumns() throws Exception {
        Map<String, Object> converted = JsonRows.toRow(row("{\"fare\":\"NaN\",\"v\":[1,\"-Infinity\"],\"city\":\"NaN\","
                + "\"words\":[\"Infinity\"],\"n\":7,\"other\":{\"a\":1}}"), Map.of("fare", DataType.DOUBLE, "v", DataType.VECTOR,
                "city", DataType.STRING, "words", DataType.STRING_ARRAY, "n", DataType.LONG));

        assertThat(converted).containsExactly(entry("fare", Double.NaN), entry("v", List.of(1L, Double.NEGATIVE_INFINITY)),
                entry("city", "NaN"), entry("words", List.of("Infinity")), entry("n", 7L), entry("other", "{\"a\":1}"));
    }

    @Test
    void printsTheInputThenTheAddedColumnsWithVectorsDenseAndNonFiniteAsStrings() throws Exception {
        ObjectNode input = row("{\"id\":7,\"city\":\"nyc\"}");
        Map<String, Object> scored = new LinkedHashMap<>();
        scored.put("id", 7L);
        scored.put("features", new SparseVector(4, new int[] {1, 3}, new double[] {2.0, Double.NaN}));
        scored.put("prediction", 1.0);
        scored.put("ratio", Double.POSITIVE_INFINITY);
        scored.put("label", null);
        scored.put("tokens", List.of("a", "b"));
        scored.put("hashes", List.of(new DenseVector(new double[] {3.0}), new DenseVector(new double[] {Double.NEGATIVE_INFINITY})));
        scored.put("flag", true);
        scored.put("count", 3);
        scored.put("small", (short) 2);

        List<Field> added = List.of(Field.vector("features", 4), new Field("prediction", DataType.DOUBLE),
                new Field("ratio", DataType.DOUBLE), new Field("label", DataType.STRING), new Field("tokens", DataType.STRING_ARRAY),
                new Field("hashes", DataType.VECTOR_ARRAY), new Field("flag", DataType.BOOLEAN), new Field("count", DataType.INTEGER),
                new Field("small", DataType.SHORT), new Field("city", DataType.STRING));
        scored.put("city", "NYC");
        ObjectNode output = JsonRows.toJson(input, scored, added);
        java.io.StringWriter streamed = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator generator = JSON.createGenerator(streamed)) {
            JsonRows.write(generator, input, scored, added);
        }

        assertThat(streamed.toString()).as("streamed as the tree prints").isEqualTo(JSON.writeValueAsString(output));
        assertThat(JSON.writeValueAsString(output)).isEqualTo("{\"id\":7,\"city\":\"NYC\",\"features\":[0.0,2.0,0.0,\"NaN\"],"
                + "\"prediction\":1.0,\"ratio\":\"Infinity\",\"label\":null,\"tokens\":[\"a\",\"b\"],\"hashes\":[[3.0],[\"-Infinity\"]],"
                + "\"flag\":true,\"count\":3,\"small\":2}");
        assertThat(input.size()).as("the input is not changed").isEqualTo(2);
    }

    private static ObjectNode row(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }
}
