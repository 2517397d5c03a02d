package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carrara rules} against a real server (authentication on) whose rules.repository setting is a directory:
 * sync, list, show, a dry run on an instance, the evaluations, and the refusals (a local path as REPO, a user who is
 * not an admin).
 */
class RulesCommandTest {
    static final String ALERT_ON_NEW = """
            name: new-trips-instance
            description: say when a trips instance is created
            given: event.type == 'instance.created' && instance.model == 'rules/trips'
            then:
              - alert: {message: "new trips instance ${instance.id}", severity: info}
            tests:
              - name: a new instance is announced
                instances: [{id: a, model: rules/trips}]
                event: {type: instance.created, instance: a}
                expect: {fires: true, actions: [alert]}
              - name: other models are not
                instances: [{id: a, model: rules/other}]
                event: {type: instance.created, instance: a}
                expect: {fires: false}
            """;

    static final String NEWEST = """
            name: trips-newest
            select: model = 'trips' AND NOT deprecated
            order: created_at DESC
            tests:
              - name: the newest wins
                instances:
                  - {id: a, model: rules/trips, createdAt: "2026-11-01T00:00:00Z"}
                  - {id: b, model: rules/trips, createdAt: "2026-11-02T00:00:00Z"}
                expect: {selects: b}
            """;

    @TempDir
    static Path serverHome;

    @TempDir
    static Path userHome;

    @TempDir
    static Path rules;

    private static CarraraServer server;
    private static String adminToken;

