package io.carrara.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.carrara.monitoring.quality.BinaryClassificationQuality;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.Metric;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring endpoints over real HTTP: settings, and outcomes refused as a whole only when the request itself is
 * wrong (not a list, too long, an unknown field, no declared task, no such deployment), row by row otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();

    private CarraraServer server;
    private Instance instance;

    @BeforeAll
    void start(@TempDir Path home) {
        // Runs on request only, with no settling time: the test decides when the monitor looks.
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "monitoring.runSeconds", "0", "monitoring.settleSeconds", "0", "outbound.allowPrivateAddresses", "true")))
                .withAuth(ServerConfig.Auth.OFF));
        instance = TestModels.uploadPipeline(server.registry(), new ModelRef("risk", "fraud"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
        server.deployments().deploy(NewDeployment.pinned("fraud", instance.id()), "alice");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void settingsAndOutcomesRefuseBadRequestsNamingTheField() throws Exception {
        HttpResponse<String> notYet = send("POST", "/api/v1/deployments/fraud/outcomes", "[{\"predictionId\": \"a\", \"outcome\": 1}]");
        assertError(notYet, 409, "deployment");
        assertError(send("GET", "/api/v1/deployments/fraud/monitoring/settings", null), 404, "name");
        assertError(send("PUT", "/api/v1/deployments/fraud/monitoring/settings", "{\"task\": \"clustering\"}"), 400, "task");
        assertError(send("PUT", "/api/v1/deployments/fraud/monitoring/settings", "{\"task\": \"regression\", \"x\": 1}"), 400, "x");
        assertError(send("PUT", "/api/v1/deployments/nope/monitoring/settings", "{\"task\": \"regression\"}"), 404, null);

        HttpResponse<String> configured = send("PUT", "/api/v1/deployments/fraud/monitoring/settings", "{\"task\": \"classification\"}");
        assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
        assertThat(json(configured).get("task").asText()).isEqualTo("classification");
        assertThat(json(send("GET", "/api/v1/deployments/fraud/monitoring/settings", null)).get("updatedBy").asText()).isEqualTo("alice");

        String outcomes = "/api/v1/deployments/fraud/outcomes";
        assertError(send("POST", outcomes, "{\"predictionId\": \"a\", \"outcome\": 1}"), 400, "body");
        assertError(send("POST", outcomes, "[]"), 400, "outcomes");
        assertError(send("POST", outcomes, "[{\"predictionId\": \"a\", \"outcome\": 1, \"label\": 1}]"), 400, "[0].label");
        assertError(send("POST", outcomes, "[{\"predictionId\": \"a\""), 400, "body");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= 10_000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"predictionId\": \"p").append(i).append("\", \"outcome\": 1}");
        }
        assertError(send("POST", outcomes, many.append(']').toString()), 400, "outcomes");

        HttpResponse<String> mixed = send("POST", outcomes, "[{\"predictionId\": \"a\", \"outcome\": 1},"
                + " {\"predictionId\": \"b\", \"outcome\": 0.5}, {\"predictionId\": {\"$gt\": \"\"}, \"outcome\": 1}]");
        assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(200);
        JsonNode load = json(mixed);
        assertThat(load.get("accepted").asInt()).isEqualTo(1);
        assertThat(load.get("orphans").asInt()).isEqualTo(1);
        assertThat(load.get("rejected").asInt()).isEqualTo(2);
        assertThat(load.get("problems")).extracting(problem -> problem.get("field").asText()).containsExactly("[1].outcome", "[2].predictionId");
    }

    @Test
    void outcomesJoinedWithLoggedPredictionsBecomeProductionMetricsPerWindow() throws Exception {
        HttpResponse<String> deployed = send("POST", "/api/v1/deployments", "{\"name\": \"trips-watch\", \"instance\": \""
                + instance.id() + "\", \"logSampleRate\": 1.0}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        for (int attempt = 0; attempt < 200 && send("GET", "/v2/models/trips-watch/ready", null).statusCode() != 200; attempt++) {
            Thread.sleep(50);
        }
        List<GoldenModels.Case> cases = GoldenModels.cases(GoldenModels.TRIPS_LR).stream().filter(c -> !c.skipped()).toList();
        ArrayNode rows = JSON.createArrayNode();
        cases.forEach(c -> rows.add(JSON.valueToTree(c.input())));
        HttpResponse<String> predicted = send("POST", "/api/v1/deployments/trips-watch/predict", JSON.createObjectNode().set("rows", rows)
                .toString());
        assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(predicted.body());
        int n = cases.size();
        assertThat(n).isGreaterThan(5);
        for (int attempt = 0; attempt < 200 && server.predictionLog().find("trips-watch", Instant.EPOCH, Instant.now().plusSeconds(60),
                1000).size() < n; attempt++) {
            Thread.sleep(50);
        }
        assertThat(send("PUT", "/api/v1/deployments/trips-watch/monitoring/settings", "{\"task\": \"classification\"}").statusCode())
                .isEqualTo(200);

        // Outcomes: right for two rows in three, wrong for the third.
        int[] labels = new int[n];
        double[] scores = new double[n];
        int[] classes = new int[n];
        ArrayNode outcomes = JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            JsonNode prediction = answer.get("predictions").get(i);
            classes[i] = (int) prediction.get("prediction").asDouble();
            scores[i] = prediction.get("probability").get(1).asDouble();
            labels[i] = i % 3 == 2 ? 1 - classes[i] : classes[i];
            outcomes.add(JSON.createObjectNode().put("predictionId", answer.get("predictionIds").get(i).asText()).put("outcome", labels[i]));
        }
        JsonNode load = json(send("POST", "/api/v1/deployments/trips-watch/outcomes", outcomes.toString()));
        assertThat(load.get("accepted").asInt()).isEqualTo(n);
        assertThat(load.get("orphans").asInt()).isZero();

        assertThat(server.monitor().runOnce().windowsByDeployment()).containsEntry("trips-watch", 2);
        Map<String, Double> expected = BinaryClassificationQuality.of(labels, scores, classes).metrics();
        Map<String, Metric> daily = latest(instance.id(), "");
        assertThat(daily).containsKeys("accuracy", "auc", "log_loss", "brier", "f1", "rows");
        expected.forEach((name, value) -> assertThat(daily.get(name).value()).as(name).isCloseTo(value, within(1e-12)));
        assertThat(daily.get("rows").value()).isEqualTo((double) n);
        assertThat(daily.get("auc").metadata()).containsEntry("window", "1d").containsEntry("deployment", "trips-watch")
                .containsEntry("rows", Integer.toString(n)).containsKeys("windowStart", "windowEnd");
        assertThat(daily.get("auc").recordedBy()).isEqualTo("monitor:trips-watch");
        assertThat(latest(instance.id(), ".1h")).containsKeys("accuracy.1h", "auc.1h");
        assertThat(server.registry().search("metric.production.accuracy < 0.9 AND metric.production.rows >= 6", null, null).items())
                .extracting(io.carrara.registry.model.Instance::id).contains(instance.id());
        assertThat(send("GET", "/metrics", null).body()).contains("carrara_monitoring_quality{deployment=\"trips-watch\",instance=\""
                + instance.id() + "\",metric=\"auc\",window=\"1d\"}");

        // Nothing new: nothing recomputed. A corrected outcome recomputes its windows from all their rows.
        int recorded = server.registry().listMetrics(instance.id()).size();
        assertThat(server.monitor().runOnce().windowsByDeployment()).containsEntry("trips-watch", 0);
        assertThat(server.registry().listMetrics(instance.id())).hasSize(recorded);
        labels[2] = 1 - labels[2];
        send("POST", "/api/v1/deployments/trips-watch/outcomes", "[{\"predictionId\": \"" + answer.get("predictionIds").get(2).asText()
                + "\", \"outcome\": " + labels[2] + "}]");
        assertThat(server.monitor().runOnce().windowsByDeployment()).containsEntry("trips-watch", 2);
        double accuracy = BinaryClassificationQuality.of(labels, scores, classes).accuracy();
        assertThat(latest(instance.id(), "").get("accuracy").value()).isCloseTo(accuracy, within(1e-12));

        // The series a chart reads: the latest computation of each window.
        JsonNode series = json(send("GET", "/api/v1/deployments/trips-watch/monitoring", null));
        assertThat(series.get("task").asText()).isEqualTo("classification");
        assertThat(series.get("window").asText()).isEqualTo("1d");
        assertThat(series.get("windows")).hasSize(1);
        assertThat(series.at("/windows/0/instance").asText()).isEqualTo(instance.id().toString());
        assertThat(series.at("/windows/0/metrics/accuracy").asDouble()).isCloseTo(accuracy, within(1e-12));
        assertThat(series.at("/windows/0/metrics/rows").asInt()).isEqualTo(n);
        assertThat(json(send("GET", "/api/v1/deployments/trips-watch/monitoring?window=1h", null)).get("windows")).isNotEmpty();
        assertThat(json(send("GET", "/api/v1/deployments/trips-watch/monitoring?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z",
                null)).get("windows")).isEmpty();
        assertError(send("GET", "/api/v1/deployments/trips-watch/monitoring?window=1w", null), 400, "window");
        assertError(send("GET", "/api/v1/deployments/trips-watch/monitoring?from=yesterday", null), 400, "from");
        assertError(send("GET", "/api/v1/deployments/trips-watch/monitoring?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", null),
                400, "from");
        assertThat(json(send("POST", "/api/v1/monitoring/run", null)).get("windowsByDeployment").get("trips-watch").asInt()).isZero();

        // Drift: a reference profile of the inputs, then inputs whose distance is twenty times longer.
        io.carrara.monitoring.drift.ProfileBuilder sketch = io.carrara.monitoring.drift.ProfileBuilder.sketching(
                io.carrara.monitoring.drift.ProfileSettings.DEFAULTS);
        cases.forEach(c -> sketch.add(features(c.input())));
        io.carrara.monitoring.drift.ProfileBuilder exact = io.carrara.monitoring.drift.ProfileBuilder.binLike(sketch.build());
        cases.forEach(c -> exact.add(features(c.input())));
        assertError(send("PUT", "/api/v1/instances/" + instance.id() + "/profile", "{\"formatVersion\": 99}"), 400, "profile");
        assertError(send("GET", "/api/v1/instances/" + instance.id() + "/profile", null), 404, "id");
        assertError(send("PUT", "/api/v1/instances/" + instance.id() + "/profile", ""), 400, "profile");
        assertError(send("PUT", "/api/v1/instances/" + instance.id() + "/profile", "[1, 2"), 400, "profile");
        assertError(send("PUT", "/api/v1/instances/../../etc/profile", "{}"), 400, null);
        assertError(send("PUT", "/api/v1/instances/not-a-uuid/profile", "{}"), 400, "id");
        HttpResponse<String> profiled = send("PUT", "/api/v1/instances/" + instance.id() + "/profile",
                new String(io.carrara.monitoring.drift.ProfileJson.write(exact.build()), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(profiled.statusCode()).as(profiled.body()).isEqualTo(200);
        assertThat(json(profiled).get("rows").asInt()).isEqualTo(n);
        assertThat(json(profiled).get("features")).extracting(JsonNode::asText).contains("city", "distance");
        assertThat(json(send("GET", "/api/v1/instances/" + instance.id() + "/profile", null)).get("rows").asInt()).isEqualTo(n);

        // Thresholds: drift over 0.25 on any feature raises an alert to the project's alert webhook, once per window.
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        List<String> alerts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        receiver.createContext("/alerts", exchange -> {
            alerts.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        assertThat(send("POST", "/api/v1/projects/risk/alert-webhooks", "{\"url\": \"http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/alerts\"}").statusCode()).isEqualTo(201);
        assertError(send("PUT", "/api/v1/deployments/trips-watch/monitoring/settings",
                "{\"task\": \"classification\", \"alerts\": [\"auc < 0.7\", \"psi is high\"]}"), 400, "alerts[1]");
        JsonNode configured = json(send("PUT", "/api/v1/deployments/trips-watch/monitoring/settings",
                "{\"task\": \"classification\", \"alerts\": [\"drift.psi.max > 0.25\", \"accuracy<0.01\"]}"));
        assertThat(configured.get("alerts")).extracting(JsonNode::asText).containsExactly("drift.psi.max > 0.25", "accuracy < 0.01");

        ArrayNode shifted = JSON.createArrayNode();
        cases.forEach(c -> shifted.add(JSON.valueToTree(c.input()).deepCopy()));
        shifted.forEach(row -> ((com.fasterxml.jackson.databind.node.ObjectNode) row).put("distance", row.get("distance").asDouble() * 20));
        assertThat(send("POST", "/api/v1/deployments/trips-watch/predict", JSON.createObjectNode().set("rows", shifted).toString())
                .statusCode()).isEqualTo(200);
        for (int attempt = 0; attempt < 200 && server.predictionLog().find("trips-watch", Instant.EPOCH, Instant.now().plusSeconds(60),
                1000).size() < 2 * n; attempt++) {
            Thread.sleep(50);
        }
        assertThat(server.monitor().runOnce().windowsByDeployment().get("trips-watch")).isEqualTo(2);
        Map<String, Metric> drift = latest(instance.id(), "");
        assertThat(drift.get("drift.psi.distance").value()).isGreaterThan(0.25);
        assertThat(drift.get("drift.psi.distance").metadata()).containsEntry("band", "major").containsEntry("rows", Integer.toString(2 * n));
        assertThat(drift.get("drift.psi.city").value()).isLessThan(0.1);
        assertThat(drift.get("drift.js.distance").value()).isBetween(0.0, 1.0);
        assertThat(drift.get("drift.psi.max").value()).isEqualTo(drift.get("drift.psi.distance").value());
        assertThat(latest(instance.id(), ".1h")).containsKey("drift.psi.distance.1h");
        assertThat(server.registry().search("metric.production.drift.psi.max > 0.25", null, null).items())
                .extracting(io.carrara.registry.model.Instance::id).contains(instance.id());
        try {
            assertThat(alerts).hasSize(2);   // the daily and the hourly window
            JsonNode alert = JSON.readTree(alerts.get(0));
            assertThat(alert.get("source").asText()).isEqualTo("monitor:trips-watch");
            assertThat(alert.get("project").asText()).isEqualTo("risk");
            assertThat(alert.get("message").asText()).contains("drift.psi.max").contains("crossed drift.psi.max > 0.25");
            assertThat(alert.at("/details/instance").asText()).isEqualTo(instance.id().toString());
            // The window computed again (more inputs) raises nothing new.
            assertThat(send("POST", "/api/v1/deployments/trips-watch/predict", JSON.createObjectNode().set("rows", shifted).toString())
                    .statusCode()).isEqualTo(200);
            for (int attempt = 0; attempt < 200 && server.predictionLog().find("trips-watch", Instant.EPOCH, Instant.now().plusSeconds(60),
                    1000).size() < 3 * n; attempt++) {
                Thread.sleep(50);
            }
            assertThat(server.monitor().runOnce().windowsByDeployment().get("trips-watch")).isEqualTo(2);
            assertThat(alerts).hasSize(2);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void keyedOutcomesWaitForTheirPredictionsAndWindowSizesAreTheDeployments() throws Exception {
        Instance keyed = TestModels.uploadPipeline(server.registry(), new ModelRef("risk", "fraud-keyed"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
        HttpResponse<String> deployed = send("POST", "/api/v1/deployments", "{\"name\": \"trips-keyed\", \"instance\": \""
                + keyed.id() + "\", \"logSampleRate\": 1.0}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        String settings = "/api/v1/deployments/trips-keyed/monitoring/settings";
        assertError(send("PUT", settings, "{\"task\": \"classification\", \"windows\": [\"1d\", \"7m\"]}"), 400, "windows[1]");
        assertError(send("PUT", settings, "{\"task\": \"classification\", \"lookback\": \"2w\"}"), 400, "lookback");
        assertError(send("PUT", settings, "{\"task\": \"classification\", \"outcomeKey\": \"trip id\"}"), 400, "outcomeKey");
        HttpResponse<String> configured = send("PUT", settings,
                "{\"task\": \"classification\", \"outcomeKey\": \"id\", \"windows\": [\"15m\", \"1d\"]}");
        assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
        assertThat(json(configured).get("outcomeKey").asText()).isEqualTo("id");
        assertThat(json(configured).get("lookback").asText()).isEqualTo("14d");
        assertThat(json(configured).get("windows")).extracting(JsonNode::asText).containsExactly("1d", "15m");

        // The outcomes arrive first, keyed by the rows' id: none has a prediction yet, so they wait.
        List<GoldenModels.Case> cases = GoldenModels.cases(GoldenModels.TRIPS_LR).stream().filter(c -> !c.skipped()).toList();
        int n = cases.size();
        ArrayNode outcomes = JSON.createArrayNode();
        cases.forEach(c -> outcomes.add(JSON.createObjectNode().put("outcome", 1).set("key", JSON.valueToTree(c.input().get("id")))));
        JsonNode load = json(send("POST", "/api/v1/deployments/trips-keyed/outcomes", outcomes.toString()));
        assertThat(load.get("accepted").asInt()).as(load.toString()).isEqualTo(n);
        assertThat(load.get("orphans").asInt()).isEqualTo(n);
        JsonNode both = json(send("POST", "/api/v1/deployments/trips-keyed/outcomes",
                "[{\"key\": \"1\", \"predictionId\": \"x\", \"outcome\": 1}, {\"key\": [1], \"outcome\": 1}]"));
        assertThat(both.get("rejected").asInt()).isEqualTo(2);
        assertThat(both.get("problems")).extracting(problem -> problem.get("field").asText()).containsExactly("[0]", "[1].key");

        ArrayNode rows = JSON.createArrayNode();
        cases.forEach(c -> rows.add(JSON.valueToTree(c.input())));
        for (int attempt = 0; attempt < 200 && send("GET", "/v2/models/trips-keyed/ready", null).statusCode() != 200; attempt++) {
            Thread.sleep(50);
        }
        JsonNode answer = json(send("POST", "/api/v1/deployments/trips-keyed/predict", JSON.createObjectNode().set("rows", rows).toString()));
        for (int attempt = 0; attempt < 200 && server.predictionLog().find("trips-keyed", Instant.EPOCH, Instant.now().plusSeconds(60),
                1000).size() < n; attempt++) {
            Thread.sleep(50);
        }
        assertThat(server.monitor().runOnce().windowsByDeployment().get("trips-keyed")).isGreaterThanOrEqualTo(2);
        assertThat(server.monitor().monitoring().waitingKeyedOutcomes("trips-keyed")).isZero();
        int positives = 0;
        for (JsonNode prediction : answer.get("predictions")) {
            positives += prediction.get("prediction").asDouble() == 1.0 ? 1 : 0;
        }
        Map<String, Metric> daily = latest(keyed.id(), "");
        assertThat(daily.get("rows").value()).isEqualTo((double) n);
        assertThat(daily.get("accuracy").value()).isCloseTo((double) positives / n, within(1e-12));
        Map<String, Metric> quarter = latest(keyed.id(), ".15m");
        assertThat(quarter).containsKeys("accuracy.15m", "rows.15m");
        assertThat(quarter.get("accuracy.15m").metadata()).containsEntry("window", "15m");
        assertThat(latest(keyed.id(), ".1h")).isEmpty();
        assertThat(json(send("GET", "/api/v1/deployments/trips-keyed/monitoring?window=15m", null)).get("windows")).isNotEmpty();
        assertThat(json(send("GET", "/api/v1/deployments/trips-keyed/monitoring", null)).get("window").asText()).isEqualTo("1d");
        assertError(send("GET", "/api/v1/deployments/trips-keyed/monitoring?window=1h", null), 400, "window");

        // A later outcome for a key replaces the one its prediction has.
        JsonNode again = json(send("POST", "/api/v1/deployments/trips-keyed/outcomes", JSON.createArrayNode().add(JSON.createObjectNode()
                .put("outcome", 0).set("key", JSON.valueToTree(cases.get(0).input().get("id")))).toString()));
        assertThat(again.get("duplicates").asInt()).isEqualTo(1);
        assertThat(again.get("orphans").asInt()).isZero();
    }

    @Test
    void theSparkEndpointsRefuseHostileBodiesBeforeAnyJob() throws Exception {
        for (String path : List.of("/api/v1/deployments/fraud/monitoring/export", "/api/v1/deployments/fraud/monitoring/compute")) {
            assertError(send("POST", path, ""), 400, null);
            assertError(send("POST", path, "[1, 2]"), 400, null);
            assertError(send("POST", path, "{\"from\": \"2026-12-01\"}"), 400, "table");
            assertError(send("POST", path, "{\"table\": \"../../etc/passwd\", \"from\": \"2026-12-01\"}"), 400, "table");
            assertError(send("POST", path, "{\"table\": \"ml.t; DROP TABLE x\", \"from\": \"2026-12-01\"}"), 400, "table");
            assertError(send("POST", path, "{\"table\": \"csv.`/etc/passwd`\", \"from\": \"2026-12-01\"}"), 400, "table");
            assertError(send("POST", path, "{\"table\": \"ml.log\", \"from\": {\"$gt\": 1}}"), 400, null);
            assertError(send("POST", path, "{\"table\": \"ml.log\", \"from\": \"2026-12-01T00:00:00Z\"}"), 400, "from");
            assertError(send("POST", path, "{\"table\": \"ml.log\", \"from\": \"2026-12-05\", \"to\": \"2026-12-01\"}"), 400, "to");
            assertError(send("POST", path, "{\"table\": \"ml.log\", \"from\": \"2026-01-01\", \"to\": \"2026-12-01\"}"), 400, "to");
            assertError(send("POST", path, "{\"table\": \"ml.log\", \"from\": \"2026-12-01\", \"extra\": 1}"), 400, "extra");
        }
        assertError(send("POST", "/api/v1/deployments/no-such/monitoring/export", "{\"table\": \"ml.log\", \"from\": \"2026-12-01\"}"),
                404, null);
        assertError(send("POST", "/api/v1/deployments/..%2F..%2Fx/monitoring/export", "{\"table\": \"ml.log\", \"from\": \"2026-12-01\"}"),
                400, null);
    }

    /** The model's features of a golden row: its inputs without the id and the label columns. */
    private static Map<String, Object> features(Map<String, Object> input) {
        Map<String, Object> features = new java.util.LinkedHashMap<>(input);
        features.keySet().removeAll(List.of("id", "label", "fare_class", "fare"));
        return features;
    }

    /** The latest production metric of each name ending in {@code suffix} (daily: no suffix, not ending in .1h). */
    private Map<String, Metric> latest(UUID id, String suffix) {
        Map<String, Metric> latest = new java.util.TreeMap<>();
        for (Metric metric : server.registry().listMetrics(id)) {
            boolean daily = suffix.isEmpty() && !metric.name().matches(".*\\.[0-9]+[mh]$");
            if (metric.scope().equals("production") && (daily || !suffix.isEmpty() && metric.name().endsWith(suffix))) {
                latest.put(metric.name(), metric);
            }
        }
        return latest;
    }

    private static void assertError(HttpResponse<String> response, int status, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        if (field != null) {
            assertThat(json(response).get("field").asText()).as(response.body()).isEqualTo(field);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice")
                .timeout(Duration.ofSeconds(60));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
