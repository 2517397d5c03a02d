package io.carrara.server.oip;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.server.TestHttp;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Open Inference Protocol over real HTTP, against golden Spark pipelines; outputs must equal Spark's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenInferenceRestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TRIPS_OUTPUTS = List.of("city_index", "vendor_index", "payment_index", "city_vector",
            "vendor_vector", "payment_vector", "raw_features", "features", "rawPrediction", "probability", "prediction");

    private final HttpClient http = TestHttp.client();
    private OpenInferenceTestServer server;

    @BeforeAll
    void start(@TempDir Path home) {
        server = new OpenInferenceTestServer(home);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void unknownPathsUnderV2AnswerInTheProtocolsErrorShape() throws Exception {
        HttpResponse<String> unknown = get("/v2/modelz/trips");
        HttpResponse<String> wrongMethod = post("/v2/health/live", "{}");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText())
                .isEqualTo("no Open Inference Protocol endpoint GET /v2/modelz/trips; see GET /v2/models and /docs/api");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(wrongMethod.body()).get("error").asText()).contains("POST /v2/health/live");
        assertThat(get("/v2/models/trips").statusCode()).isEqualTo(200);
        assertThat(get("/v2").statusCode()).isEqualTo(200);
    }

    @Test
    void answersHealthAndServerMetadata() throws Exception {
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/v2/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("ready").asBoolean()).isTrue();
        JsonNode metadata = JSON.readTree(get("/v2").body());
        assertThat(metadata.get("name").asText()).isEqualTo("carrara");
        assertThat(metadata.get("version").asText()).isNotEmpty();
        assertThat(metadata.get("extensions").isArray()).isTrue();
        assertThat(JSON.readTree(get("/v2/models").body()).get("models")).hasSize(2);
    }

    @Test
    void describesAModelWithItsInstancesAsVersionsAndTensorTypes() throws Exception {
        HttpResponse<String> response = get("/v2/models/trips");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode metadata = JSON.readTree(response.body());
        assertThat(metadata.get("name").asText()).isEqualTo("trips");
        assertThat(metadata.get("versions").get(0).asText()).isEqualTo(server.trips.toString());
        assertThat(metadata.get("platform").asText()).isEqualTo("spark-pipeline");
        assertThat(tensor(metadata.get("inputs"), "city").toString()).isEqualTo(
                "{\"name\":\"city\",\"datatype\":\"BYTES\",\"shape\":[-1]}");
        assertThat(tensor(metadata.get("inputs"), "passengers").get("datatype").asText()).isEqualTo("INT32");
        assertThat(tensor(metadata.get("inputs"), "airport").get("datatype").asText()).isEqualTo("BOOL");
        assertThat(tensor(metadata.get("outputs"), "features").toString()).isEqualTo(
                "{\"name\":\"features\",\"datatype\":\"FP64\",\"shape\":[-1,51]}");
        assertThat(tensor(metadata.get("outputs"), "prediction").get("shape").toString()).isEqualTo("[-1]");
        assertThat(get("/v2/models/trips/versions/" + server.trips).statusCode()).isEqualTo(200);
    }

    @Test
    void modelReadinessAndUnknownModelsAndVersions() throws Exception {
        assertThat(get("/v2/models/trips/ready").statusCode()).isEqualTo(200);
        assertThat(get("/v2/models/trips/versions/" + server.trips + "/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = get("/v2/models/nope/ready");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("nope");
        HttpResponse<String> version = get("/v2/models/trips/versions/" + server.bare);
        assertThat(version.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(version.body()).get("error").asText())
                .contains("has no version '" + server.bare + "'").contains(server.trips.toString());
        assertThat(get("/v2/models/trips/versions/latest").statusCode()).isEqualTo(404);
    }

    @Test
    void aModelThatFailedToLoadIsNotReadyWithTheReason() throws Exception {
        server.deployBroken("broken");
        try {
            HttpResponse<String> ready = get("/v2/models/broken/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).get("error").asText()).contains("broken is not ready").contains("is not JSON");
            HttpResponse<String> server503 = get("/v2/health/ready");
            assertThat(server503.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(server503.body()).get("error").asText()).contains("broken (");
            HttpResponse<String> infer = post("/v2/models/broken/infer", "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP64\","
                    + "\"shape\":[1],\"data\":[1.0]}]}");
            assertThat(infer.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(infer.body()).get("error").asText()).contains("not ready").contains("is not JSON");
            // The other models keep serving.
            assertThat(get("/v2/models/trips/ready").statusCode()).isEqualTo(200);
        } finally {
            server.undeploy("broken");
        }
    }

    @Test
    void infersEveryOutputAsSparkDoesWithFlatData() throws Exception {
        GoldenRows rows = GoldenRows.scored("trips-logistic-regression", input -> true);
        ObjectNode request = request(tripsSchema(), rows, false);
        request.put("id", "batch-1");
        HttpResponse<String> response = post("/v2/models/trips/infer", request.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("model_name").asText()).isEqualTo("trips");
        assertThat(body.get("model_version").asText()).isEqualTo(server.trips.toString());
        assertThat(body.get("id").asText()).isEqualTo("batch-1");
        List<String> names = new ArrayList<>();
        body.get("outputs").forEach(output -> names.add(output.get("name").asText()));
        assertThat(names).containsExactlyElementsOf(TRIPS_OUTPUTS);
        for (JsonNode output : body.get("outputs")) {
            assertThat(output.get("datatype").asText()).isEqualTo("FP64");
            rows.assertMatches(output.get("name").asText(), shape(output), doubles(output.get("data")));
        }
    }

    @Test
    void acceptsNestedVectorDataAndReturnsTheRequestedOutputsOnly() throws Exception {
        GoldenRows rows = GoldenRows.scored("bare-logistic-regression", input -> true);
        ObjectNode request = request(GoldenRows.inputSchema("bare-logistic-regression"),
                rows, true);
        request.putArray("outputs").add(JSON.createObjectNode().put("name", "prediction"))
                .add(JSON.createObjectNode().put("name", "probability"));
        HttpResponse<String> response = post("/v2/models/bare/versions/" + server.bare + "/infer",
                request.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("model_version").asText()).isEqualTo(server.bare.toString());
        assertThat(body.has("id")).isFalse();
        assertThat(body.get("outputs")).hasSize(2);
        assertThat(body.get("outputs").get(0).get("name").asText()).isEqualTo("prediction");
        rows.assertMatches("prediction", shape(body.get("outputs").get(0)), doubles(body.get("outputs").get(0).get("data")));
        rows.assertMatches("probability", shape(body.get("outputs").get(1)), doubles(body.get("outputs").get(1).get("data")));
    }

    /** The JSON KServe's Python client sends (InferRequest.to_rest): [n, 1] scalars, parameters, INT64 from numpy. */
    @Test
    void acceptsTheJsonKServesPythonClientSends() throws Exception {
        String body = """
                {"id": "f0e6c3a2", "parameters": {"content_type": "pd"},
                 "inputs": [
                  {"name": "id", "shape": [2, 1], "datatype": "INT64", "parameters": {"content_type": "np"}, "data": [100000, 100001]},
                  {"name": "distance", "shape": [2, 1], "datatype": "FP64", "data": [3.201875831493982, 2.6607966500191895]},
                  {"name": "duration", "shape": [2, 1], "datatype": "FP32", "data": [8.762993524931026, 14.069290023797695]},
                  {"name": "airport", "shape": [2, 1], "datatype": "BOOL", "data": [false, false]},
                  {"name": "features", "shape": [2, 3], "datatype": "FP64",
                   "data": [3.201875831493982, 8.762993524931026, 0.0, 2.6607966500191895, 14.069290023797695, 0.0]}],
                 "outputs": [{"name": "probability", "parameters": {"binary_data": false}}]}
                """;
        HttpResponse<String> response = post("/v2/models/bare/infer", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("id").asText()).isEqualTo("f0e6c3a2");
        GoldenRows rows = GoldenRows.scored("bare-logistic-regression", input -> input.get("id").asInt() <= 100001);
        rows.assertMatches("probability", shape(answer.get("outputs").get(0)), doubles(answer.get("outputs").get(0).get("data")));
    }

    @Test
    void refusesAWrongDatatypeOrShapeNamingTheInput() throws Exception {
        String wrongType = "{\"inputs\":[{\"name\":\"city\",\"datatype\":\"FP64\",\"shape\":[1],\"data\":[1.0]}]}";
        assertError(post("/v2/models/trips/infer", wrongType), 400, "input 'city' has datatype FP64", "send it as BYTES");
        String wrongShape = "{\"inputs\":[{\"name\":\"distance\",\"datatype\":\"FP64\",\"shape\":[1,2],\"data\":[1.0,2.0]}]}";
        assertError(post("/v2/models/trips/infer", wrongShape), 400, "input 'distance' has shape [1, 2]", "[n] or [n, 1]");
        String vectorSize = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP64\",\"shape\":[2],\"data\":[1.0,2.0]}]}";
        assertError(post("/v2/models/bare/infer", vectorSize), 400, "input 'features' has shape [2]", "[n, k]");
        String mismatch = "{\"inputs\":[{\"name\":\"distance\",\"datatype\":\"FP64\",\"shape\":[3],\"data\":[1.0,2.0]}]}";
        assertError(post("/v2/models/trips/infer", mismatch), 400, "input 'distance' has shape [3], which holds 3 elements",
                "its data has 2");
        String badElement = "{\"inputs\":[{\"name\":\"passengers\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[1.5]}]}";
        assertError(post("/v2/models/trips/infer", badElement), 400, "input 'passengers' element 0 is 1.5", "INT32");
        String unknownType = "{\"inputs\":[{\"name\":\"distance\",\"datatype\":\"DOUBLE\",\"shape\":[1],\"data\":[1.0]}]}";
        assertError(post("/v2/models/trips/infer", unknownType), 400, "input 'distance' has datatype 'DOUBLE'", "FP64");
        String rows = "{\"inputs\":[{\"name\":\"distance\",\"datatype\":\"FP64\",\"shape\":[1],\"data\":[1.0]},"
                + "{\"name\":\"duration\",\"datatype\":\"FP64\",\"shape\":[2],\"data\":[1.0,2.0]}]}";
        assertError(post("/v2/models/trips/infer", rows), 400, "input 'duration' has 2 rows", "same first dimension");
        assertError(post("/v2/models/trips/infer", "{not json"), 400, "not valid JSON");
        assertError(post("/v2/models/nope/infer", rows), 404, "nope");
    }

    @Test
    void refusesABatchWithARowThatFailsNamingTheRowAndColumn() throws Exception {
        // The bare model's vector size is undeclared here, so a 4-element vector reaches the pipeline, which refuses it.
        String body = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP64\",\"shape\":[2,4],"
                + "\"data\":[[1.0,2.0,0.0,0.0],[1.0,2.0,0.0,0.0]]}]}";
        assertError(post("/v2/models/bare/infer", body), 400, "2 of 2 rows failed to score", "row 0, column features:",
                "size 4", "inputs not sent, so null in every row: id, distance, duration, airport");
    }

    @Test
    void aBatchRefusedForFailedRowsListsEachRowsOwnErrorIdentity() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP64\",\"shape\":[2,4],"
                + "\"data\":[[1.0,2.0,0.0,0.0],[1.0,2.0,0.0,0.0]]}]}";

        HttpResponse<String> response = post("/v2/models/bare/infer", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.get("field").asText()).isEqualTo("inputs");
        JsonNode rows = error.get("rows");
        assertThat(rows).as(response.body()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get("row").asInt()).isEqualTo(i);
            assertThat(row.get("code").asText()).isEqualTo("ROW_INVALID");
            assertThat(row.get("number").asInt()).isEqualTo(131077);
            assertThat(row.get("type").asText()).isEqualTo("INVALID_INPUT");
            assertThat(row.get("column").asText()).isEqualTo("features");
            assertThat(row.get("message").asText()).contains("size 4");
        }
    }

    @Test
    void refusesABatchWithRowsASkipStageDrops() throws Exception {
        GoldenRows rows = GoldenRows.scored("trips-logistic-regression", input -> true);
        ObjectNode request = request(tripsSchema(), rows, false);
        // Row 1 loses its distance, as Spark's own skipped row 100004 did.
        for (JsonNode input : request.get("inputs")) {
            if (input.get("name").asText().equals("distance")) {
                ((ArrayNode) input.get("data")).set(1, JSON.nullNode());
            }
        }
        assertError(post("/v2/models/trips/infer", request.toString()), 400, "rows 1 were dropped",
                "handleInvalid=skip", "cannot have holes", "/api/v1/deployments/trips/predict");
    }

    @Test
    void aDeploymentsOutputsAreAllItAnswersOverRestAndTheProtocolAndAnOutputItsInstanceLacksIsRefused() throws Exception {
        String deploy = "{\"name\":\"trips-narrow\",\"instance\":\"" + server.trips + "\",\"logSampleRate\":1,\"outputs\":";
        HttpResponse<String> created = post("/api/v1/deployments", deploy + "[\"probability\",\"prediction\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("outputs").toString()).isEqualTo("[\"probability\",\"prediction\"]");
        try {
            JsonNode metadata = JSON.readTree(get("/v2/models/trips-narrow").body());
            assertThat(metadata.get("outputs")).extracting(tensor -> tensor.get("name").asText())
                    .containsExactly("probability", "prediction");

            GoldenRows rows = GoldenRows.scored("trips-logistic-regression", input -> true);
            HttpResponse<String> inferred = post("/v2/models/trips-narrow/infer", request(tripsSchema(), rows, false).toString());
            assertThat(inferred.statusCode()).as(inferred.body()).isEqualTo(200);
            JsonNode outputs = JSON.readTree(inferred.body()).get("outputs");
            assertThat(outputs).extracting(output -> output.get("name").asText()).containsExactly("probability", "prediction");
            rows.assertMatches("prediction", shape(outputs.get(1)), doubles(outputs.get(1).get("data")));

            ObjectNode predict = JSON.createObjectNode();
            predict.putArray("rows").add(rows.inputs().get(0));
            HttpResponse<String> predicted = post("/api/v1/deployments/trips-narrow/predict", predict.toString());
            assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
            JsonNode row = JSON.readTree(predicted.body()).get("predictions").get(0);
            List<String> columns = new ArrayList<>();
            row.fieldNames().forEachRemaining(columns::add);
            assertThat(columns).as("the input columns, then the outputs").endsWith("probability", "prediction")
                    .contains("city", "passengers").doesNotContain("rawPrediction", "features", "city_index");

            HttpResponse<String> refused = post("/api/v1/deployments", deploy + "[\"prediction\",\"eta\"]}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            JsonNode refusal = JSON.readTree(refused.body());
            assertThat(refusal.get("code").asText()).isEqualTo("DEPLOYMENT_REFUSED");
            assertThat(refusal.get("field").asText()).isEqualTo("outputs");
            assertThat(refusal.get("message").asText()).contains("adds no column eta").contains("keeps serving revision 1");
            for (String bad : List.of("[\"\"]", "[\"prediction\",\"prediction\"]", "\"prediction\"", "[1]")) {
                HttpResponse<String> malformed = post("/api/v1/deployments", deploy + bad + "}");
                assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
                assertThat(JSON.readTree(malformed.body()).get("field").asText()).as(malformed.body()).startsWith("outputs");
            }
            assertThat(JSON.readTree(get("/api/v1/deployments/trips-narrow").body()).get("revision").asInt()).isEqualTo(1);
        } finally {
            server.undeploy("trips-narrow");
        }
    }

    @Test
    void refusesAnUnknownOutput() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP64\",\"shape\":[1,3],\"data\":[1.0,2.0,0.0]}],"
                + "\"outputs\":[{\"name\":\"score\"}]}";
        assertError(post("/v2/models/bare/infer", body), 400, "has no output 'score'", "rawPrediction, probability, prediction");
    }

    static ObjectNode request(Schema schema, GoldenRows rows, boolean nested) {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode inputs = request.putArray("inputs");
        for (Field field : schema.fields()) {
            ObjectNode input = inputs.addObject();
            input.put("name", field.name());
            input.put("datatype", TensorType.of(field.type()).name());
            ArrayNode shape = input.putArray("shape").add(rows.size());
            ArrayNode data = input.putArray("data");
            for (JsonNode row : rows.inputs()) {
                JsonNode value = row.get(field.name());
                if (value.isArray() && !nested) {
                    value.forEach(data::add);
                } else {
                    data.add(value);
                }
            }
            if (rows.inputs().get(0).get(field.name()).isArray()) {
                shape.add(rows.inputs().get(0).get(field.name()).size());
            }
        }
        return request;
    }

    static Schema tripsSchema() {
        return GoldenRows.inputSchema("trips-logistic-regression");
    }

    private static JsonNode tensor(JsonNode tensors, String name) {
        for (JsonNode tensor : tensors) {
            if (tensor.get("name").asText().equals(name)) {
                return tensor;
            }
        }
        throw new AssertionError("no tensor " + name + " in " + tensors);
    }

    private static List<Long> shape(JsonNode output) {
        List<Long> shape = new ArrayList<>();
        output.get("shape").forEach(dimension -> shape.add(dimension.asLong()));
        return shape;
    }

    private static double[] doubles(JsonNode data) {
        double[] values = new double[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.get(i).isTextual() ? Double.parseDouble(data.get(i).asText()) : data.get(i).asDouble();
        }
        return values;
    }

    private static void assertError(HttpResponse<String> response, int status, String... fragments) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).contains(fragments);
        // Beside the protocol's "error", Carrara's code: a name, its number, and the type whose status this is.
        assertThat(body.get("code").asText()).as(response.body()).isNotBlank();
        assertThat(body.get("number").isInt()).as(response.body()).isTrue();
        assertThat(io.carrara.spi.error.ErrorType.valueOf(body.get("type").asText()).httpStatus()).isEqualTo(status);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }
}
