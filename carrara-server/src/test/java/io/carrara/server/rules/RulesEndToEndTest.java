package io.carrara.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.registry.deploy.Deployment;
import io.carrara.registry.deploy.Routing;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewMetric;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.TestModels;
import io.carrara.server.config.ServerSettings;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules end to end on two servers sharing one H2 database: a rules repository in Git synced (a rule whose tests fail is
 * not activated, and a failing new version keeps the previous one), a metric recorded through the registry promotes a
 * better instance by deploying it, once although both servers evaluate events, recorded as made by the rule; a dry
 * run changes nothing; a webhook to a loopback address is refused by the outbound policy; the API refuses a local path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)   // later tests add rules to the repository the first one lists
class RulesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = TestHttp.client();
    private static final ModelRef ETA = new ModelRef("maps", "eta");

    static final String PROMOTE = """
            name: eta-promote
            description: serve a new ETA instance when its validation MAE beats the served one by 2 %
            given: event.type == 'metric.recorded' && instance.model == 'maps/eta' && metric.scope == 'validation'
            when: metric('validation', 'mae') <= served('eta').metric('validation', 'mae') * 0.98 && meta.trainingRows >= 1000000
            then:
              - deploy: {deployment: eta, instance: "${instance.id}"}
              - alert: {message: "ETA ${instance.id} promoted", severity: info}
            tests:
              - name: better instance is promoted
                instances:
                  - {id: served, model: maps/eta, meta: {trainingRows: 2000000}, metrics: {validation: {mae: 5.0}}}
                  - {id: candidate, model: maps/eta, meta: {trainingRows: 1500000}}
                served: {eta: served}
                event: {type: metric.recorded, instance: candidate, metric: {scope: validation, name: mae, value: 4.5}}
                expect: {fires: true, actions: [deploy, alert]}
              - name: a 1 % gain is not enough
                instances:
                  - {id: served, model: maps/eta, meta: {trainingRows: 2000000}, metrics: {validation: {mae: 5.0}}}
                  - {id: candidate, model: maps/eta, meta: {trainingRows: 1500000}}
                served: {eta: served}
                event: {type: metric.recorded, instance: candidate, metric: {scope: validation, name: mae, value: 4.95}}
                expect: {fires: false}
            """;

    static final String WEBHOOK = """
            name: eta-notify
            given: event.type == 'instance.deprecated' && instance.model == 'maps/eta'
            then:
              - webhook: {url: "http://127.0.0.1:9/hook"}
            tests:
              - name: a deprecated instance is announced
                instances: [{id: a, model: maps/eta}]
                event: {type: instance.deprecated, instance: a}
                expect: {fires: true, actions: [webhook]}
            """;

    static final String BROKEN_TEST = """
            name: eta-wrong
            given: event.type == 'metric.recorded'
            then:
              - alert: {message: "metric"}
            tests:
              - name: expects the opposite of what the rule does
                instances: [{id: a, model: maps/eta}]
                event: {type: metric.recorded, instance: a, metric: {scope: validation, name: mae, value: 1.0}}
                expect: {fires: false}
            """;

    static final String CHAMPION = """
            name: surge-champion
            description: the surge deployment serves the best non-deprecated instance by validation AUC
            select: model = 'surge' AND NOT deprecated AND metric.validation.auc >= 0.7
            order: metric.validation.auc DESC, created_at DESC
            tests:
              - name: best auc wins
                instances:
                  - {id: old, model: maps/surge, metrics: {validation: {auc: 0.81}}}
                  - {id: best, model: maps/surge, metrics: {validation: {auc: 0.93}}}
                  - {id: retired, model: maps/surge, deprecated: true, metrics: {validation: {auc: 0.99}}}
                expect: {selects: best}
            """;

    private Path homes;
    private CarraraServer a;
    private CarraraServer b;
    private Path repository;
    private Git git;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        homes = temp;
        Path first = homes.resolve("a");
        Map<String, String> shared = Map.of("port", "0", "serving.syncSeconds", "1", "rules.pollMillis", "50",
                "database.url", "jdbc:h2:file:" + first.toAbsolutePath().resolve("registry") + ";AUTO_SERVER=TRUE",
                "database.user", "sa", "blobs.path", first.resolve("blobs").toString());
        a = CarraraServer.start(ServerConfig.from(ServerSettings.load(first, Map.of(), shared)).withAuth(ServerConfig.Auth.OFF));
        b = CarraraServer.start(ServerConfig.from(ServerSettings.load(homes.resolve("b"), Map.of(), shared))
                .withAuth(ServerConfig.Auth.OFF));
        repository = Files.createDirectories(homes.resolve("rules-repo"));
        git = Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call();
    }

    @AfterAll
    void stop() {
        if (git != null) {
            git.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private String commit(Map<String, String> files, String message) throws Exception {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(repository.resolve(file.getKey()), file.getValue());
        }
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor("test", "test@example.com").setCommitter("test", "test@example.com")
                .call().getName();
    }

    private Instance upload(Map<String, String> metadata, double validationMae) {
        return upload(ETA, metadata, "mae", validationMae);
    }

    private Instance upload(ModelRef model, Map<String, String> metadata, String metric, double value) {
        Instance instance = TestModels.uploadPipeline(a.registry(), model, GoldenModels.model(GoldenModels.TRIPS_LR), metadata);
        a.registry().addMetric(instance.id(), new NewMetric(metric, "validation", value, null, null), "alice");
        return instance;
    }

    @Test
    @Order(1)
    void aRuleSyncedFromGitPromotesABetterInstanceOnceOnTwoServers() throws Exception {
        Instance served = upload(Map.of("trainingRows", "2000000"), 5.0);
        HttpResponse<String> deployed = post(a, "/api/v1/deployments", "{\"name\":\"eta\",\"instance\":\"" + served.id() + "\"}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

        String first = commit(Map.of("promote.yaml", PROMOTE, "wrong.yaml", BROKEN_TEST, "notify.yaml", WEBHOOK), "rules");
        RuleSyncInfo sync = a.rules().sync().sync(repository.toString(), null, "alice");
        assertThat(sync.outcome()).isEqualTo("succeeded");
        assertThat(sync.commit()).isEqualTo(first);
        assertThat(sync.activated()).containsExactly("eta-notify", "eta-promote");
        assertThat(sync.kept()).containsExactly("eta-wrong");
        assertThat(sync.problems()).anySatisfy(problem -> assertThat(problem).contains("eta-wrong")
                .contains("expects the opposite of what the rule does"));

        JsonNode rules = json(get(a, "/api/v1/rules")).get("items");
        assertThat(rules).extracting(rule -> rule.get("name").asText() + "=" + rule.get("active").asBoolean())
                .containsExactly("eta-notify=true", "eta-promote=true", "eta-wrong=false");
        JsonNode wrong = json(get(a, "/api/v1/rules/eta-wrong"));
        assertThat(wrong.get("testsFailed").asInt()).isEqualTo(1);
        assertThat(wrong.get("testReport").asText()).contains("FAIL expects the opposite");
        assertThat(wrong.get("source").asText()).isEqualTo(BROKEN_TEST);

        // A candidate with too small a gain changes nothing; a better one is deployed by the rule.
        Instance close = upload(Map.of("trainingRows", "1500000"), 4.95);
        Instance better = upload(Map.of("trainingRows", "1500000"), 4.5);
        await(() -> pinned(a.deployments().get("eta")).equals(better.id()), "the deployment serves the better instance");
        Deployment now = a.deployments().get("eta");
        assertThat(now.updatedBy()).isEqualTo("rule:eta-promote@" + first.substring(0, 12));
        assertThat(now.revision()).isEqualTo(2);

        // The evaluation is written once its actions are done, just after the deployment changed.
        await(() -> a.rules().store().evaluations("eta-promote", null, false, 100).stream().anyMatch(RuleEvaluationInfo::fired),
                "the evaluation is recorded");
        List<RuleEvaluationInfo> evaluations = a.rules().store().evaluations("eta-promote", null, false, 100);
        RuleEvaluationInfo fired = evaluations.stream().filter(RuleEvaluationInfo::fired).findFirst().orElseThrow();
        assertThat(fired.instance()).isEqualTo(better.id());
        assertThat(fired.commit()).isEqualTo(first);
        assertThat(fired.actions()).extracting(action -> action.kind() + ":" + action.outcome()).containsExactly("deploy:done",
                "alert:done");
        assertThat(evaluations).filteredOn(e -> close.id().equals(e.instance())).allSatisfy(e -> assertThat(e.fired()).isFalse());
        // Both servers evaluate events; each event is evaluated once: one fired evaluation, one deployment revision.
        Thread.sleep(500);
        assertThat(a.rules().store().evaluations("eta-promote", better.id(), false, 100)).hasSize(1);
        assertThat(a.deployments().history("eta")).hasSize(2);
        await(() -> pinned(b.deployments().get("eta")).equals(better.id()), "the other server follows");

        // The API answers the same evaluations; a dry run shows what would happen and changes nothing.
        JsonNode listed = json(get(a, "/api/v1/rules/evaluations?rule=eta-promote&instance=" + better.id())).get("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("actions").get(0).get("arguments").get("deployment").asText()).isEqualTo("eta");
        HttpResponse<String> dry = post(a, "/api/v1/rules/eta-promote/evaluate",
                "{\"instance\":\"" + close.id() + "\",\"event\":\"metric.recorded\"}");
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        assertThat(json(dry).get("dryRun").asBoolean()).isTrue();
        assertThat(a.deployments().history("eta")).hasSize(2);

        // A webhook to a loopback address is refused by the outbound policy, and recorded as such.
        a.registry().deprecate(close.id(), "superseded", "alice");
        await(() -> !a.rules().store().evaluations("eta-notify", close.id(), false, 10).isEmpty(), "the webhook rule ran");
        RuleEvaluationInfo notify = a.rules().store().evaluations("eta-notify", close.id(), false, 10).get(0);
        assertThat(notify.actions().get(0).outcome()).isEqualTo("failed");
        assertThat(notify.actions().get(0).detail()).contains("loopback");

        // A new version whose test fails leaves the previous version active.
        String second = commit(Map.of("promote.yaml", PROMOTE.replace("0.98", "0.5")), "a worse promote rule");
        RuleSyncInfo again = a.rules().sync().sync(repository.toString(), "main", "alice");
        assertThat(again.commit()).isEqualTo(second);
        assertThat(again.kept()).contains("eta-promote");
        RuleInfo active = a.rules().store().activeRules().stream().filter(rule -> rule.name().equals("eta-promote")).findFirst()
                .orElseThrow();
        assertThat(active.commit()).isEqualTo(first);
        assertThat(json(get(a, "/api/v1/rules/eta-promote/versions")).get("items")).hasSize(2);

        // A deployment follows a selection rule: made serving the best instance, re-selected as instances come and go.
        ModelRef surge = new ModelRef("maps", "surge");
        Instance s1 = upload(surge, Map.of(), "auc", 0.8);
        commit(Map.of("champion.yaml", CHAMPION), "a selection rule");
        assertThat(a.rules().sync().sync(repository.toString(), "main", "alice").activated()).contains("surge-champion");
        HttpResponse<String> followed = post(a, "/api/v1/rules/surge-champion/followers", "{\"deployment\":\"surge\"}");
        assertThat(followed.statusCode()).as(followed.body()).isEqualTo(200);
        assertThat(json(followed).get("instance").asText()).isEqualTo(s1.id().toString());
        assertThat(pinned(a.deployments().get("surge"))).isEqualTo(s1.id());

        Instance s2 = upload(surge, Map.of(), "auc", 0.9);
        await(() -> s2.id().equals(pinned(a.deployments().get("surge"))), "the followed deployment serves the better instance");
        assertThat(a.deployments().get("surge").updatedBy()).startsWith("rule:surge-champion@");
        a.registry().deprecate(s2.id(), "bad data", "alice");
        await(() -> s1.id().equals(pinned(a.deployments().get("surge"))), "a deprecated champion is replaced");
        assertThat(json(get(a, "/api/v1/rules/followers")).get("items")).extracting(item -> item.get("deployment").asText())
                .containsExactly("surge");
        HttpResponse<String> notSelection = post(a, "/api/v1/rules/eta-promote/followers", "{\"deployment\":\"other\"}");
        assertThat(notSelection.statusCode()).as(notSelection.body()).isEqualTo(404);
        assertThat(json(notSelection).get("field").asText()).isEqualTo("rule");

        HttpResponse<String> undeployed = HTTP.send(HttpRequest.newBuilder(URI.create(a.uri() + "/api/v1/deployments/surge"))
                .header("X-Carrara-User", "alice").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(undeployed.statusCode()).as(undeployed.body()).isEqualTo(200);
        assertThat(json(get(a, "/api/v1/rules/followers")).get("items")).isEmpty();
    }

    @Test
    @Order(2)
    void theApiSyncsOnlyHttpsRepositoriesAndNamesTheField() throws Exception {
        HttpResponse<String> local = post(a, "/api/v1/rules/sync", "{\"repository\":\"" + repository + "\"}");
        assertThat(local.statusCode()).as(local.body()).isEqualTo(400);
        assertThat(json(local).get("field").asText()).isEqualTo("repository");
        assertThat(json(local).get("message").asText()).contains("https");

        HttpResponse<String> internal = post(a, "/api/v1/rules/sync", "{\"repository\":\"https://127.0.0.1/rules.git\"}");
        assertThat(internal.statusCode()).as(internal.body()).isEqualTo(400);
        assertThat(json(internal).get("field").asText()).isEqualTo("repository");

        HttpResponse<String> branch = post(a, "/api/v1/rules/sync",
                "{\"repository\":\"https://git.example.com/r.git\",\"branch\":\"../../etc\"}");
        assertThat(branch.statusCode()).as(branch.body()).isEqualTo(400);
        assertThat(json(branch).get("field").asText()).isEqualTo("branch");

        assertThat(get(a, "/api/v1/rules/no-such-rule").statusCode()).isEqualTo(404);

        // Hostile bodies on the other endpoints: each refused with the field, never a stack trace or a class name.
        for (String[] bad : new String[][] {
                {"/api/v1/rules/eta-promote/evaluate", "{\"instance\": \"../../etc/passwd\"}", "instance"},
                {"/api/v1/rules/eta-promote/evaluate", "{\"instance\": 42}", "instance"},
                {"/api/v1/rules/eta-promote/evaluate", "{\"instance\": \"" + UUID.randomUUID() + "\", \"event\": \"'; DROP TABLE events\"}",
                    "event"},
                {"/api/v1/rules/some-rule/followers", "{\"deployment\": \"../../etc\"}", "deployment"},
                {"/api/v1/rules/some-rule/followers", "{}", "deployment"},
                {"/api/v1/rules/some-rule/followers", "{\"deployment\": \"" + "x".repeat(5000) + "\"}", "deployment"},
                {"/api/v1/rules/sync", "{\"repository\": \"file:///etc\"}", "repository"},
                {"/api/v1/rules/sync", "{\"repository\": \"https://user:secret@git.example.com/r.git\"}", "repository"}}) {
            HttpResponse<String> refused = post(a, bad[0], bad[1]);
            assertThat(refused.statusCode()).as(bad[0] + " " + bad[1]).isBetween(400, 499);
            assertThat(json(refused).get("field").asText()).as(refused.body()).isEqualTo(bad[2]);
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("secret@");
        }
        assertThatThrownBy(() -> a.rules().engine().dryRun("no-such-rule", UUID.randomUUID(), "instance.created", "maps", "eta"))
                .isInstanceOf(CarraraException.class).hasMessageContaining("no active action rule");
    }

    /** A selection rule choosing the best non-deprecated rides instance with {@code condition} on its metadata. */
    private static String ridesChampion(String name, String condition, String fixtureMeta) {
        return """
                name: %s
                select: model = 'rides' AND NOT deprecated AND %s
                order: metric.validation.auc DESC, created_at DESC
                tests:
                  - name: the best wins
                    instances:
                      - {id: worse, model: maps/rides, meta: %s, metrics: {validation: {auc: 0.7}}}
                      - {id: best, model: maps/rides, meta: %s, metrics: {validation: {auc: 0.9}}}
                    expect: {selects: best}
                """.formatted(name, condition, fixtureMeta, fixtureMeta);
    }

    @Test
    @Order(3)
    void aPartitionedDeploymentFollowsOneRulePerCityAndOneForTheRest() throws Exception {
        commit(Map.of("rides-nyc.yaml", ridesChampion("rides-nyc", "meta.city = 'nyc'", "{city: nyc}"),
                "rides-sf.yaml", ridesChampion("rides-sf", "meta.city = 'sf'", "{city: sf}"),
                "rides-any.yaml", ridesChampion("rides-any", "meta.city IS NULL", "{}")), "per-city champions");
        assertThat(a.rules().sync().sync(repository.toString(), "main", "alice").activated())
                .contains("rides-nyc", "rides-sf", "rides-any");
        ModelRef rides = new ModelRef("maps", "rides");
        Instance general = upload(rides, Map.of(), "auc", 0.7);
        Instance nyc1 = upload(rides, Map.of("city", "nyc"), "auc", 0.8);

        // Hostile or wrong bodies are refused naming the field, and change nothing.
        for (String[] bad : new String[][] {
                {"{\"rules\": {\"nyc\": \"rides-nyc\"}, \"default\": \"rides-any\"}", "partitionBy", "400"},
                {"{\"partitionBy\": \"city\", \"default\": \"rides-any\"}", "rules", "400"},
                {"{\"partitionBy\": \"city\", \"rules\": {\"nyc\": \"rides-nyc\"}}", "default", "400"},
                {"{\"partitionBy\": \"city\", \"rules\": {\"nyc\": \"../../etc\"}, \"default\": \"rides-any\"}", "rules.nyc", "400"},
                {"{\"partitionBy\": \"city\", \"rules\": {\"\": \"rides-nyc\"}, \"default\": \"rides-any\"}", "rules", "400"},
                {"{\"partitionBy\": \"city\", \"rules\": {\"nyc\": \"rides-nyc\"}, \"default\": \"no-such-rule\"}", "default", "404"},
                {"{\"partitionBy\": \"city\", \"rules\": {\"nyc\": \"eta-promote\"}, \"default\": \"rides-any\"}", "rules.nyc", "404"}}) {
            HttpResponse<String> refused = put(a, "/api/v1/rules/followers/rides", bad[0]);
            assertThat(refused.statusCode()).as(bad[0] + ": " + refused.body()).isEqualTo(Integer.parseInt(bad[2]));
            assertThat(json(refused).get("field").asText()).as(refused.body()).isEqualTo(bad[1]);
        }
        assertThatThrownBy(() -> a.deployments().get("rides")).isInstanceOf(CarraraException.class);

        // Following: made now with what each rule selects; sf has no instance of its own yet and is served the default.
        HttpResponse<String> followed = put(a, "/api/v1/rules/followers/rides",
                "{\"partitionBy\": \"city\", \"rules\": {\"nyc\": \"rides-nyc\", \"sf\": \"rides-sf\"}, \"default\": \"rides-any\"}");
        assertThat(followed.statusCode()).as(followed.body()).isEqualTo(200);
        assertThat(json(followed).get("items")).extracting(row -> row.path("partition").asText("(default)") + "=" + row.get("rule").asText()
                + ":" + row.get("instance").asText()).containsExactly("(default)=rides-any:" + general.id(),
                "nyc=rides-nyc:" + nyc1.id(), "sf=rides-sf:" + general.id());
        assertThat(a.deployments().get("rides").routing()).isEqualTo(new Routing.Partitioned("city", Map.of("nyc", nyc1.id()), general.id()));

        // Each city's champion changes on its own, recorded as made by its rule.
        Instance sf1 = upload(rides, Map.of("city", "sf"), "auc", 0.75);
        await(() -> a.deployments().get("rides").routing()
                .equals(new Routing.Partitioned("city", Map.of("nyc", nyc1.id(), "sf", sf1.id()), general.id())), "sf gets its champion");
        assertThat(a.deployments().get("rides").updatedBy()).startsWith("rule:rides-sf@");
        Instance nyc2 = upload(rides, Map.of("city", "nyc"), "auc", 0.9);
        await(() -> a.deployments().get("rides").routing()
                .equals(new Routing.Partitioned("city", Map.of("nyc", nyc2.id(), "sf", sf1.id()), general.id())), "nyc's better champion");
        assertThat(a.deployments().get("rides").updatedBy()).startsWith("rule:rides-nyc@");
        await(() -> a.rules().store().evaluations("rides-nyc", nyc2.id(), false, 10).stream().anyMatch(RuleEvaluationInfo::fired),
                "the nyc rule's evaluation is recorded");
        RuleEvaluationInfo nycChange = a.rules().store().evaluations("rides-nyc", nyc2.id(), false, 10).get(0);
        assertThat(nycChange.actions()).singleElement().satisfies(action -> {
            assertThat(action.outcome()).isEqualTo("done");
            assertThat(action.arguments()).containsEntry("deployment", "rides").containsEntry("partitions", List.of("nyc"))
                    .containsEntry("instance", nyc2.id().toString());
        });
        Instance general2 = upload(rides, Map.of(), "auc", 0.95);
        await(() -> a.deployments().get("rides").routing()
                .equals(new Routing.Partitioned("city", Map.of("nyc", nyc2.id(), "sf", sf1.id()), general2.id())), "a better default");
        a.registry().deprecate(nyc2.id(), "bad labels", "alice");
        await(() -> a.deployments().get("rides").routing()
                .equals(new Routing.Partitioned("city", Map.of("nyc", nyc1.id(), "sf", sf1.id()), general2.id())), "nyc falls back");
        assertThat(json(get(a, "/api/v1/rules/followers")).get("items")).filteredOn(row -> row.get("deployment").asText().equals("rides"))
                .extracting(row -> row.get("partitionBy").asText() + ":" + row.path("partition").asText("(default)") + "="
                        + row.get("instance").asText())
                .containsExactly("city:(default)=" + general2.id(), "city:nyc=" + nyc1.id(), "city:sf=" + sf1.id());

        // Unfollowing stops every rule of the deployment; it keeps serving what it serves.
        HttpResponse<String> unfollowed = HTTP.send(HttpRequest.newBuilder(URI.create(a.uri() + "/api/v1/rules/followers/rides"))
                .header("X-Carrara-User", "alice").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unfollowed.statusCode()).as(unfollowed.body()).isEqualTo(200);
        assertThat(json(unfollowed).get("items")).hasSize(3);
        int revision = a.deployments().get("rides").revision();
        Instance nyc3 = upload(rides, Map.of("city", "nyc"), "auc", 0.99);
        Thread.sleep(500);
        assertThat(a.deployments().get("rides").revision()).as("no longer followed").isEqualTo(revision);
        assertThat(nyc3.id()).isNotNull();
    }

    static final String FLAG = """
            name: notes-flag
            given: event.type == 'instance.created' && instance.model == 'maps/notes'
            then:
              - set-meta: {key: reviewed, value: "no"}
            tests:
              - name: a new instance is marked unreviewed
                instances: [{id: a, model: maps/notes}]
                event: {type: instance.created, instance: a}
                expect: {fires: true, actions: [set-meta]}
            """;

    static final String REVIEWED = """
            name: notes-reviewed
            given: event.type == 'annotation.set' && instance.model == 'maps/notes'
            when: annotation.reviewed == 'yes'
            then:
              - alert: {message: "${instance.id} reviewed", severity: info}
            tests:
              - name: a review is announced
                instances: [{id: a, model: maps/notes, annotations: {reviewed: "yes"}}]
                event: {type: annotation.set, instance: a}
                expect: {fires: true, actions: [alert]}
            """;

    @Test
    @Order(4)
    void setMetaAnnotatesAnInstanceAndAnnotationsAreRegistryEvents() throws Exception {
        commit(Map.of("notes-flag.yaml", FLAG, "notes-reviewed.yaml", REVIEWED), "annotation rules");
        assertThat(a.rules().sync().sync(repository.toString(), "main", "alice").activated()).contains("notes-flag", "notes-reviewed");
        Instance note = upload(new ModelRef("maps", "notes"), Map.of(), "auc", 0.5);
        await(() -> a.registry().annotations(note.id()).containsKey("reviewed"), "the rule annotates the new instance");
        var flagged = a.registry().annotations(note.id()).get("reviewed");
        assertThat(flagged.value()).isEqualTo("no");
        assertThat(flagged.setBy()).startsWith("rule:notes-flag@");
        assertThat(a.registry().getInstance(note.id()).metadata()).as("metadata is immutable").isEmpty();

        // People annotate over the API; the change is an event rules act on.
        String path = "/api/v1/instances/" + note.id() + "/annotations";
        HttpResponse<String> set = put(a, path + "/reviewed", "{\"value\": \"yes\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).get("setBy").asText()).isEqualTo("alice");
        await(() -> a.rules().store().evaluations("notes-reviewed", note.id(), false, 10).stream().anyMatch(RuleEvaluationInfo::fired),
                "the review rule fires on the annotation.set event");
        assertThat(json(get(a, path)).get("items")).extracting(item -> item.get("key").asText() + "=" + item.get("value").asText())
                .containsExactly("reviewed=yes");
        HttpResponse<String> removed = HTTP.send(HttpRequest.newBuilder(URI.create(a.uri() + path + "/reviewed"))
                .header("X-Carrara-User", "alice").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(json(removed).get("value").asText()).isEqualTo("yes");
        assertThat(json(get(a, path)).get("items")).isEmpty();

        // Hostile or wrong requests are refused naming the field.
        for (String[] bad : new String[][] {
                {path + "/bad%20key", "{\"value\": \"x\"}", "key", "400"},
                {path + "/k", "{}", "value", "400"},
                {path + "/k", "{\"value\": \"" + "x".repeat(600) + "\"}", "value", "400"},
                {path + "/k", "{\"value\": 5, \"extra\": {\"$ne\": 1}}", "extra", "400"},
                {"/api/v1/instances/" + UUID.randomUUID() + "/annotations/k", "{\"value\": \"x\"}", "id", "404"},
                {"/api/v1/instances/not-a-uuid/annotations/k", "{\"value\": \"x\"}", "id", "400"}}) {
            HttpResponse<String> refused = put(a, bad[0], bad[1]);
            assertThat(refused.statusCode()).as(bad[0] + " " + bad[1] + ": " + refused.body()).isEqualTo(Integer.parseInt(bad[3]));
            assertThat(json(refused).get("field").asText()).as(refused.body()).isEqualTo(bad[2]);
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        HttpResponse<String> absent = HTTP.send(HttpRequest.newBuilder(URI.create(a.uri() + path + "/reviewed"))
                .header("X-Carrara-User", "alice").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(absent.statusCode()).as(absent.body()).isEqualTo(404);
        assertThat(json(absent).get("field").asText()).isEqualTo("key");
    }

    private static UUID pinned(Deployment deployment) {
        return deployment.routing() instanceof Routing.Pinned pinned ? pinned.instance() : null;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> get(CarraraServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice")
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(CarraraServer server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(CarraraServer server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("X-Carrara-User", "alice")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
