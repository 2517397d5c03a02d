package io.carrara.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewMetric;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project's alert webhooks on a real server and a real receiver on loopback (allowed by the server's outbound setting):
 * a rule's alert about the project's model is POSTed to every webhook that takes its severity, signed with that webhook's
 * secret as a Standard Webhooks receiver verifies it; a webhook that refuses it makes the action fail, saying which; a
 * test alert reaches one webhook; bad requests are refused naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertWebhooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();
    private static final String RULE = """
            name: eta-mae-alert
            given: event.type == 'metric.recorded' && instance.model == 'alerts/eta' && metric.name == 'mae'
            when: metric.value > 5
            then:
              - alert: {message: "MAE ${metric.value} for ${instance.id}", severity: warning}
            tests:
              - name: a high MAE raises an alert
                instances: [{id: a, model: alerts/eta}]
                event: {type: metric.recorded, instance: a, metric: {scope: validation, name: mae, value: 6.0}}
                expect: {fires: true, actions: [alert]}
            """;

    private CarraraServer server;
    private HttpServer receiver;
    private final ConcurrentLinkedQueue<Map<String, String>> received = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void start(@TempDir Path home, @TempDir Path rules) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (String path : List.of("/hook", "/gone", "/critical-only")) {
            receiver.createContext(path, exchange -> {
                received.add(Map.of("path", path, "id", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id")),
                        "timestamp", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-timestamp")),
                        "signature", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-signature")),
                        "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(path.equals("/gone") ? 410 : 200, -1);
                exchange.close();
            });
        }
        receiver.start();
        Files.writeString(rules.resolve("eta-mae-alert.yaml"), RULE);
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "rules.pollMillis", "50", "outbound.allowPrivateAddresses", "true"))).withAuth(ServerConfig.Auth.OFF));
        assertThat(server.rules().sync().sync(rules.toString(), null, "alice").activated()).containsExactly("eta-mae-alert");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private String hook(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    @Test
    void aRulesAlertReachesTheProjectsWebhooksThatTakeItsSeverity() throws Exception {
        Instance instance = TestModels.uploadPipeline(server.registry(), new ModelRef("alerts", "eta"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of());
        String webhooks = "/api/v1/projects/alerts/alert-webhooks";
        HttpResponse<String> added = post(webhooks, "{\"url\": \"" + hook("/hook") + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        JsonNode hook = json(added);
        assertThat(hook.get("minSeverity").asText()).isEqualTo("warning");
        String secret = hook.get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(post(webhooks, "{\"url\": \"" + hook("/gone") + "\", \"minSeverity\": \"info\"}").statusCode()).isEqualTo(201);
        assertThat(post(webhooks, "{\"url\": \"" + hook("/critical-only") + "\", \"minSeverity\": \"critical\"}").statusCode())
                .isEqualTo(201);
        JsonNode listed = json(get(webhooks)).get("items");
        assertThat(listed).hasSize(3);
        assertThat(listed).allSatisfy(item -> assertThat(item.has("secret")).as("secrets are shown once").isFalse());

        server.registry().addMetric(instance.id(), new NewMetric("mae", "validation", 6.5, null, null), "alice");
        await(() -> received.stream().anyMatch(call -> call.get("path").equals("/hook")), "the alert reaches the webhook");
        await(() -> !server.rules().store().evaluations("eta-mae-alert", instance.id(), false, 10).isEmpty(), "the evaluation");
        Map<String, String> call = received.stream().filter(c -> c.get("path").equals("/hook")).findFirst().orElseThrow();
        // Verified as a Standard Webhooks receiver does: HMAC-SHA256 over id.timestamp.body with the decoded secret.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((call.get("id") + "." + call.get("timestamp") + "."
                + call.get("body")).getBytes(StandardCharsets.UTF_8)));
        assertThat(call.get("signature")).isEqualTo(expected);
        JsonNode body = JSON.readTree(call.get("body"));
        assertThat(body.get("type").asText()).isEqualTo("alert");
        assertThat(body.get("project").asText()).isEqualTo("alerts");
        assertThat(body.get("severity").asText()).isEqualTo("warning");
        assertThat(body.get("message").asText()).isEqualTo("MAE 6.5 for " + instance.id());
        assertThat(body.get("source").asText()).startsWith("rule:eta-mae-alert@");
        assertThat(body.at("/details/event/instance").asText()).isEqualTo(instance.id().toString());
        assertThat(received).extracting(c -> c.get("path")).as("not the webhook that takes only critical alerts")
                .containsExactlyInAnyOrder("/hook", "/gone");

        RuleEvaluationInfo evaluation = server.rules().store().evaluations("eta-mae-alert", instance.id(), false, 10).get(0);
        assertThat(evaluation.actions()).singleElement().satisfies(action -> {
            assertThat(action.outcome()).isEqualTo("failed");
            assertThat(action.detail()).contains("posted to 1 of 2 alert webhooks").contains("answered 410");
        });

        // A test alert reaches one webhook, whatever its minimum severity.
        long critical = listed.get(2).get("id").asLong();
        HttpResponse<String> tested = post(webhooks + "/" + critical + "/test", "");
        assertThat(tested.statusCode()).as(tested.body()).isEqualTo(200);
        assertThat(json(tested).get("delivered").asBoolean()).isTrue();
        assertThat(received).extracting(c -> c.get("path")).contains("/critical-only");

        HttpResponse<String> removed = delete(webhooks + "/" + critical);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(json(get(webhooks)).get("items")).hasSize(2);
        assertThat(delete(webhooks + "/" + critical).statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        server.registry().createProject(new io.carrara.registry.model.NewProject("quiet", null), "alice");
        String webhooks = "/api/v1/projects/quiet/alert-webhooks";
        for (String[] bad : new String[][] {
                {webhooks, "{\"url\": \"file:///etc/passwd\"}", "url", "400"},
                {webhooks, "{\"url\": \"ftp://example.com/x\"}", "url", "400"},
                {webhooks, "{\"url\": \"not a url\"}", "url", "400"},
                {webhooks, "{}", "url", "400"},
                {webhooks, "{\"url\": \"https://user:pw@hooks.example.com/x\"}", "url", "400"},
                {webhooks, "{\"url\": \"" + hook("/hook") + "\", \"minSeverity\": \"loud\"}", "minSeverity", "400"},
                {webhooks, "{\"url\": \"" + hook("/hook") + "\", \"secret\": \"mine\"}", "secret", "400"},
                {"/api/v1/projects/no-such-project/alert-webhooks", "{\"url\": \"" + hook("/hook") + "\"}", "project", "404"},
                {webhooks + "/abc/test", "", "id", "400"},
                {webhooks + "/999/test", "", "id", "404"}}) {
            HttpResponse<String> refused = post(bad[0], bad[1]);
            assertThat(refused.statusCode()).as(bad[0] + " " + bad[1] + ": " + refused.body()).isEqualTo(Integer.parseInt(bad[3]));
            assertThat(json(refused).get("field").asText()).as(refused.body()).isEqualTo(bad[2]);
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("pw@");
        }
        assertThat(json(get(webhooks)).get("items")).isEmpty();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
