package io.carrara.server.access;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.access.CreatedToken;
import io.carrara.api.access.Role;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.model.ModelRef;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control over real HTTP (and gRPC framing) on a server with authentication on: every route the
 * server exposes, taken from its own route table, is called with no token, an expired token, a revoked one,
 * a token of each role, an admin's and one scoped to another project, and each answer's status is checked
 * against what the route declares. Plus the audit trail of a walk-through and the other guarantees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAMETER = Pattern.compile(":([A-Za-z]+)");
    /** Methods a service taking any method answers too; the walk calls each route with its main method. */
    private static final Set<String> OTHER_METHODS = Set.of("CONNECT", "OPTIONS", "TRACE", "HEAD", "PATCH");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private CarraraServer server;
    private Path home;
    private String admin;
    private UUID instance;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private UUID victimToken;
    private String batchJob;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "auth.cacheSeconds", "1", "auth.maxFailuresPerMinute", "100000", "log.access", "false"))));
        admin = Files.readString(home.resolve(AdminBootstrap.FILE_NAME)).strip();
        AccessStore store = server.accessStore();
        instance = TestModels.uploadPipeline(server.registry(), new ModelRef("p1", "m"),
                GoldenModels.model(GoldenModels.TRIPS_LR), Map.of()).id();
        server.registry().createProject(new NewProject("p2", null), "tests");
        HttpResponse<String> deployed = call("POST", "/api/v1/deployments", admin,
                "{\"name\":\"d1\",\"instance\":\"" + instance + "\"}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

        for (Role role : Role.values()) {
            String user = "u-" + role.wireName();
            store.createUser(user, false, List.of(), "tests");
            store.grant("p1", user, role, "tests");
            tokens.put(role.wireName(), store.createToken(user, null, Duration.ofDays(1), null, null).secret());
        }
        store.createUser("scoped", false, List.of(), "tests");
        store.grant("p1", "scoped", Role.MANAGE, "tests");
        store.grant("p2", "scoped", Role.MANAGE, "tests");
        tokens.put("scoped-to-p2", store.createToken("scoped", null, Duration.ofDays(1), "p2", Role.MANAGE).secret());
        CreatedToken revoked = store.createToken("u-manage", "revoked", Duration.ofDays(1), null, null);
        store.revokeToken(revoked.token().id());
        tokens.put("revoked", revoked.secret());
        CreatedToken expired = store.createToken("u-manage", "expired", Duration.ofDays(1), null, null);
        expire(expired.token().id());
        tokens.put("expired", expired.secret());
        HttpResponse<String> job = call("POST", "/api/v1/batch/jobs", admin, "{\"instance\":\"" + instance
                + "\",\"query\":\"SELECT * FROM p1.t\",\"output\":\"p1.scored\",\"executionDate\":\"2026-12-01\"}");
        assertThat(job.statusCode()).as(job.body()).isEqualTo(202);
        batchJob = json(job).get("id").asText();
        store.createUser("victim", false, List.of(), "tests");
        victimToken = store.createToken("victim", null, Duration.ofDays(1), null, null).token().id();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theAdminTokenFileIsTheOwnersAlone() throws Exception {
        Path file = home.resolve(AdminBootstrap.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(admin).startsWith(AccessStore.TOKEN_PREFIX);
        HttpResponse<String> whoami = call("GET", "/api/v1/whoami", admin, null);
        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(whoami.body()).get("user").asText()).isEqualTo("admin");
        assertThat(JSON.readTree(whoami.body()).get("admin").asBoolean()).isTrue();
    }

    @Test
    void everyRouteHasADeclaredRequirementAndEveryDeclarationARoute() {
        Map<String, String> routes = server.routes();
        assertThat(routes.entrySet().stream().filter(route -> route.getValue().equals("undeclared")).map(Map.Entry::getKey))
                .as("routes without a requirement in AccessPolicy").isEmpty();
        Set<String> served = new java.util.HashSet<>();
        routes.keySet().forEach(route -> {
            served.add(AccessPolicy.normalize(route));
            served.add("* " + AccessPolicy.normalize(route.substring(route.indexOf(' ') + 1)));
        });
        List<String> stale = AccessPolicy.standard(new NoTargets()).routes().keySet().stream()
                .filter(declared -> !served.contains(declared)).toList();
        assertThat(stale).as("requirements declared for routes the server does not have").isEmpty();
    }

    @Test
    void hostileBodiesAndNamesAreRefusedNamingTheField() throws Exception {
        Map<String, String[]> refused = new LinkedHashMap<>();
        refused.put("user name with a path", new String[] {"POST", "/api/v1/users", "{\"name\":\"../etc\"}", "name"});
        refused.put("user name of the wrong type", new String[] {"POST", "/api/v1/users", "{\"name\":[1]}", null});
        refused.put("empty body", new String[] {"POST", "/api/v1/users", "", null});
        refused.put("negative lifetime", new String[] {"POST", "/api/v1/tokens", "{\"expiresInSeconds\":-5}", "expiresInSeconds"});
        refused.put("lifetime over a year", new String[] {"POST", "/api/v1/tokens", "{\"expiresInSeconds\":99999999999}",
                "expiresInSeconds"});
        refused.put("scope without role", new String[] {"POST", "/api/v1/tokens", "{\"project\":\"p1\"}", "role"});
        refused.put("no such role", new String[] {"PUT", "/api/v1/projects/p1/members/victim", "{\"role\":\"god\"}", null});
        refused.put("principal with a path", new String[] {"PUT", "/api/v1/projects/p1/members/..%2F..%2Fetc",
                "{\"role\":\"read\"}", null});    // refused before routing
        refused.put("audit since not a time", new String[] {"GET", "/api/v1/audit?since=yesterday", null, "since"});
        refused.put("audit limit too large", new String[] {"GET", "/api/v1/audit?limit=1000000", null, "limit"});
        for (Map.Entry<String, String[]> call : refused.entrySet()) {
            String[] c = call.getValue();
            HttpResponse<String> response = call(c[0], c[1], admin, c[2]);
            assertThat(response.statusCode()).as(call.getKey() + ": " + response.body()).isBetween(400, 499);
            JsonNode error = json(response);
            assertThat(error.get("message").asText()).as(call.getKey()).doesNotContain("Exception").doesNotContain("/tmp");
            if (c[3] != null) {
                assertThat(error.path("field").asText()).as(call.getKey()).isEqualTo(c[3]);
            }
        }
        HttpResponse<String> huge = call("POST", "/api/v1/users", admin, "{\"name\":\"" + "x".repeat(2 << 20) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
    }

    @Test
    void anUnknownPathIsNotFoundWithOrWithoutAToken() throws Exception {
        for (String token : java.util.Arrays.asList(null, admin)) {
            HttpResponse<String> response = call("GET", "/api/v1/no-such-thing", token, null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
            assertThat(json(response).get("code").asText()).isEqualTo("NOT_FOUND");
        }
    }

    @Test
    void everyRouteAnswersEachCallerAsItsRequirementSays() throws Exception {
        Map<String, String> routes = new TreeMap<>(server.routes());
        List<String> callers = List.of("none", "expired", "revoked", "scoped-to-p2", "read", "use", "edit", "manage", "admin");
        List<String> failures = new ArrayList<>();
        // First every call that must be refused (they change nothing), then the ones that must get through.
        for (boolean allowedPhase : new boolean[] {false, true}) {
            for (Map.Entry<String, String> route : routes.entrySet()) {
                String method = route.getKey().substring(0, route.getKey().indexOf(' '));
                String pattern = route.getKey().substring(method.length() + 1);
                if (OTHER_METHODS.contains(method) || (!method.equals(mainMethod(pattern)) && mainMethod(pattern) != null)) {
                    continue;
                }
                for (String caller : callers) {
                    Expected expected = expected(ROLES_OF_THE_PATH.getOrDefault(route.getKey(), route.getValue()), caller);
                    if ((expected == Expected.ALLOWED) != allowedPhase) {
                        continue;
                    }
                    String token = switch (caller) {
                        case "none" -> null;
                        case "admin" -> admin;
                        default -> tokens.get(caller);
                    };
                    int status = send(method, pattern, token);
                    boolean ok = switch (expected) {
                        case UNAUTHENTICATED -> status == 401;
                        case DENIED -> status == 403;
                        case ALLOWED -> status != 401 && status != 403 && status != 500;
                    };
                    if (!ok) {
                        failures.add(route.getKey() + " [" + route.getValue() + "] as " + caller + ": expected " + expected
                                + ", got " + status);
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theAuditTrailRecordsChangesAndRefusalsWithTheAuthenticatedUser() throws Exception {
        assertThat(call("POST", "/api/v1/users", admin, "{\"name\":\"alice\",\"groups\":[\"analysts\"]}").statusCode())
                .isEqualTo(201);
        assertThat(call("POST", "/api/v1/projects", admin, "{\"name\":\"audited\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> granted = call("PUT", "/api/v1/projects/audited/members/group%3Aanalysts", admin,
                "{\"role\":\"edit\"}");
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        JsonNode created = json(call("POST", "/api/v1/tokens", admin, "{\"user\":\"alice\",\"name\":\"laptop\"}"));
        String alice = created.get("secret").asText();
        JsonNode scoped = json(call("POST", "/api/v1/tokens", alice,
                "{\"name\":\"read-only\",\"project\":\"audited\",\"role\":\"read\",\"expiresInSeconds\":3600}"));
        String readOnly = scoped.get("secret").asText();

        // The creator is the authenticated user, whatever X-Carrara-User says.
        HttpResponse<String> model = TestHttp.client().send(HttpRequest.newBuilder(
                        server.uri().resolve("/api/v1/projects/audited/models"))
                .header("Authorization", "Bearer " + alice).header("X-Carrara-User", "mallory")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"eta\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(model.statusCode()).as(model.body()).isEqualTo(201);
        assertThat(json(model).get("createdBy").asText()).isEqualTo("alice");

        HttpResponse<String> refused = call("POST", "/api/v1/projects/audited/models", readOnly, "{\"name\":\"eta2\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(json(refused).get("message").asText()).contains("edit role in project 'audited'")
                .contains("the read role with this token");
        JsonNode whoami = json(call("GET", "/api/v1/whoami", readOnly, null));
        assertThat(whoami.get("projects").toString()).isEqualTo("{\"audited\":\"read\"}");
        assertThat(call("POST", "/api/v1/projects/audited/models", null, "{\"name\":\"eta3\"}").statusCode()).isEqualTo(401);

        List<JsonNode> records = new ArrayList<>();
        json(call("GET", "/api/v1/audit?user=alice", admin, null)).get("items").forEach(records::add);
        assertThat(records).extracting(record -> record.get("action").asText() + " " + record.get("outcome").asText()
                        + " " + record.get("status").asInt())
                .containsExactly("POST /api/v1/tokens succeeded 201",
                        "POST /api/v1/projects/audited/models succeeded 201",
                        "POST /api/v1/projects/audited/models refused 403");
        JsonNode refusal = records.get(2);
        assertThat(refusal.get("reason").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(refusal.get("token").asText()).isEqualTo(scoped.get("token").get("id").asText());
        assertThat(refusal.get("project").asText()).isEqualTo("audited");
        assertThat(refusal.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(refusal.get("time").asText()).endsWith("Z");

        List<String> project = new ArrayList<>();
        json(call("GET", "/api/v1/audit?project=audited", admin, null)).get("items")
                .forEach(record -> project.add(record.get("user").asText() + " " + record.get("action").asText()));
        assertThat(project).contains("admin PUT /api/v1/projects/audited/members/group:analysts",
                "alice POST /api/v1/projects/audited/models");
        List<String> anonymous = new ArrayList<>();
        json(call("GET", "/api/v1/audit?user=anonymous", admin, null)).get("items")
                .forEach(record -> anonymous.add(record.get("action").asText() + " " + record.get("reason").asText()));
        assertThat(anonymous).contains("POST /api/v1/projects/audited/models UNAUTHENTICATED");

        // Secrets are shown once: never in lists, the audit trail or errors.
        String everything = call("GET", "/api/v1/tokens?user=*", admin, null).body()
                + call("GET", "/api/v1/audit", admin, null).body()
                + call("GET", "/api/v1/whoami", alice + "x", null).body();
        assertThat(everything).doesNotContain(alice).doesNotContain(readOnly).doesNotContain(admin);
    }

    @Test
    void aRevokedTokenOrDisabledUserIsRefusedWithinTheCacheTime() throws Exception {
        AccessStore store = server.accessStore();
        store.createUser("bob", false, List.of(), "tests");
        CreatedToken bob = store.createToken("bob", null, Duration.ofDays(1), null, null);
        assertThat(call("GET", "/api/v1/whoami", bob.secret(), null).statusCode()).isEqualTo(200);
        // Revoked behind the server's back, as another server sharing the database would: seen within auth.cacheSeconds.
        store.revokeToken(bob.token().id());
        assertThat(refusedWithin(bob.secret(), Duration.ofSeconds(3))).isTrue();

        CreatedToken second = store.createToken("bob", null, Duration.ofDays(1), null, null);
        assertThat(call("GET", "/api/v1/whoami", second.secret(), null).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/users/bob/disable", admin, null).statusCode()).isEqualTo(200);
        HttpResponse<String> disabled = call("GET", "/api/v1/whoami", second.secret(), null);
        assertThat(disabled.statusCode()).isEqualTo(401);
        assertThat(json(disabled).get("message").asText()).contains("user 'bob' is disabled");
        assertThat(disabled.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"carrara\"");
    }

    /**
     * After an undeploy the guard must read the database (the deployment's project is no longer cached) before the
     * prediction service answers 404; a service called off the event loop once lost such requests now and then, so
     * this goes round many times, each call bounded.
     */
    @Test
    void aPredictionForADeploymentThatIsGoneIsNotFound() throws Exception {
        String rows = "{\"rows\":[" + JSON.writeValueAsString(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0)) + "]}";
        for (int round = 0; round < 25; round++) {
            String name = "gone-" + round;
            assertThat(call("POST", "/api/v1/deployments", admin, "{\"name\":\"" + name + "\",\"instance\":\"" + instance
                    + "\"}").statusCode()).isEqualTo(201);
            assertThat(call("POST", "/api/v1/deployments/" + name + "/predict", tokens.get("use"), rows).statusCode())
                    .isEqualTo(200);
            assertThat(call("DELETE", "/api/v1/deployments/" + name, admin, null).statusCode()).isEqualTo(200);
            HttpResponse<String> gone = call("POST", "/api/v1/deployments/" + name + "/predict", tokens.get("use"), rows);
            assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
        }
    }

    @Test
    void aDeploymentOpenToAnonymousPredictionsTakesThemWithoutAToken() throws Exception {
        String body = "{\"name\":\"public\",\"instance\":\"" + instance + "\"}";
        assertThat(call("POST", "/api/v1/deployments", admin, body).statusCode()).isEqualTo(201);
        String rows = "{\"rows\":[" + JSON.writeValueAsString(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0)) + "]}";
        assertThat(call("POST", "/api/v1/deployments/public/predict", null, rows).statusCode()).isEqualTo(401);
        assertThat(json(call("GET", "/api/v1/deployments/public/access", tokens.get("read"), null))
                .get("anonymousPredictions").asBoolean()).isFalse();

        HttpResponse<String> refused = call("PUT", "/api/v1/deployments/public/access", tokens.get("edit"),
                "{\"anonymousPredictions\":true}");
        assertThat(refused.statusCode()).as("opening a deployment needs the manage role").isEqualTo(403);
        HttpResponse<String> opened = call("PUT", "/api/v1/deployments/public/access", tokens.get("manage"),
                "{\"anonymousPredictions\":true}");
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        assertThat(json(opened).get("changedBy").asText()).isEqualTo("u-manage");

        assertThat(call("POST", "/api/v1/deployments/public/predict", null, rows).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v2/models/public/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/inference.GRPCInferenceService/ModelReady", null, "public")).isNotIn(401, 403);
        // Only predictions: the rest of the deployment and of its project still need a token.
        assertThat(call("GET", "/api/v1/deployments/public", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/deployments/public/predictions", null, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/deployments/d1/predict", null, rows).statusCode()).isEqualTo(401);

        assertThat(call("PUT", "/api/v1/deployments/public/access", tokens.get("manage"),
                "{\"anonymousPredictions\":false}").statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/deployments/public/predict", null, rows).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/inference.GRPCInferenceService/ModelReady", null, "public")).isEqualTo(401);

        // Opened again, undeployed, deployed again: closed. A name not deployed cannot be opened in advance.
        assertThat(call("PUT", "/api/v1/deployments/public/access", admin, "{\"anonymousPredictions\":true}").statusCode())
                .isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/deployments/public", admin, null).statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/api/v1/deployments/public/access", tokens.get("read"), "{\"anonymousPredictions\":true}")
                .statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/v1/deployments", admin, body).statusCode()).isEqualTo(201);
        assertThat(call("POST", "/api/v1/deployments/public/predict", null, rows).statusCode()).isEqualTo(401);
    }

    @Test
    void listsLeaveOutWhatTheCallerMayNotRead() throws Exception {
        AccessStore store = server.accessStore();
        store.createUser("carol", false, List.of(), "tests");
        store.grant("p2", "carol", Role.READ, "tests");
        String carol = store.createToken("carol", null, Duration.ofDays(1), null, null).secret();
        String reader = tokens.get("read");

        assertThat(names(call("GET", "/api/v1/projects", carol, null), "items", "name")).containsExactly("p2");
        assertThat(names(call("GET", "/api/v1/projects", reader, null), "items", "name")).containsExactly("p1");
        assertThat(names(call("GET", "/api/v1/deployments", carol, null), "items", "name")).isEmpty();
        assertThat(names(call("GET", "/api/v1/deployments", reader, null), "items", "name")).contains("d1");
        assertThat(json(call("GET", "/v2/models", carol, null)).get("models").toString()).doesNotContain("d1");
        assertThat(json(call("GET", "/v2/models", reader, null)).get("models").toString()).contains("d1");
        assertThat(names(call("GET", "/api/v1/search?q=", carol, null), "items", "id")).isEmpty();
        assertThat(names(call("GET", "/api/v1/search?q=", reader, null), "items", "id")).contains(instance.toString());
        assertThat(names(call("GET", "/api/v1/events?limit=1000", carol, null), "items", "project")).allMatch("p2"::equals);
        assertThat(names(call("GET", "/api/v1/events?limit=1000", reader, null), "items", "project")).contains("p1");
    }

    @Test
    void aPredictionLogTableNeedsARoleInItsDatabasesProjectToo() throws Exception {
        // use on d1's project p1 reads its log, but writing a table of p2 needs edit there; computing needs edit on p1.
        String user = tokens.get("use");
        HttpResponse<String> export = call("POST", "/api/v1/deployments/d1/monitoring/export", user,
                "{\"table\": \"p2.log\", \"from\": \"2026-12-01\"}");
        assertThat(export.statusCode()).as(export.body()).isEqualTo(403);
        assertThat(export.body()).contains("p2");
        HttpResponse<String> compute = call("POST", "/api/v1/deployments/d1/monitoring/compute", user,
                "{\"table\": \"p1.log\", \"from\": \"2026-12-01\"}");
        assertThat(compute.statusCode()).as(compute.body()).isEqualTo(403);
        HttpResponse<String> badDate = call("POST", "/api/v1/deployments/d1/monitoring/export", tokens.get("edit"),
                "{\"table\": \"p1.log\", \"from\": \"yesterday\"}");
        assertThat(badDate.statusCode()).as(badDate.body()).isEqualTo(400);
        assertThat(json(badDate).get("field").asText()).isEqualTo("from");
    }

    private static List<String> names(HttpResponse<String> response, String list, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        json(response).get(list).forEach(item -> names.add(item.path(field).asText()));
        return names;
    }

    private boolean refusedWithin(String token, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (call("GET", "/api/v1/whoami", token, null).statusCode() == 401) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void anAddressThatFailsTooOftenIsRefusedForTheRestOfTheMinute() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-07T10:00:05Z"), ZoneOffset.UTC);
        Authenticator authenticator = new Authenticator(server.accessStore(), Duration.ofSeconds(5), 3, clock);
        String good = "Bearer " + admin;
        for (int i = 0; i < 3; i++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> authenticator.authenticate("Bearer carrara_guess", "10.0.0.9", true))
                    .hasMessageContaining("not known to this server");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> authenticator.authenticate(good, "10.0.0.9", true))
                .isInstanceOfSatisfying(io.carrara.spi.error.CarraraException.class, e -> assertThat(e.errorCode().name())
                        .isEqualTo("TOO_MANY_FAILED_AUTHENTICATIONS"))
                .hasMessageContaining("try again in 55 s");
        assertThat(authenticator.authenticate(good, "10.0.0.10", true)).get()
                .extracting(Principal::user).isEqualTo("admin");
    }

    private enum Expected { UNAUTHENTICATED, DENIED, ALLOWED }

    /**
     * Roles requirements that also ask for a role on the deployment of the path (the walk's bodies name no table): as a
     * project requirement of that role on the walk's deployment.
     */
    private static final Map<String, String> ROLES_OF_THE_PATH = Map.of(
            "POST /api/v1/deployments/:name/monitoring/export", "project use",
            "POST /api/v1/deployments/:name/monitoring/compute", "project edit");

    private static Expected expected(String requirement, String caller) {
        if (requirement.equals("open") || requirement.equals("health")) {
            return Expected.ALLOWED;
        }
        if (caller.equals("none") || caller.equals("expired") || caller.equals("revoked")) {
            return Expected.UNAUTHENTICATED;
        }
        if (caller.equals("admin")) {
            return Expected.ALLOWED;
        }
        // A roles requirement asks for roles in the projects a request's body names; the walk's bodies name none.
        if (requirement.equals("user") || requirement.equals("metrics") || requirement.equals("roles")) {
            return Expected.ALLOWED;
        }
        if (requirement.equals("admin") || requirement.equals("self")) {
            return Expected.DENIED;    // self routes are called about another user
        }
        if (requirement.startsWith("project ")) {
            if (caller.equals("scoped-to-p2")) {
                return Expected.DENIED;
            }
            Role required = Role.fromWireName(requirement.substring("project ".length()));
            return Role.fromWireName(caller).includes(required) ? Expected.ALLOWED : Expected.DENIED;
        }
        throw new AssertionError("unknown requirement " + requirement);
    }

    /** The method a route that takes any method is called with; null for routes of one method. */
    private static String mainMethod(String pattern) {
        if (pattern.startsWith("/inference.")) {
            return "POST";
        }
        if (pattern.equals("/metrics") || pattern.equals("/v2/*")) {
            return "GET";
        }
        return null;
    }

    /** Calls a route with its parameters filled in; a gRPC refusal's status is mapped to HTTP's. */
    private int send(String method, String pattern, String token) throws Exception {
        return send(method, pattern, token, "d1");
    }

    private int send(String method, String pattern, String token, String grpcModel) throws Exception {
        String path = fill(pattern);
        if (pattern.startsWith("/inference.")) {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
                    .header("Content-Type", "application/grpc").header("TE", "trailers")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(grpcFrame(grpcModel)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String grpcStatus = response.headers().firstValue("grpc-status").orElse("0");
            return switch (grpcStatus) {
                case "16" -> 401;
                case "7" -> 403;
                case "13" -> 500;
                default -> response.statusCode();
            };
        }
        String body = switch (method + " " + pattern) {
            case "POST /api/v1/deployments" -> "{\"name\":\"d1\",\"instance\":\"" + instance + "\"}";
            case "POST /api/v1/tokens" -> "{\"user\":\"victim\"}";
            case "PUT /api/v1/projects/:project/members/:principal" -> "{\"role\":\"read\"}";
            case "PUT /api/v1/deployments/:name/access" -> "{\"anonymousPredictions\":false}";
            default -> method.equals("POST") || method.equals("PUT") ? "{}" : null;
        };
        if (pattern.equals("/api/v1/tokens") && method.equals("GET")) {
            path += "?user=victim";
        }
        return call(method, path, token, body).statusCode();
    }

    private String fill(String pattern) {
        Matcher matcher = PARAMETER.matcher(pattern);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String before = pattern.substring(0, matcher.start());
            String value = switch (matcher.group(1)) {
                case "project", "upstreamProject" -> "p1";
                case "model", "upstreamModel" -> "m";
                case "name" -> before.endsWith("/users/") ? "victim" : before.endsWith("/workflows/") ? "wf" : "d1";
                case "id" -> before.endsWith("/instances/") ? instance.toString()
                        : before.endsWith("/tokens/") ? victimToken.toString()
                        : before.endsWith("/batch/jobs/") ? batchJob : UUID.randomUUID().toString();
                case "principal" -> "victim";
                case "deployment" -> "d1";
                case "group" -> "g";
                case "key" -> "k";
                case "table" -> "p1.t";
                case "version" -> "1";
                default -> throw new AssertionError("no value for parameter " + matcher.group(1) + " of " + pattern);
            };
            matcher.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(path);
        return path.toString().replace("/*", "/nothing");
    }

    /** A gRPC frame of a request message whose field 1 (model name) is {@code model}. */
    static byte[] grpcFrame(String model) {
        byte[] name = model.getBytes(UTF_8);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(0x0a);
        message.write(name.length);
        message.writeBytes(name);
        byte[] bytes = message.toByteArray();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0);
        frame.writeBytes(new byte[] {0, 0, 0, (byte) bytes.length});
        frame.writeBytes(bytes);
        return frame.toByteArray();
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void expire(UUID token) throws Exception {
        var database = server.config().database();
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                PreparedStatement update = connection.prepareStatement("UPDATE api_tokens SET expires_at = ? WHERE token_id = ?")) {
            update.setObject(1, LocalDateTime.ofEpochSecond(1_700_000_000L, 0, ZoneOffset.UTC));
            update.setString(2, token.toString());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    /** Targets for reading the table's keys only. */
    private static final class NoTargets implements AccessPolicy.Targets {
        private static final AccessPolicy.Target NONE = (facts, mayBlock) -> Set.of();

        public AccessPolicy.Target projectParameter(String parameter) { return NONE; }
        public AccessPolicy.Target instanceParameter(String parameter) { return NONE; }
        public AccessPolicy.Target deploymentParameter(String parameter) { return NONE; }
        public AccessPolicy.Target deploymentInBody() { return NONE; }
        public AccessPolicy.Target deploymentInGrpcMessage() { return NONE; }
        public AccessPolicy.Target userParameter(String parameter) { return NONE; }
        public AccessPolicy.Target userInBody(String field) { return NONE; }
        public AccessPolicy.Target userInQuery(String parameter) { return NONE; }
        public AccessPolicy.AnonymousCheck anonymousDeployment(String parameter) { return (facts, mayBlock) -> false; }
        public AccessPolicy.AnonymousCheck anonymousGrpcDeployment() { return (facts, mayBlock) -> false; }
        public AccessPolicy.Target tableParameter(String parameter) { return NONE; }
        public AccessPolicy.RolesTarget batchJobBody() { return (facts, mayBlock) -> Map.of(); }
        public AccessPolicy.RolesTarget deploymentAndTableBody(String parameter, Role deploymentRole, Role tableRole) {
            return (facts, mayBlock) -> Map.of();
        }
        public AccessPolicy.Target batchJobParameter(String parameter) { return NONE; }
        public AccessPolicy.RolesTarget workflowYamlBody() { return (facts, mayBlock) -> Map.of(); }
        public AccessPolicy.RolesTarget workflowRunBody() { return (facts, mayBlock) -> Map.of(); }
        public AccessPolicy.RolesTarget registeredWorkflow(String parameter, boolean reading) { return (f, m) -> Map.of(); }
        public AccessPolicy.RolesTarget workflowRun(String parameter, boolean reading) { return (f, m) -> Map.of(); }
        public AccessPolicy.Target tokenOwner(String parameter) { return NONE; }
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
