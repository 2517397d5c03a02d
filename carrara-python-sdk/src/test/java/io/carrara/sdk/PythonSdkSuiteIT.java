package io.carrara.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.python.Environment;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonSettings;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python SDK against a real server, as a user gets it: the wheel the build made (target/python-dist)
 * installs into a new virtual environment with its few dependencies and talks to the server; the SDK's
 * pytest suite ({@code python/sdk_tests}, every call and its errors) and mypy run in an environment with
 * the optional extras; and the breast-cancer notebook ({@code examples/breast-cancer/breast-cancer.ipynb})
 * runs top to bottom under nbclient, its outputs checked for the predictions it must print. One server
 * (the packaged jar, in a process of its own, Spark {@code local[2]}) serves all of them. It checks tokens
 * (authentication is on by default): each Python process gets the admin token the server wrote to
 * {@code <home>/admin-token} on its first start as {@code CARRARA_TOKEN}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonSdkSuiteIT {
    private static final Path REPOSITORY = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .toAbsolutePath().getParent();

    /** The suite's and the notebook's imports beyond the wheel, pinned to what the local package index holds. */
    static final String SUITE_REQUIREMENTS = """
            httpx==0.28.1
            tqdm==4.70.1
            PyYAML==6.0.3
            pandas==2.3.3
            pyarrow==25.0.1
            numpy==2.2.6
            grpcio==1.84.0
            grpcio-tools==1.84.0
            protobuf==7.36.2
            pytest==9.1.1
            scikit-learn==1.9.1
            scipy==1.17.1
            joblib==1.6.0
            nbclient==0.11.0
            nbformat==5.11.1
            ipykernel==7.4.0
            ipywidgets==8.1.9
            mypy==2.4.0
            """;

    @TempDir
    static Path temp;

    private static Process server;
    private static String serverUrl;
    private static Path serverHome;
    private static String adminToken;
    private static Path wheel;
    private static Environment suite;
    /**
     * Work that needs neither the server nor the other tests runs beside them: the fresh environment
     * (the wheel and its dependencies) installs while the server starts, and mypy checks the sources
     * while the suite runs. Each test still asserts on its own result.
     */
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "sdk-suite-background");
        thread.setDaemon(true);
        return thread;
    });
    private static Future<String> freshPython;
    private static Future<String> mypy;

    @BeforeAll
    static void startServerAndBuildEnvironment() throws Exception {
        wheel = builtWheel();
        int port = freePort();
        serverUrl = "http://127.0.0.1:" + port;
        Path serverJar = Path.of(System.getProperty("carrara.serverJar")).toAbsolutePath();
        assertThat(serverJar).as("the server jar (built before this module)").isRegularFile();
        serverHome = temp.resolve("home");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", serverJar.toString(), "up",
                "--home", serverHome.toString(), "--port", Integer.toString(port),
                "--set", "python.environments=" + environments(),
                "--set", "spark.master=local[2]")
                .redirectErrorStream(true).redirectOutput(temp.resolve("server.log").toFile());
        server = builder.start();
        freshPython = BACKGROUND.submit(PythonSdkSuiteIT::freshEnvironmentWithTheWheel);

        // The suite's environment builds while the server starts.
        Path home = Files.createDirectories(temp.resolve("suite-home"));
        Files.writeString(home.resolve(ModelHome.CONFIG), """
                formatVersion: 1
                kind: dataframe
                python: "%s"
                inputs:
                  - {name: x, type: double}
                outputs:
                  - {name: y, type: double}
                """.formatted(majorMinor()));
        Files.writeString(home.resolve(ModelHome.REQUIREMENTS), SUITE_REQUIREMENTS);
        suite = new PythonEnvironments(PythonSettings.defaults(temp.resolve("settings-home")).withEnvironments(environments()))
                .prepare(ModelHome.readForEnvironment(home), line -> { });
        // The wheel over what the environment holds, so the suite tests what pip installs, not the source tree.
        run(List.of(suite.python().toString(), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                wheel.toString()), REPOSITORY, Map.of(), Duration.ofMinutes(3), "install-wheel.log");
        mypy = BACKGROUND.submit(() -> run(List.of(suite.python().toString(), "-m", "mypy", "--config-file", "pyproject.toml",
                        "--cache-dir", temp.resolve("mypy-cache").toString()),
                REPOSITORY.resolve("python"), Map.of(), Duration.ofMinutes(5), "mypy.log"));

        waitForServer(Duration.ofMinutes(3));
        adminToken = readAdminToken(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        BACKGROUND.shutdownNow();
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    @Order(1)
    void theWheelHasTheServersVersion() throws IOException {
        String version = System.getProperty("carrara.version");
        String pep440 = version.endsWith("-SNAPSHOT") ? version.replace("-SNAPSHOT", ".dev0") : version;
        assertThat(wheel.getFileName().toString()).startsWith("carrara-" + pep440 + "-py3-none-any");
        assertThat(Files.readString(REPOSITORY.resolve("python/src/carrara/__init__.py")))
                .contains("__version__ = \"" + pep440 + "\"");
    }

    @Test
    @Order(2)
    void theWheelInstallsAloneInANewEnvironmentAndTalksToTheServer() throws Exception {
        String python = await(freshPython);
        String output = run(List.of(python, "-c", """
                import importlib.util, os, carrara
                client = carrara.connect()
                print("status", client.health()["status"])
                print("projects a ResultList", isinstance(client.projects(), carrara.sdk.ResultList))
                print("pandas installed", importlib.util.find_spec("pandas") is not None)
                print("token from", client.token_source, "is", client.whoami().user)
                try:
                    carrara.connect(token="").projects()
                except carrara.UnauthenticatedError as error:
                    print("without a token", error.code)
                del os.environ["CARRARA_TOKEN"]  # a local server's admin-token, found through CARRARA_HOME
                local = carrara.connect()
                print("token from admin-token", local.token_source.endswith("admin-token"), local.whoami().user)
                try:
                    carrara.connect("http://127.0.0.1:9")
                except carrara.UnavailableError as error:
                    print("unreachable", error.code)
                """), temp, Map.of("CARRARA_SERVER", serverUrl, "CARRARA_TOKEN", adminToken,
                        "CARRARA_HOME", serverHome.toString(), "CARRARA_CONFIG_DIR", temp.resolve("fresh-config").toString()),
                Duration.ofMinutes(1), "fresh-use.log");
        assertThat(output).contains("status ok").contains("projects a ResultList True")
                .contains("pandas installed False").contains("token from CARRARA_TOKEN is admin")
                .contains("without a token UNAUTHENTICATED").contains("token from admin-token True admin")
                .contains("unreachable UNREACHABLE");
    }

    @Test
    @Order(3)
    void theSdkSuitePasses() throws Exception {
        String output = run(List.of(suite.python().toString(), "-m", "pytest", "python/sdk_tests", "-q", "-p", "no:cacheprovider",
                        "-o", "addopts=", "--durations=10"),
                REPOSITORY, pythonEnvironment(), Duration.ofMinutes(20), "sdk-pytest.log");
        assertThat(output).containsPattern("\\d+ passed").doesNotContain(" failed").doesNotContain(" error");
    }

    @Test
    @Order(4)
    void theSdkIsMypyClean() throws Exception {
        String output = await(mypy);
        assertThat(output).contains("Success: no issues found");
    }

    @Test
    @Order(5)
    void theNotebookRunsTopToBottom() throws Exception {
        Path executed = temp.resolve("breast-cancer.executed.ipynb");
        Path runner = Path.of(PythonSdkSuiteIT.class.getResource("/run_notebook.py").toURI());
        String output = run(List.of(suite.python().toString(), runner.toString(),
                        REPOSITORY.resolve("examples/breast-cancer/breast-cancer.ipynb").toString(), executed.toString()),
                REPOSITORY.resolve("examples/breast-cancer"), pythonEnvironment(), Duration.ofMinutes(15), "notebook.log");
        assertThat(output).contains("notebook ran:");
        String notebook = Files.readString(executed);
        // The notebook prints what it checked; these are its own comparisons with scikit-learn in the kernel.
        assertThat(notebook).contains("every REST answer equals scikit-learn to 1e-12")
                .contains("every OIP gRPC answer equals scikit-learn to 1e-12")
                .contains("every batch answer equals scikit-learn to 1e-12")
                .contains("job succeeded: 569 rows scored");
    }

    // ---------------------------------------------------------------- helpers

    /** A new virtual environment with only the wheel installed (and what it requires); answers its python. */
    private static String freshEnvironmentWithTheWheel() throws IOException, InterruptedException {
        Path venv = temp.resolve("fresh-venv");
        run(List.of("python3", "-m", "venv", venv.toString()), REPOSITORY, Map.of(), Duration.ofMinutes(2), "venv.log");
        String python = venv.resolve("bin/python").toString();
        run(List.of(python, "-m", "pip", "install", "--quiet", wheel.toString()), REPOSITORY, Map.of(),
                Duration.ofMinutes(5), "fresh-install.log");
        return python;
    }

    /** The background work's result, or its own assertion error or exception, as if it had run in the test. */
    private static <T> T await(Future<T> work) throws Exception {
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    /**
     * The server and its admin token for the SDK's suite and the notebook's kernel (which inherits the
     * runner's environment), and a credentials folder of the test's own, so nothing of the machine's is read.
     */
    private static Map<String, String> pythonEnvironment() {
        return Map.of("CARRARA_SERVER", serverUrl, "CARRARA_TOKEN", adminToken,
                "CARRARA_CONFIG_DIR", temp.resolve("config").toString());
    }

    /** The admin token the server writes to {@code <home>/admin-token} on its first start (mode 0600, one line). */
    private static String readAdminToken(Duration limit) throws Exception {
        Path file = serverHome.resolve("admin-token");
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (Files.isRegularFile(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!token.isEmpty()) {
                    return token;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server wrote no admin token to " + file + " within " + limit + ":\n"
                        + tail(temp.resolve("server.log")));
            }
            Thread.sleep(100);
        }
    }

    private static Path environments() {
        String shared = System.getProperty("carrara.test.pythonEnvs");
        return shared == null ? temp.resolve("python-envs") : Path.of(shared);
    }

    private static Path builtWheel() throws IOException {
        Path directory = Path.of(System.getProperty("carrara.wheelDirectory"));
        List<Path> wheels;
        try (Stream<Path> files = Files.list(directory)) {
            wheels = files.filter(file -> file.getFileName().toString().endsWith(".whl")).toList();
        }
        assertThat(wheels).as("the wheel the package phase built in " + directory).hasSize(1);
        return wheels.get(0);
    }

    private static void waitForServer(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited with " + server.exitValue() + ":\n" + tail(temp.resolve("server.log")));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(serverUrl + "/api/v1/health").toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(5000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the server did not answer within " + limit + ":\n" + tail(temp.resolve("server.log")));
    }

    /** Runs a command with a clean environment (PATH, HOME, LANG, pip's settings, and {@code extra}); answers its output. */
    private static String run(List<String> command, Path directory, Map<String, String> extra, Duration limit, String logName)
            throws IOException, InterruptedException {
        Path log = temp.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> variables = builder.environment();
        // pip's own settings (the machine's package index) stay; nothing else of the build's environment.
        variables.keySet().removeIf(name -> !List.of("PATH", "HOME", "LANG", "LC_ALL").contains(name) && !name.startsWith("PIP_"));
        variables.put("PIP_RETRIES", "0");
        variables.put("PIP_TIMEOUT", "15");
        variables.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        variables.put("PYTHONDONTWRITEBYTECODE", "1");
        variables.put("TMPDIR", Files.createDirectories(temp.resolve("tmp")).toString());
        variables.putAll(extra);
        Process process = builder.start();
        boolean finished = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as(String.join(" ", command) + " finished within " + limit + ":\n" + output).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output
                + (server != null && !server.isAlive() ? "\nserver log:\n" + tail(temp.resolve("server.log")) : "")).isZero();
        return output;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String majorMinor() throws IOException, InterruptedException {
        Process python = new ProcessBuilder("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").start();
        String version = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        python.waitFor();
        return version;
    }
}