    @BeforeAll
    static void startServer() throws IOException {
        Files.writeString(rules.resolve("new-trips-instance.yaml"), ALERT_ON_NEW);
        Files.writeString(rules.resolve("trips-newest.yaml"), NEWEST);
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(serverHome, Map.of(),
                Map.of("port", "0", "rules.repository", rules.toString(), "outbound.allowPrivateAddresses", "true"))));
        adminToken = Files.readString(serverHome.resolve("admin-token")).strip();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void syncListShowTryAndRead() {
        CommandResult synced = ok(asAdmin("rules", "sync"));
        assertThat(synced.out()).contains("at sha256:").contains("2 active").contains("active: new-trips-instance, trips-newest");

        assertThat(ok(asAdmin("rules", "list")).out().lines()).anySatisfy(line ->
                assertThat(line.split(" +")).startsWith("new-trips-instance", "action", "yes"));
        assertThat(ok(asAdmin("rules", "show", "new-trips-instance")).out()).contains("2 passed, 0 failed")
                .contains("PASS a new instance is announced").contains("given: event.type == 'instance.created'");

        ok(asAdmin("project", "create", "rules"));
        ok(asAdmin("model", "create", "rules/trips"));
        String golden = io.carrara.serving.runtime.GoldenModels.model(io.carrara.serving.runtime.GoldenModels.TRIPS_LR).toString();
        String id = ok(asAdmin("instance", "upload", "rules/trips", golden, "--format", "spark-pipeline")).out().strip();

        CommandResult dry = ok(asAdmin("rules", "evaluate", "new-trips-instance", "--instance", id, "--dry-run"));
        assertThat(dry.out()).contains("would fire").contains("would alert").contains("new trips instance " + id);

        // The upload's own event is evaluated by the server within a moment.
        CommandResult evaluations = poll(() -> ok(asAdmin("rules", "evaluations", "--rule", "new-trips-instance")),
                result -> result.out().contains("instance.created"));
        assertThat(evaluations.out()).contains("alert:done").contains(id);

        // A deployment that follows the selection rule serves the newest instance, until it stops following.
        assertThat(ok(asAdmin("deploy", "trips-live", "--rule", "trips-newest")).out())
                .isEqualTo("deployment trips-live follows rule trips-newest: serves " + id + "\n");
        assertThat(ok(asAdmin("rules", "followers")).out().lines()).anySatisfy(line ->
                assertThat(line.split(" +")).startsWith("trips-live", "-", "trips-newest", id));

        // Per-partition: one rule per value of a field and one for every other value.
        assertThat(ok(asAdmin("deploy", "trips-city", "--partition-by", "city", "--rule", "nyc=trips-newest", "--rule", "trips-newest"))
                .out().lines()).containsExactly("deployment trips-city follows rules by city:", "city       rule          serves",
                "(default)  trips-newest  " + id, "nyc        trips-newest  " + id);
        assertThat(ok(asAdmin("rules", "followers")).out().lines()).anySatisfy(line ->
                assertThat(line.split(" +")).startsWith("trips-city", "city=nyc", "trips-newest", id));
        for (String[] usage : new String[][] {
                {"deploy", "trips-city", "--rule", "nyc=trips-newest"},
                {"deploy", "trips-city", "--partition-by", "city", "--rule", "nyc=trips-newest"},
                {"deploy", "trips-city", "--partition-by", "city", "--rule", "trips-newest"},
                {"deploy", "trips-city", "--partition-by", "city", "--rule", "=trips-newest", "--rule", "trips-newest"},
                {"deploy", "trips-city", "--partition-by", "city", "--rule", "nyc=a", "--rule", "nyc=b", "--rule", "trips-newest"}}) {
            CommandResult refused = asAdmin(usage);
            assertThat(refused.exitCode()).as(String.join(" ", usage) + ": " + refused.err()).isEqualTo(2);
            assertThat(refused.err()).contains("--rule");
        }
        assertThat(ok(asAdmin("rules", "unfollow", "trips-city")).out()).isEqualTo("deployment trips-city no longer follows rule trips-newest\n");
        CommandResult both = asAdmin("deploy", "trips-live", "--rule", "trips-newest", "--instance", id);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(ok(asAdmin("rules", "unfollow", "trips-live")).out()).contains("no longer follows rule trips-newest");
        assertThat(asAdmin("rules", "unfollow", "trips-live").err()).contains("follows no rule");

        CommandResult local = asAdmin("rules", "sync", rules.toString());
        assertThat(local.exitCode()).isNotZero();
        assertThat(local.err()).contains("https").contains("repository");

        CommandResult missing = asAdmin("rules", "evaluate", "new-trips-instance", "--instance", id);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--dry-run");
    }

    @Test
    void managesAProjectsAlertWebhooks() throws IOException {
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
        receiver.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(exchange.getRequestURI().getQuery() == null ? 204 : 400, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            ok(asAdmin("project", "create", "alerting"));
            CommandResult added = ok(asAdmin("project", "alert-webhook", "add", "alerting", url, "--min-severity", "critical"));
            assertThat(added.out().lines().toList()).hasSize(2).first().asString()
                    .isEqualTo("added alert webhook 1 of project alerting: " + url + " (critical and worse)");
            assertThat(added.out().lines().toList().get(1)).matches("secret: whsec_[A-Za-z0-9+/=]{44}");
            assertThat(added.err()).contains("not shown again");
            ok(asAdmin("project", "alert-webhook", "add", "alerting", url + "?refuse"));

            List<String> listed = ok(asAdmin("project", "alert-webhook", "list", "alerting")).out().lines().toList();
            assertThat(listed.get(0).split(" +")).containsExactly("id", "url", "min_severity", "created_at", "created_by");
            assertThat(listed.get(1).split(" +")).startsWith("1", url, "critical");
            assertThat(listed.get(2).split(" +")).startsWith("2", url + "?refuse", "warning");
            assertThat(String.join("\n", listed)).doesNotContain("whsec_");

            assertThat(ok(asAdmin("project", "alert-webhook", "test", "alerting", "1")).out())
                    .isEqualTo("delivered a test alert to " + url + ": answered 204\n");
            assertThat(bodies).singleElement().asString().contains("\"type\":\"alert\"").contains("a test alert sent by admin");
            CommandResult refused = asAdmin("project", "alert-webhook", "test", "alerting", "2");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("was not delivered").contains("answered 400");

            assertThat(ok(asAdmin("project", "alert-webhook", "remove", "alerting", "2")).out())
                    .isEqualTo("removed alert webhook 2: " + url + "?refuse\n");
            CommandResult gone = asAdmin("project", "alert-webhook", "remove", "alerting", "2");
            assertThat(gone.exitCode()).isEqualTo(1);
            assertThat(gone.err()).contains("has no alert webhook 2");
            CommandResult badSeverity = asAdmin("project", "alert-webhook", "add", "alerting", url, "--min-severity", "loud");
            assertThat(badSeverity.exitCode()).isEqualTo(1);
            assertThat(badSeverity.err()).contains("minSeverity");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void onlyAdminsReadRules() {
        ok(asAdmin("user", "create", "carol"));
        String token = ok(asAdmin("token", "create", "--for-user", "carol")).out().lines()
                .filter(line -> line.startsWith("token: ")).map(line -> line.substring("token: ".length()).strip()).findFirst().orElseThrow();
        CommandResult refused = carrara("rules", "list", "--token", token);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("only server admins");
    }

    private static CommandResult poll(java.util.function.Supplier<CommandResult> command,
            java.util.function.Predicate<CommandResult> done) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (true) {
            CommandResult result = command.get();
            if (done.test(result) || System.nanoTime() > deadline) {
                return result;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
        }
    }

    private static CommandResult asAdmin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--token", adminToken));
        return carrara(all.toArray(String[]::new));
    }

    private static CommandResult carrara(String... args) {
        return InProcessCli.run(server.uri(), userHome, Map.of(), "", args);
    }

    private static CommandResult ok(CommandResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }
}
