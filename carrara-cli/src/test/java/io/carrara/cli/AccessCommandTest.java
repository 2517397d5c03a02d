package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users, tokens, project roles, {@code login} and the audit trail, end to end: the CLI in-process against
 * a real server with its default settings, authentication on. On its first start the server writes
 * {@code <home>/admin-token}, the token of its admin; everything starts from there. The CLI reads no
 * real environment or home directory here: each run gets its own.
 */
class AccessCommandTest {
    private static final Duration REVOCATION_WAIT = Duration.ofSeconds(10);
    private static final String HINT = " — pass --token, set CARRARA_TOKEN or run 'carrara login'";

    @TempDir
    static Path serverHome;

    /** The home directory every run sees: empty, so no credentials come from it unless a test puts them there. */
    @TempDir
    static Path userHome;

    private static CarraraServer server;
    private static String adminToken;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws IOException {
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(serverHome, Map.of(), Map.of("port", "0"))));
        Path adminTokenFile = serverHome.resolve("admin-token");
        assertThat(adminTokenFile).as("the admin token the server writes on its first start").isRegularFile();
        if (adminTokenFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminTokenFile))).isEqualTo("rw-------");
        }
        adminToken = Files.readString(adminTokenFile).strip();
        assertThat(adminToken).isNotEmpty().doesNotContain("\n");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAdminGivesAliceAScopedTokenThatIsCheckedSavedRevokedAndAudited() throws IOException {
        ok(asAdmin("project", "create", "demo"));
        assertThat(ok(asAdmin("user", "create", "alice", "--group", "analysts")).out()).startsWith("created user alice");
        assertThat(ok(asAdmin("user", "list")).out().lines()).anySatisfy(line -> assertThat(line).startsWith("alice "));
        assertThat(ok(asAdmin("project", "grant", "demo", "alice", "EDIT")).out()).isEqualTo("granted edit on demo to alice\n");
        assertThat(ok(asAdmin("project", "members", "demo")).out().lines())
                .anySatisfy(line -> assertThat(line.split(" +")).startsWith("alice", "edit"));

        // Alice may edit demo, but this token only read it.
        CommandResult created = ok(asAdmin("token", "create", "--for-user", "alice", "--name", "laptop", "--expires", "1d",
                "--project", "demo", "--role", "read"));
        String secret = valueAfter(created.out(), "token: ");
        String id = valueAfter(created.out(), "id: ").split(" +")[0];
        assertThat(created.out()).contains("shown only this once").contains("CARRARA_TOKEN").contains("carrara login");
        assertThat(created.err()).isEmpty();

        Map<String, String> me = keyValues(ok(carrara(Map.of(), "whoami", "--token", secret)).out());
        assertThat(me).containsEntry("user", "alice").containsEntry("admin", "no").containsEntry("token_scope", "demo:read");
        assertThat(me.get("token")).startsWith(id);
        assertThat(ok(carrara(Map.of(), "project", "list", "--token", secret)).out().lines())
                .anySatisfy(line -> assertThat(line).startsWith("demo "));

        CommandResult refused = carrara(Map.of(), "model", "create", "demo/eta", "--token", secret);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).as(refused.toString()).startsWith("error: permission denied: ").contains("demo")
                .doesNotContain(secret).doesNotContain("\tat ");

        // carrara login checks the token, then every later command finds it in the credentials file.
        Map<String, String> environment = Map.of("CARRARA_CONFIG_DIR", work.resolve("config").toString());
        CommandResult login = ok(carrara(environment, "login", "--token", secret));
        Path file = work.resolve("config/credentials.json");
        assertThat(login.out()).isEqualTo("logged in to " + server.uri().toString().replaceAll("/$", "") + " as alice"
                + " (token saved in " + file + ")\n");
        assertThat(Files.readString(file)).contains(secret);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(keyValues(ok(carrara(environment, "whoami")).out())).containsEntry("user", "alice");

        assertThat(ok(asAdmin("token", "list", "--user", "alice")).out().lines())
                .anySatisfy(line -> assertThat(line).startsWith(id).contains(" laptop ").contains(" demo:read ").endsWith(" active"));
        assertThat(ok(asAdmin("token", "list", "--all")).out()).contains(id);

        assertThat(ok(asAdmin("token", "revoke", id)).out()).isEqualTo("revoked token " + id + " (laptop) of alice\n");
        // The server may accept a token from its cache for a few seconds after it is revoked.
        CommandResult afterRevoke = poll(() -> carrara(environment, "project", "list"), result -> result.exitCode() != 0);
        assertThat(afterRevoke.exitCode()).as(afterRevoke.toString()).isEqualTo(1);
        assertThat(afterRevoke.err()).as(afterRevoke.toString()).startsWith("error: ").endsWith(HINT + "\n").doesNotContain(secret);
        assertThat(ok(asAdmin("token", "list", "--user", "alice")).out().lines())
                .anySatisfy(line -> assertThat(line).startsWith(id).endsWith(" revoked"));

        CommandResult audit = poll(() -> asAdmin("audit", "--user", "alice", "--limit", "1000"),
                result -> result.exitCode() == 0 && result.out().contains("PERMISSION_DENIED"));
        assertThat(audit.exitCode()).as(audit.toString()).isZero();
        assertThat(audit.out().lines().findFirst().orElseThrow().split(" +"))
                .containsExactly("time", "user", "action", "object", "address", "status", "outcome", "reason");
        assertThat(audit.out().lines()).as(audit.toString())
                .anySatisfy(line -> assertThat(line).contains(" alice ").contains(" 403 ").endsWith("PERMISSION_DENIED"));
        assertThat(audit.out()).doesNotContain(secret);
        assertThat(ok(asAdmin("audit", "--project", "demo", "--since", "1h")).out()).contains("demo");

        assertThat(ok(asAdmin("project", "revoke", "demo", "alice")).out()).isEqualTo("revoked edit on demo from alice\n");
        assertThat(ok(asAdmin("user", "disable", "alice")).out()).isEqualTo("disabled user alice\n");
        assertThat(ok(asAdmin("user", "enable", "alice")).out()).isEqualTo("enabled user alice\n");
    }

    @Test
    void withoutATokenACallIsRefusedWithAHint() {
        CommandResult refused = carrara(Map.of(), "project", "list");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).as(refused.toString()).startsWith("error: ").endsWith(HINT + "\n");
        assertThat(refused.err().lines()).hasSize(1);
    }

    @Test
    void onThisMachineTheEmbeddedServersAdminTokenIsFoundInCarraraHome() {
        Map<String, String> me = keyValues(ok(carrara(Map.of("CARRARA_HOME", serverHome.toString()), "whoami")).out());

        assertThat(me).containsEntry("user", "admin").containsEntry("admin", "yes").containsEntry("authentication", "on");
    }

    @Test
    void carraraTokenInTheEnvironmentIsUsed() {
        Map<String, String> me = keyValues(ok(carrara(Map.of("CARRARA_TOKEN", adminToken), "whoami")).out());

        assertThat(me).containsEntry("user", "admin");
    }

    @Test
    void aRefusedTokenIsReportedAndNotSaved() {
        Map<String, String> environment = Map.of("CARRARA_CONFIG_DIR", work.resolve("config").toString());

        CommandResult login = carrara(environment, "login", "--token", "carrara_not-a-real-token");

        assertThat(login.exitCode()).as(login.toString()).isEqualTo(1);
        assertThat(login.err()).as(login.toString()).startsWith("error: ").contains("refused the token").contains("nothing saved")
                .doesNotContain("carrara_not-a-real-token").doesNotContain("run 'carrara login'");
        assertThat(work.resolve("config/credentials.json")).doesNotExist();
    }

    @Test
    void loginRefusesToOverwriteACorruptCredentialsFile() throws IOException {
        Path file = Files.createDirectories(work.resolve("config")).resolve("credentials.json");
        Files.writeString(file, "{\"servers\": ");

        CommandResult login = carrara(Map.of("CARRARA_CONFIG_DIR", file.getParent().toString()), "login", "--token", adminToken);

        assertThat(login.exitCode()).as(login.toString()).isEqualTo(1);
        assertThat(login.err()).contains(file.toString()).doesNotContain(adminToken);
        assertThat(Files.readString(file)).isEqualTo("{\"servers\": ");
    }

    @Test
    void loginReadsTheTokenFromStdinWithoutAConsole() throws IOException {
        Map<String, String> environment = Map.of("CARRARA_CONFIG_DIR", work.resolve("config").toString());

        CommandResult login = carraraWithStdin(environment, adminToken + "\n", "login");

        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.out()).contains(" as admin ");
        assertThat(Files.readString(work.resolve("config/credentials.json"))).contains(adminToken);
    }

    @Test
    void badTokenOptionsAreUsageErrorsNamingTheOption() {
        CommandResult halfScoped = carrara(Map.of(), "token", "create", "--project", "demo");
        CommandResult tooLong = carrara(Map.of(), "token", "create", "--expires", "400d");
        CommandResult notADuration = carrara(Map.of(), "token", "create", "--expires", "2y");
        CommandResult notARole = carrara(Map.of(), "project", "grant", "demo", "alice", "owner");

        assertThat(halfScoped.exitCode()).isEqualTo(2);
        assertThat(halfScoped.err()).contains("--project").contains("--role");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("--expires").contains("365d");
        assertThat(notADuration.exitCode()).isEqualTo(2);
        assertThat(notADuration.err()).contains("--expires").contains("30d");
        assertThat(notARole.exitCode()).isEqualTo(2);
        assertThat(notARole.err()).contains("read, use, edit, manage");
    }

    @Test
    void aManagerOpensADeploymentToPredictionsWithoutAToken() throws IOException {
        ok(asAdmin("project", "create", "open"));
        ok(asAdmin("model", "create", "open/trips"));
        String golden = io.carrara.serving.runtime.GoldenModels.model(io.carrara.serving.runtime.GoldenModels.TRIPS_LR)
                .toString();
        String id = ok(asAdmin("instance", "upload", "open/trips", golden, "--format", "spark-pipeline")).out().strip();
        ok(asAdmin("deploy", "open-trips", "--instance", id));
        assertThat(ok(asAdmin("deployment", "access", "open-trips")).out())
                .isEqualTo("open-trips: predictions need a token with the use role in its project\n");
        assertThat(ok(asAdmin("deployment", "access", "open-trips", "--anonymous-predictions", "true")).out())
                .startsWith("open-trips: predictions open to anyone, without a token (set by admin at ");
        Path rows = Files.writeString(work.resolve("rows.jsonl"), com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .build().writeValueAsString(io.carrara.serving.runtime.GoldenModels.scoredInputs(
                        io.carrara.serving.runtime.GoldenModels.TRIPS_LR, 1).get(0)) + "\n");
        CommandResult anonymous = carrara(Map.of(), "predict", "open-trips", "--input", rows.toString());
        assertThat(anonymous.exitCode()).as(anonymous.toString()).isZero();
        assertThat(anonymous.out().lines()).hasSize(1);
        ok(asAdmin("deployment", "access", "open-trips", "--anonymous-predictions", "false"));
        assertThat(carrara(Map.of(), "predict", "open-trips", "--input", rows.toString()).exitCode()).isEqualTo(1);
    }

    // ---- helpers

    private static CommandResult asAdmin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--token", adminToken));
        return carrara(Map.of(), all.toArray(String[]::new));
    }

    private static CommandResult carrara(Map<String, String> environment, String... args) {
        return carraraWithStdin(environment, "", args);
    }

    /** Runs {@code carrara --server URL args...} with this environment, an empty home directory and this stdin. */
    private static CommandResult carraraWithStdin(Map<String, String> environment, String stdin, String... args) {
        return InProcessCli.run(server.uri(), userHome, environment, stdin, args);
    }

    private static CommandResult ok(CommandResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    /** Runs {@code command} until {@code done} holds or {@link #REVOCATION_WAIT} passes, and answers the last result. */
    private static CommandResult poll(Supplier<CommandResult> command, Predicate<CommandResult> done) {
        long deadline = System.nanoTime() + REVOCATION_WAIT.toNanos();
        while (true) {
            CommandResult result = command.get();
            if (done.test(result) || System.nanoTime() > deadline) {
                return result;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
        }
    }

    private static String valueAfter(String output, String prefix) {
        return output.lines().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> line.substring(prefix.length()).strip())
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + output));
    }

    /** The rows of a key-value table: the key, then two or more spaces, then the value. */
    private static Map<String, String> keyValues(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] parts = line.split(" {2,}", 2);
            values.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return values;
    }
}
